/**
 * Token-request syntax (RFC 6749 §2.3, §2.3.1, §3.2, §5.2): what a server must not honour even though it could.
 *
 * First, where the client id or secret has a character the form encoding changes (`:`, `%`, `+`, a space), a
 * request with HTTP Basic credentials form-urlencoded before base64 (RFC 6749 §2.3.1) must get a token; elsewhere
 * that check is not applicable (the harness cannot change a live server's secret; a mock can be given one).
 * Then a well-formed request with the spec's primary grant gets a token: the baseline that makes each refusal
 * mean something. Then, each changed in one way from that request: client credentials moved to the query string,
 * (for the password grant) the password moved to the query string, grant_type sent twice, and HTTP Basic plus
 * client_secret in the body. Each must be refused. Two authentication methods are not applicable where the spec
 * itself documents both in one request (T-Mobile v6 requires Basic and body credentials together).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
import { defineSuite, type SuiteContext } from '../src/runner/suite.ts';
import * as S from '../src/checks/request-syntax.ts';
import { formEncodingChanges } from '../src/checks/request-syntax.ts';
import { attachTaap, expectToken, grantParams, obtainCode, primaryGrant, sendBuilt } from '../src/steps/requests.ts';
import { buildTokenRequest, specAuthMode, type BuiltRequest, type TokenRequestOptions } from '../src/steps/build.ts';
import { formEncode } from '../src/http/client.ts';
import type { GrantType } from '../src/spec/schema.ts';

/** The parameters of a request with `grant` (a fresh code, with its PKCE verifier, for authorization_code). */
async function paramsFor(t: SuiteContext, grant: GrantType): Promise<Record<string, string | undefined>> {
  if (grant !== 'authorization_code') return grantParams(t, grant);
  const { code, redirectUri, codeVerifier } = await obtainCode(t);
  return { code, redirect_uri: redirectUri, code_verifier: codeVerifier };
}

/** Builds a token request, lets `edit` change it, then signs (TAAP, where required) and sends it. */
async function sendEdited(t: SuiteContext, grant: GrantType, opts: TokenRequestOptions, edit: (req: BuiltRequest) => void) {
  const req = buildTokenRequest(t, grant, opts);
  edit(req);
  if (t.spec.pop?.profile === 'taap') await attachTaap(t, req);
  return sendBuilt(t, req);
}

/** Appends `fields` to the request URI's query. */
const addQuery = (req: BuiltRequest, fields: Record<string, string | undefined>) => {
  const u = new URL(req.url);
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) u.searchParams.append(k, v);
  req.url = u.toString();
};

