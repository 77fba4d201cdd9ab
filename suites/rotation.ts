/**
 * Refresh-token rotation and what a refresh invalidates (RFC 6749 §6, RFC 9700 §4.14.2).
 *
 * Obtain a token pair with the grant that issues refresh tokens (client_credentials for AT&T, password for
 * Tangoe, authorization_code elsewhere), refresh it, and check that the refresh returns a new access token — and
 * a new refresh token where the spec says refresh tokens rotate — and that the new pair works. Then, one by one,
 * what the spec's refresh policy says happened to the old pair: the old access token rejected (AT&T, att-api
 * line 95) or still valid until it expires; the old refresh token rejected with invalid_grant or still usable
 * (Tangoe, tangoe line 7). Last, reuse detection: replaying a rotated-away refresh token revokes the active one
 * (a SHOULD, checked only where the spec promises it).
 */
import { defineSuite, Unavailable } from '../src/runner/suite.ts';
import { CheckAbort, notApplicable } from '../src/checks/check.ts';
import * as R from '../src/checks/rotation.ts';
import { callResource, describe, expectToken } from '../src/steps/requests.ts';
import { obtainRefreshableToken, refreshRequest } from '../src/steps/refresh.ts';
import { resolveSpec } from '../src/spec/resolve.ts';

export default defineSuite({
  name: 'rotation',
  summary: 'A refresh returns a new pair that works; the old pair is invalidated or kept exactly as the spec says; reuse detection where promised.',
  appliesTo: (spec) => (!spec.grants.refresh_token ? 'the spec has no refresh_token grant' : !spec.refresh ? 'the spec has no refresh policy' : true),
  async run(t) {
    const { spec } = t;
    const policy = spec.refresh!;
    const basis = R.specBasis(policy);
    const invalidStatus = resolveSpec(spec).resource.invalidTokenStatus;

    const first = await t.step('obtain a token pair with a refresh token', () => obtainRefreshableToken(t));
    const refresh = await t.step('refresh the token pair', async () => {
      if (!first.ok) throw new Unavailable('no token pair to refresh');
      const ex = await refreshRequest(t, first.value.refreshToken);
      if (ex.failure) throw new Error(describe(ex));
      return ex;
    });
    await t.check(R.newAccessTokenIssued, { severity: 'MUST', needs: [first, refresh] }, (old, ex) => [ex, old.accessToken]);
    const next = await t.step('read the refreshed token pair', async () => {
      if (!refresh.ok) throw new Unavailable('no refresh response');
      return expectToken(refresh.value);
    });
    const needs = [first, next] as const;

    // ---- what the refresh returned ----
    if (policy.rotatesRefreshToken) {
      await t.check(R.newRefreshTokenIssued, { severity: 'MUST', needs }, (old, fresh) => [fresh.exchange, old.refreshToken, basis]);
    } else {
      t.notApplicable(R.newRefreshTokenIssued, 'MUST', `the spec says refresh tokens do not rotate (refresh.rotatesRefreshToken false; ${basis})`);
    }
    await t.check(R.newAccessTokenWorks, { severity: 'MUST', needs }, async (_old, fresh) => [await callResource(t, fresh.accessToken)]);

    // ---- the old access token ----
    if (policy.invalidatesOldAccessToken) {
      await t.check(R.oldAccessTokenRejected, { severity: 'MUST', needs }, async (old) => [await callResource(t, old.accessToken), invalidStatus, basis]);
    } else {
      await t.check(R.oldAccessTokenStillValid, { severity: 'SHOULD', needs }, async (old) => [await callResource(t, old.accessToken), basis]);
    }

    // ---- the rotated refresh token (before any replay, which may revoke it) ----
    let active: string | undefined;
    if (policy.rotatesRefreshToken) {
      await t.check(R.newRefreshTokenWorks, { severity: 'MUST', needs }, async (old, fresh) => {
        const rotated = fresh.refreshToken;
        if (!rotated || rotated === old.refreshToken) throw new CheckAbort(notApplicable(`the refresh returned no new refresh token (see ${R.newRefreshTokenIssued.id})`));
        active = rotated;
        const ex = await refreshRequest(t, rotated);
        const again = ex.status === 200 ? (ex.json as { refresh_token?: unknown } | undefined)?.refresh_token : undefined;
        if (typeof again === 'string' && again) active = again;
        return [ex];
      });
    } else {
      t.notApplicable(R.newRefreshTokenWorks, 'MUST', `the spec says refresh tokens do not rotate; reuse of the same token is ${R.oldRefreshTokenStillValid.id}`);
    }

    // ---- the old refresh token ----
    if (policy.invalidatesOldRefreshToken) {
      await t.check(R.oldRefreshTokenRejected, { severity: 'MUST', needs }, async (old) => [await refreshRequest(t, old.refreshToken), spec, basis]);
    } else {
      // Without rotation the client keeps no other refresh token, so RFC 6749 §6 leaves the server no room to drop it.
      await t.check(R.oldRefreshTokenStillValid, { severity: policy.rotatesRefreshToken ? 'SHOULD' : 'MUST', needs }, async (old) =>
        [await refreshRequest(t, old.refreshToken), basis]);
    }

    // ---- reuse detection (RFC 9700 §4.14.2), a SHOULD, only where the spec promises it ----
    if (!policy.reuseDetection) {
      t.notApplicable(R.reuseRevokesActiveToken, 'SHOULD', 'the provider does not promise reuse detection (the spec\'s refresh.reuseDetection is false), so its absence is no failure');
    } else if (!policy.rotatesRefreshToken || !policy.invalidatesOldRefreshToken) {
      t.notApplicable(R.reuseRevokesActiveToken, 'SHOULD', 'reuse detection needs rotating refresh tokens that a refresh invalidates, and the spec says otherwise');
    } else {
      await t.check(R.reuseRevokesActiveToken, { severity: 'SHOULD', needs }, async (old, fresh) => {
        const current = active ?? fresh.refreshToken;
        if (!current) throw new CheckAbort(notApplicable(`the refresh returned no new refresh token to be revoked (see ${R.newRefreshTokenIssued.id})`));
        await refreshRequest(t, old.refreshToken); // the replay; its own answer is rotation.old-refresh-token-rejected's concern
        return [await refreshRequest(t, current), spec];
      });
    }
  },
});
