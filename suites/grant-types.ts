/**
 * Grant types (RFC 6749 §4, §6).
 *
 * Every grant the spec supports is run end to end: obtain a token, then use it at the protected resource.
 * Grants the spec does not list are rejected with unsupported_grant_type; an authorization code is single-use
 * (RFC 6749 §4.1.2); refresh tokens are issued exactly where the spec says.
 */
import { defineSuite, Unavailable } from '../src/runner/suite.ts';
import { CheckAbort, defineCheck, fail, notApplicable, show, type Check, type CheckMeta, type Outcome } from '../src/checks/check.ts';
import { refreshTokenAsDocumented, refusedAs } from '../src/checks/token-response.ts';
import { observedResponse } from '../src/checks/rejection.ts';
import { acceptedAtResource, checkResourceAccepts, rejectedAtResource } from '../src/checks/resource.ts';
import {
  authorizeRequest, callResource, expectToken, grantParams, obtainCode, obtainToken, tokenRequest, type IssuedToken,
} from '../src/steps/requests.ts';
import { GRANT_TYPES, type GrantType } from '../src/spec/schema.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import type { HttpExchange } from '../src/http/types.ts';

const endToEndMeta = (g: GrantType): CheckMeta => ({
  id: `grant.${g.replace(/_/g, '-')}.end-to-end`,
  title: `The ${g} grant yields a token that works at the protected resource`,
  requirement: g === 'implicit' ? 'RFC 6749 §4.2' : g === 'refresh_token' ? 'RFC 6749 §6' : `RFC 6749 §4 (${g})`,
});
/** The grant `g` yields a token that the protected resource accepts. */
const endToEnd = (g: GrantType) => acceptedAtResource(endToEndMeta(g));

/** The access token in an implicit-grant redirect's fragment (RFC 6749 §4.2.2), if any. */
function fragmentToken(ex: HttpExchange): string | undefined {
  const loc = ex.headers.location;
  if (ex.status !== 302 || !loc) return undefined;
  return new URLSearchParams(new URL(loc).hash.slice(1)).get('access_token') ?? undefined;
}

/**
 * The implicit grant end to end: the authorization response redirects with an access token in the fragment, and
 * the resource accepts that token (`resource` is absent when no token came).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.2.2
 */
const implicitEndToEnd: Check<[HttpExchange, HttpExchange | undefined]> = defineCheck({
  ...endToEndMeta('implicit'),
  evaluate(authorization: HttpExchange, resource: HttpExchange | undefined): Outcome {
    const loc = authorization.headers.location;
    if (authorization.status !== 302 || !loc) return fail('implicit authorization response', 'a 302 redirect', observedResponse(authorization), 'RFC 6749 §4.2.2');
    if (!resource || !fragmentToken(authorization)) {
      const hash = new URL(loc).hash;
      return fail('redirect fragment', 'an access_token parameter', show(hash ? [...new URLSearchParams(hash.slice(1)).keys()] : '(no fragment)'), 'RFC 6749 §4.2.2');
    }
    return checkResourceAccepts(resource);
  },
});

/** A redeemed code's tokens stop working after the code is redeemed again. */
const reuseRevokes = rejectedAtResource(
  { id: 'grant.authorization-code.reuse-revokes-tokens', title: 'Redeeming a code twice revokes the tokens issued from it', requirement: 'RFC 6749 §4.1.2 (SHOULD revoke)' },
  'resource call with the token from a reused code',
);

/** A code redeemed twice is refused as invalid_grant. */
const reuseRejected = refusedAs(
  { id: 'grant.authorization-code.reuse-rejected', title: 'An authorization code redeemed twice is rejected', requirement: 'RFC 6749 §4.1.2 (MUST NOT be used more than once)' },
  'invalid_grant',
  'second redemption of an authorization code',
);

/** A code redeemed after the lifetime the spec documents is refused as invalid_grant. */
const expiredCodeRejected = refusedAs(
  {
    id: 'grant.authorization-code.expired-code-rejected',
    title: 'An authorization code redeemed after its documented lifetime is rejected as invalid_grant',
    requirement: 'RFC 6749 §4.1.2 (MUST expire shortly after it is issued), §5.2 and provider spec lifetimes.authorizationCode',
  },
  'invalid_grant',
  'redemption of an authorization code after its lifetime',
);

/** A grant the spec does not list is refused as unsupported_grant_type (or unauthorized_client, §5.2). */
const unsupportedRejected = (g: GrantType) => refusedAs(
  { id: `grant.${g.replace(/_/g, '-')}.unsupported-rejected`, title: `The ${g} grant, not in the spec, is rejected as unsupported_grant_type`, requirement: 'RFC 6749 §5.2' },
  'unsupported_grant_type',
  `token request with the ${g} grant (not in the spec)`,
);

