/**
 * Grant types (RFC 6749 §4, §6).
 *
 * Every grant the spec supports is run end to end: obtain a token, then use it at the protected resource.
 * Grants the spec does not list are rejected with unsupported_grant_type; an authorization code is single-use
 * (RFC 6749 §4.1.2); refresh tokens are issued exactly where the spec says.
 */
import { defineSuite, Unavailable } from '../src/runner/suite.ts';
import { fail, notApplicable, pass, show, type CheckMeta } from '../src/checks/check.ts';
import { checkErrorCase, observedResponse } from '../src/checks/token-response.ts';
import { checkResourceAccepts } from '../src/checks/resource.ts';
import {
  authorizeRequest, callResource, expectToken, grantParams, obtainCode, obtainToken, tokenRequest, type IssuedToken,
} from '../src/steps/requests.ts';
import { GRANT_TYPES, type GrantType } from '../src/spec/schema.ts';

const endToEnd = (g: GrantType): CheckMeta => ({
  id: `grant.${g.replace(/_/g, '-')}.end-to-end`,
  title: `The ${g} grant yields a token that works at the protected resource`,
  requirement: g === 'implicit' ? 'RFC 6749 §4.2' : g === 'refresh_token' ? 'RFC 6749 §6' : `RFC 6749 §4 (${g})`,
});

