/**
 * Redirect-URI matching at the authorization endpoint (RFC 6749 §3.1.2, §4.1.2.1; RFC 9700 §2.1, §4.1).
 *
 * Authorize with the registered redirect URI: it is redirected to, with state unchanged. Then apply the
 * spec's rule: under `exact` an added path or query is rejected; under AT&T's `extension` rule the FAQ's four
 * matching and two non-matching examples hold. Then the security probes, each derived from the registered URI:
 * a path continued without a segment boundary, a host that merely ends with the registered one, userinfo,
 * another port, http instead of https, dot-segments plain and percent-encoded, a fragment. A rejected URI is
 * never redirected to. An absent redirect_uri falls back to the registered URI, or is rejected, as the spec
 * says; the implicit grant puts the token in the fragment.
 *
 * Without autoConsent (a live target that needs a user), nothing is redirected: checks that need a redirect
 * are not_applicable, and rejection probes fail only when the probe is redirected to, which is conclusive.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2
 */
import { passed, defineSuite, type Prereq } from '../src/runner/suite.ts';
import type { Severity } from '../src/checks/check.ts';
import * as R from '../src/checks/redirect-uri.ts';
import { authorizeRequest, challengeParams } from '../src/steps/requests.ts';
import type { HttpExchange } from '../src/http/types.ts';

const STATE = 'oauthgate-state 1/2+3=4&5?';

export default defineSuite({
  name: 'redirect-uri',
  summary: 'Registered URI accepted; exact or AT&T extension rule; security probes rejected and never redirected to; fallback, state and implicit fragment.',
  appliesTo: (spec) => (spec.endpoints.authorize && spec.redirectUri ? true : 'the spec declares no authorization endpoint with a redirect-URI rule'),
  async run(t) {
    const { spec } = t;
    const rule = spec.redirectUri!;
    const registered = t.target.redirectUri ?? rule.registered;
    const reg = new URL(registered);
    const responseType: R.ResponseType | undefined = spec.grants.authorization_code ? 'code' : spec.grants.implicit ? 'token' : undefined;
    const consent = t.target.autoConsent === true;
    const cannotRedirect = !responseType
      ? 'the spec has neither an authorization_code nor an implicit grant, so no authorization response can be requested'
      : !consent ? 'the target does not declare autoConsent: without a user to consent nothing is redirected' : undefined;

    /** One authorization request; codes and tokens in the redirect are registered as secrets. */
    const authorize = async (redirectUri: string | undefined, type: R.ResponseType = responseType ?? 'code', state = STATE): Promise<HttpExchange> => {
      const ex = await authorizeRequest(t, { response_type: type, client_id: t.target.clientId, redirect_uri: redirectUri, state, ...challengeParams(t, type) });
      const p = R.responseParams(R.redirectLocation(ex));
      for (const k of ['code', 'access_token', 'id_token']) t.redactor.add(p.query.get(k) ?? p.fragment.get(k));
      return ex;
    };

    /** Authorizes with `uri` (undefined: no redirect_uri) and expects a redirect to it, or to the registered URI. */
    const accepted = (check: R.RedirectAcceptedCheck, severity: Severity, uri: string | undefined) =>
      cannotRedirect ? t.notApplicable(check, severity, cannotRedirect) : t.check(check, { severity }, async () => [await authorize(uri), uri ?? registered, responseType!]);

    // ---- the registered URI: the baseline every rejection is measured against ----
    let baseline: Prereq<unknown> | undefined;
    if (cannotRedirect) t.notApplicable(R.registeredUriAccepted, 'MUST', cannotRedirect);
    else baseline = passed(await accepted(R.registeredUriAccepted, 'MUST', registered));
    const needs = baseline ? [baseline] : [];

    /** Authorizes with `uri` and expects it rejected, never redirected to. */
    const rejected = async (check: R.RedirectRejectedCheck, severity: Severity, uri: string | undefined, unavailable = 'no probe URI can be derived from the registered one', deviation?: string) => {
      if (!responseType) return t.notApplicable(check, severity, cannotRedirect!);
      if (uri === undefined) return t.notApplicable(check, severity, unavailable);
      return t.check(check, { severity, needs, ...(deviation ? { deviation } : {}) }, async () => [await authorize(uri), uri, consent]);
    };

    // ---- the spec's rule ----
    // RFC 9700 §2.1 exact matching. Under AT&T's documented extension rule the same probes are still sent, so
    // that the documented deviation is observed and reported as one (and a provider that tightened its rule shows).
    for (const p of R.EXACT_EXTENSIONS) await rejected(p.check, 'MUST', p.derive(reg), p.unavailable, rule.rule === 'extension' ? 'redirect-uri.extension-match' : undefined);
    for (const p of R.ATT_FAQ_EXAMPLES) {
      if (rule.rule !== 'extension') t.notApplicable(p.check, 'MUST', `the spec's redirect-URI rule is "${rule.rule}"; the AT&T FAQ examples apply to the extension rule`);
      else if (p.expect === 'match') await accepted(p.check, 'MUST', p.derive(reg));
      else await rejected(p.check, 'MUST', p.derive(reg), p.unavailable);
    }

    // ---- security probes ----
    for (const p of R.SECURITY_PROBES) await rejected(p.check, 'SHOULD', p.derive(reg), p.unavailable);
    await rejected(R.errorNotRedirected, 'MUST', R.unregisteredHostUri(reg));

    // ---- absent redirect_uri, state, implicit ----
    if (rule.fallbackToRegistered) await accepted(R.absentFallsBack, 'MUST', undefined);
    else if (!responseType) t.notApplicable(R.absentRejected, 'SHOULD', cannotRedirect!);
    else await t.check(R.absentRejected, { severity: 'SHOULD', needs }, async () => [await authorize(undefined), consent]);

    if (cannotRedirect) t.notApplicable(R.statePreserved, 'MUST', cannotRedirect);
    else await t.check(R.statePreserved, { severity: 'MUST' }, async () => [await authorize(registered), STATE]);

    if (!spec.grants.implicit) t.notApplicable(R.implicitTokenInFragment, 'MUST', 'the spec has no implicit grant');
    else if (!consent) t.notApplicable(R.implicitTokenInFragment, 'MUST', 'the target does not declare autoConsent: without a user to consent nothing is redirected');
    else await t.check(R.implicitTokenInFragment, { severity: 'MUST' }, async () => [await authorize(registered, 'token')]);
  },
});