export default defineSuite({
  name: 'grant-types',
  summary: 'Each supported grant end to end; unsupported grants rejected; codes single-use; refresh tokens where documented.',
  async run(t) {
    const { spec } = t;
    const tokens: Partial<Record<GrantType, IssuedToken>> = {};

    for (const g of ['client_credentials', 'password', 'authorization_code'] as const) {
      const grant = spec.grants[g];
      if (!grant) continue;
      const step = await t.step(`obtain a token with ${g}`, () => obtainToken(t, g));
      if (step.ok) tokens[g] = step.value;
      await t.check(endToEnd(g), { severity: 'MUST', needs: [step] }, async (tok) => [await callResource(t, tok.accessToken)]);
      const severity = g === 'client_credentials' && !grant.issuesRefreshToken ? 'SHOULD' : 'MUST';
      await t.check(refreshTokenAsDocumented(g, grant.issuesRefreshToken), { severity, needs: [step] }, (tok) => [tok.exchange]);
    }

    if (spec.grants.refresh_token) {
      const base = Object.values(tokens).find((x) => x?.refreshToken);
      const step = await t.step('refresh the token', async () => {
        if (!base?.refreshToken) throw new Unavailable('no grant produced a refresh token (the refresh-token-issued checks say why)');
        return expectToken(await tokenRequest(t, 'refresh_token', { params: { refresh_token: base.refreshToken } }));
      });
      await t.check(endToEnd('refresh_token'), { severity: 'MUST', needs: [step] }, async (tok) => [await callResource(t, tok.accessToken)]);
    }

    if (spec.grants.implicit) {
      await t.check(implicitEndToEnd, { severity: 'MUST' }, async () => {
        if (!t.target.autoConsent) throw new CheckAbort(notApplicable('the implicit grant needs a user; the target does not declare autoConsent'));
        const ex = await authorizeRequest(t, { response_type: 'token', client_id: t.target.clientId, redirect_uri: t.target.redirectUri, state: 'oauthgate-implicit' });
        const at = fragmentToken(ex);
        if (!at) return [ex, undefined];
        t.redactor.add(at);
        return [ex, await callResource(t, at)];
      });
    }

    // ---- unsupported grants ----
    const bodyless = spec.request.encoding === 'empty';
    for (const g of GRANT_TYPES) {
      if (spec.grants[g] || g === 'implicit') continue;
      if (bodyless) {
        t.notApplicable(unsupportedRejected(g), 'MUST', 'the token request has no body, so no grant type can be sent');
        continue;
      }
      const params = g === 'password' ? { username: 'probe', password: 'probe-password' } : g === 'refresh_token' ? { refresh_token: 'probe-refresh-token' } : g === 'authorization_code' ? { code: 'probe-code' } : grantParams(t, 'client_credentials');
      await t.check(unsupportedRejected(g), { severity: 'MUST' }, async () => [await tokenRequest(t, g, { params }), spec]);
    }

    // ---- authorization code reuse ----
    if (!spec.grants.authorization_code) {
      t.notApplicable(reuseRejected, 'MUST', 'the spec has no authorization_code grant');
      t.notApplicable(reuseRevokes, 'SHOULD', 'the spec has no authorization_code grant');
      t.notApplicable(expiredCodeRejected, 'MUST', 'the spec has no authorization_code grant');
    } else {
      const first = await t.step('redeem a fresh authorization code', async () => {
        const { code, redirectUri, codeVerifier } = await obtainCode(t);
        const tok = expectToken(await tokenRequest(t, 'authorization_code', { params: { code, redirect_uri: redirectUri, code_verifier: codeVerifier } }));
        return { code, redirectUri, codeVerifier, tok };
      });
      await t.check(reuseRejected, { severity: 'MUST', needs: [first] }, async (f) => [
        await tokenRequest(t, 'authorization_code', { params: { code: f.code, redirect_uri: f.redirectUri, code_verifier: f.codeVerifier } }),
        spec,
      ]);
      await t.check(reuseRevokes, { severity: 'SHOULD', needs: [first] }, async (f) => [await callResource(t, f.tok.accessToken), resolveSpec(spec).resource.invalidTokenStatus]);
      // A code a moment past its lifetime: the only difference from a fresh one is the time that has passed. A
      // live target that cannot wait that long skips the check with the seconds it needs (waitBudgetSeconds).
      const aged = await t.step('obtain an authorization code to let expire', () => obtainCode(t));
      await t.check(expiredCodeRejected, { severity: 'MUST', needs: [aged] }, async (c) => {
        await t.elapse(spec.lifetimes.authorizationCode + 1);
        return [await tokenRequest(t, 'authorization_code', { params: { code: c.code, redirect_uri: c.redirectUri, code_verifier: c.codeVerifier } }), spec];
      });
    }
  },
});
