/**
 * Token revocation (RFC 7009; AT&T's "Revoke Token" method, att-api line 331).
 *
 * Revoke an access token: the endpoint answers 200 and the token stops working at the resource. Revoke a
 * refresh token: access tokens of the same grant stop working (a SHOULD) and the refresh token gets
 * invalid_grant. A token the server never issued is still answered 200; a request without client
 * authentication is refused with invalid_client; a token sent with the wrong token_type_hint is revoked all the
 * same. Each scenario uses its own freshly issued token, so one revocation never explains another's result.
 */
import { randomBytes } from 'node:crypto';
import { defineSuite, passed } from '../src/runner/suite.ts';
import * as V from '../src/checks/revocation.ts';
import { callResource, describe, obtainToken } from '../src/steps/requests.ts';
import { obtainRefreshableToken, refreshRequest, refreshingGrant } from '../src/steps/refresh.ts';
import { revokeRequest } from '../src/steps/revoke.ts';
import { resolveSpec } from '../src/spec/resolve.ts';

export default defineSuite({
  name: 'revocation',
  summary: 'RFC 7009: revoked access and refresh tokens stop working; unknown tokens get 200; client authentication required; hints are only hints.',
  appliesTo: (spec) => (spec.endpoints.revoke ? true : 'the spec declares no revocation endpoint (RFC 7009)'),
  async run(t) {
    const { spec } = t;
    const invalidStatus = resolveSpec(spec).resource.invalidTokenStatus;
    const revoke = async (token: string, hint?: string) => {
      const ex = await revokeRequest(t, token, hint ? { hint } : {});
      if (ex.failure) throw new Error(describe(ex));
      return ex;
    };
    /** A revocation that must have succeeded for what follows to mean anything (RFC 7009 §2.2: HTTP 200). */
    const revokeOk = async (token: string, hint: string) => {
      const ex = await revoke(token, hint);
      if (ex.status !== 200) throw new Error(`revocation request: expected HTTP 200 (RFC 7009 §2.2), observed ${describe(ex)}`);
      return ex;
    };

    // ---- an access token ----
    const a = await t.step('obtain a token and revoke its access token', async () => {
      const tok = await obtainToken(t);
      return { tok, revocation: await revoke(tok.accessToken, 'access_token') };
    });
    const revoked = await t.check(V.revocationSucceeds, { severity: 'MUST', needs: [a] }, (first) => [first.revocation]);
    // A token is "still accepted" only if it was revoked in the first place (regression: a 404 from the revoke
    // endpoint was followed by "revoked token still accepted").
    await t.check(V.revokedAccessTokenRejected, { severity: 'MUST', needs: [a, passed(revoked)] }, async (first) =>
      [await callResource(t, first.tok.accessToken), invalidStatus]);

    // ---- a refresh token ----
    if (!refreshingGrant(t)) {
      const reason = spec.grants.refresh_token ? 'no grant in the spec issues a refresh token' : 'the spec has no refresh_token grant';
      t.notApplicable(V.refreshRevocationRevokesAccess, 'SHOULD', reason);
      t.notApplicable(V.revokedRefreshTokenRejected, 'MUST', reason);
    } else {
      const b = await t.step('obtain a token pair and revoke its refresh token', async () => {
        const tok = await obtainRefreshableToken(t);
        await revokeOk(tok.refreshToken, 'refresh_token');
        return tok;
      });
      // The access token first: a refresh attempt could itself invalidate it (AT&T, att-api line 95).
      await t.check(V.refreshRevocationRevokesAccess, { severity: 'SHOULD', needs: [b] }, async (pair) => [await callResource(t, pair.accessToken), invalidStatus]);
      await t.check(V.revokedRefreshTokenRejected, { severity: 'MUST', needs: [b] }, async (pair) => [await refreshRequest(t, pair.refreshToken), spec]);
    }

    // ---- an unknown token ----
    // Needs the first scenario only as proof that the target answers at all (a dead target skips, not fails).
    await t.check(V.unknownTokenAccepted, { severity: 'MUST', needs: [a] }, async () =>
      [await revokeRequest(t, `oauthgate-unknown-${randomBytes(12).toString('base64url')}`, { hint: 'access_token' })]);

    // ---- client authentication ----
    const c = await t.step('obtain a token for an unauthenticated revocation', () => obtainToken(t));
    await t.check(V.clientAuthRequired, { severity: 'MUST', needs: [c] }, async (tok) => [await revokeRequest(t, tok.accessToken, { auth: 'none' }), spec]);

    // ---- token_type_hint is only a hint ----
    const d = await t.step('obtain a token and revoke its access token with token_type_hint=refresh_token', async () => {
      const tok = await obtainToken(t);
      await revokeOk(tok.accessToken, 'refresh_token');
      return tok;
    });
    await t.check(V.wrongHintStillRevokes, { severity: 'MUST', needs: [d] }, async (tok) => [await callResource(t, tok.accessToken), invalidStatus]);
  },
});