export default defineSuite({
  name: 'grant-types',
  summary: 'Each supported grant end to end; unsupported grants rejected; codes single-use; refresh tokens where documented.',
  async run(t) {
    const { spec } = t;
    const tokens: Partial<Record<GrantType, IssuedToken>> = {};

    for (const g of ['client_credentials', 'password', 'authorization_code'] as const) {
      if (!spec.grants[g]) continue;
      const step = await t.step(`obtain a token with ${g}`, () => obtainToken(t, g));
      if (step.ok) tokens[g] = step.value;
      await t.judge(endToEnd(g), { severity: 'MUST', needs: [step] }, async () => checkResourceAccepts(await callResource(t, step.ok ? step.value.accessToken : '')));
      const rtMeta: CheckMeta = {
        id: `grant.${g.replace(/_/g, '-')}.refresh-token-${spec.grants[g]!.issuesRefreshToken ? 'issued' : 'absent'}`,
        title: `The ${g} response ${spec.grants[g]!.issuesRefreshToken ? 'includes' : 'omits'} a refresh_token, as the spec says`,
        requirement: g === 'client_credentials' ? 'RFC 6749 §4.4.3 and provider spec' : 'provider spec grants.*.issuesRefreshToken',
      };
      await t.judge(rtMeta, { severity: g === 'client_credentials' && !spec.grants[g]!.issuesRefreshToken ? 'SHOULD' : 'MUST', needs: [step] }, () => {
        const has = step.ok && step.value.refreshToken !== undefined;
        const want = spec.grants[g]!.issuesRefreshToken;
        return has === want ? pass() : fail('"refresh_token" in token response', want ? 'a refresh token' : 'no refresh token', has ? 'a refresh token' : '(absent)');
      });
    }

    if (spec.grants.refresh_token) {
      const base = Object.values(tokens).find((x) => x?.refreshToken);
      const step = await t.step('refresh the token', async () => {
        if (!base?.refreshToken) throw new Unavailable('no grant produced a refresh token (the refresh-token-issued checks say why)');
        return expectToken(await tokenRequest(t, 'refresh_token', { params: { refresh_token: base.refreshToken } }));
      });
      await t.judge(endToEnd('refresh_token'), { severity: 'MUST', needs: [step] }, async () => checkResourceAccepts(await callResource(t, step.ok ? step.value.accessToken : '')));
    }

    if (spec.grants.implicit) {
      await t.judge(endToEnd('implicit'), { severity: 'MUST' }, async () => {
        if (!t.target.autoConsent) return notApplicable('the implicit grant needs a user; the target does not declare autoConsent');
        const ex = await authorizeRequest(t, { response_type: 'token', client_id: t.target.clientId, redirect_uri: t.target.redirectUri, state: 'oauthgate-implicit' });
        const loc = ex.headers.location;
        if (ex.status !== 302 || !loc) return fail('implicit authorization response', 'a 302 redirect', observedResponse(ex), 'RFC 6749 §4.2.2');
        const frag = new URLSearchParams(new URL(loc).hash.slice(1));
        const at = frag.get('access_token');
        if (!at) return fail('redirect fragment', 'an access_token parameter', show(new URL(loc).hash ? [...frag.keys()] : '(no fragment)'), 'RFC 6749 §4.2.2');
        t.redactor.add(at);
        return checkResourceAccepts(await callResource(t, at));
      });
    }

    // ---- unsupported grants ----
    const bodyless = spec.request.encoding === 'empty';
    for (const g of GRANT_TYPES) {
      if (spec.grants[g] || g === 'implicit') continue;
      const meta: CheckMeta = { id: `grant.${g.replace(/_/g, '-')}.unsupported-rejected`, title: `The ${g} grant, not in the spec, is rejected as unsupported_grant_type`, requirement: 'RFC 6749 §5.2' };
      if (bodyless) {
        t.notApplicable(meta, 'MUST', 'the token request has no body, so no grant type can be sent');
        continue;
      }
      await t.judge(meta, { severity: 'MUST' }, async () => {
        const params = g === 'password' ? { username: 'probe', password: 'probe-password' } : g === 'refresh_token' ? { refresh_token: 'probe-refresh-token' } : g === 'authorization_code' ? { code: 'probe-code' } : grantParams(t, 'client_credentials');
        const e = await tokenRequest(t, g, { params });
        // Where the spec documents no status for this case, any 4xx without a token passes (checkErrorCase).
        return checkErrorCase(e, spec, 'unsupported_grant_type');
      });
    }

    // ---- authorization code reuse ----
    const reuse: CheckMeta = { id: 'grant.authorization-code.reuse-rejected', title: 'An authorization code redeemed twice is rejected', requirement: 'RFC 6749 §4.1.2 (MUST NOT be used more than once)' };
    const reuseRevokes: CheckMeta = { id: 'grant.authorization-code.reuse-revokes-tokens', title: 'Redeeming a code twice revokes the tokens issued from it', requirement: 'RFC 6749 §4.1.2 (SHOULD revoke)' };
    if (!spec.grants.authorization_code) {
      t.notApplicable(reuse, 'MUST', 'the spec has no authorization_code grant');
      t.notApplicable(reuseRevokes, 'SHOULD', 'the spec has no authorization_code grant');
    } else {
      const first = await t.step('redeem a fresh authorization code', async () => {
        const { code, redirectUri } = await obtainCode(t);
        const tok = expectToken(await tokenRequest(t, 'authorization_code', { params: { code, redirect_uri: redirectUri } }));
        return { code, redirectUri, tok };
      });
      let second: Awaited<ReturnType<typeof tokenRequest>> | undefined;
      await t.judge(reuse, { severity: 'MUST', needs: [first] }, async () => {
        if (!first.ok) return notApplicable('unreachable');
        second = await tokenRequest(t, 'authorization_code', { params: { code: first.value.code, redirect_uri: first.value.redirectUri } });
        return checkErrorCase(second, spec, 'invalid_grant');
      });
      await t.judge(reuseRevokes, { severity: 'SHOULD', needs: [first] }, async () => {
        if (!first.ok) return notApplicable('unreachable');
        const r = await callResource(t, first.value.tok.accessToken);
        return r.status === spec.resource.invalidTokenStatus ? pass() : fail('resource call with the token from a reused code', `${spec.resource.invalidTokenStatus} (token revoked)`, observedResponse(r), 'RFC 6749 §4.1.2');
      });
    }
  },
});