export default defineSuite({
  name: 'request-syntax',
  summary: 'RFC 6749 §2.3, §3.2, §5.2: credentials in the query string, a repeated parameter and two client authentication methods are refused.',
  appliesTo: (spec) => (spec.grants.client_credentials || spec.grants.password || spec.grants.authorization_code ? true : 'the spec declares no grant that obtains a token at the token endpoint'),
  async run(t) {
    const { spec } = t;
    const grant = primaryGrant(t)!;
    const names = spec.request.paramNames;
    const wire = (k: string) => names[k] ?? k;

    // ---- Basic credentials form-urlencoded (RFC 6749 §2.3.1) ----
    // First and on its own: a server that does not form-decode fails every Basic request, the baseline included.
    const changed = formEncodingChanges(t.target.clientId, t.target.clientSecret);
    const authMode = specAuthMode(spec);
    if (!spec.clientAuth.methods.includes('client_secret_basic')) t.notApplicable(S.basicFormEncodedAccepted, 'MUST', 'the spec does not list client_secret_basic');
    else if (t.target.clientSecret === undefined) t.notApplicable(S.basicFormEncodedAccepted, 'MUST', 'the target is a public client: it has no client secret');
    else if (!changed) {
      t.notApplicable(S.basicFormEncodedAccepted, 'MUST', 'the target\'s client id and secret have no character the form encoding changes (":", "%", "+", a space, ...), so a server that skips form decoding cannot be told apart; the harness cannot change a live server\'s secret');
    } else {
      await t.check(S.basicFormEncodedAccepted, { severity: 'MUST', needs: [] }, async () => [
        await sendEdited(t, grant, { params: await paramsFor(t, grant), auth: authMode === 'both' ? 'both' : 'basic' }, () => {}),
        changed,
      ]);
    }

    // ---- baseline ----
    const base = await t.step(`obtain a token with ${grant}`, async () => expectToken(await sendEdited(t, grant, { params: await paramsFor(t, grant) }, () => {})));
    const needs = [base] as const;

    // ---- credentials in the URI ----
    const popSignsAuth = spec.pop?.profile === 'taap' && spec.pop.required && spec.pop.requiredParts.some((p) => p.toLowerCase() === 'authorization');
    if (t.target.clientSecret === undefined) t.notApplicable(S.queryClientSecretRejected, 'SHOULD', 'the target is a public client: it has no client secret to misplace');
    else if (popSignsAuth) t.notApplicable(S.queryClientSecretRejected, 'SHOULD', 'the spec\'s PoP token must sign the Authorization header, so a request without one is refused for its PoP before its credentials are read');
    else {
      await t.check(S.queryClientSecretRejected, { severity: 'SHOULD', needs }, async () => [
        await sendEdited(t, grant, { params: await paramsFor(t, grant), auth: 'none' }, (req) => {
          req.secrets.push(t.target.clientSecret!);
          addQuery(req, { [wire('client_id')]: t.target.clientId, [wire('client_secret')]: t.target.clientSecret });
        }),
        spec,
      ]);
    }
    if (!spec.grants.password) t.notApplicable(S.queryPasswordRejected, 'SHOULD', 'the spec has no password grant');
    else if (spec.request.encoding === 'empty') t.notApplicable(S.queryPasswordRejected, 'SHOULD', 'the spec sends token requests with an empty body, so a password has no body to be missing from');
    else {
      const pw = await t.step('obtain a token with the password grant', async () => expectToken(await sendEdited(t, 'password', { params: grantParams(t, 'password') }, () => {})));
      await t.check(S.queryPasswordRejected, { severity: 'SHOULD', needs: [pw] }, async () => {
        const { username, password, ...rest } = grantParams(t, 'password');
        return [await sendEdited(t, 'password', { params: rest }, (req) => {
          if (password) req.secrets.push(password);
          addQuery(req, { username, password });
        }), spec];
      });
    }

    // ---- a repeated parameter ----
    if (spec.request.encoding !== 'form') t.notApplicable(S.repeatedParameterRejected, 'SHOULD', `the spec sends token requests ${spec.request.encoding === 'json' ? 'as JSON' : 'with an empty body'}, where a form parameter can't be repeated`);
    else {
      await t.check(S.repeatedParameterRejected, { severity: 'SHOULD', needs }, async () => [
        await sendEdited(t, grant, { params: await paramsFor(t, grant) }, (req) => { req.body = `${req.body}&${formEncode({ [wire('grant_type')]: grant })}`; }),
        spec,
      ]);
    }

    // ---- two client authentication methods ----
    if (spec.clientAuth.bodyCredentialsAlsoRequired) t.notApplicable(S.twoAuthMethodsRejected, 'SHOULD', 'the spec itself requires HTTP Basic and body credentials in one request (clientAuth.bodyCredentialsAlsoRequired)');
    else if (t.target.clientSecret === undefined) t.notApplicable(S.twoAuthMethodsRejected, 'SHOULD', 'the target is a public client: it has no client secret');
    else if (spec.request.encoding === 'empty') t.notApplicable(S.twoAuthMethodsRejected, 'SHOULD', 'the spec sends token requests with an empty body, so there is no body to carry a second method');
    else await t.check(S.twoAuthMethodsRejected, { severity: 'SHOULD', needs }, async () => [await sendEdited(t, grant, { params: await paramsFor(t, grant), auth: 'both' }, () => {}), spec]);
  },
});
