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
 *
 * A policy that only follows the RFCs (the rfc6749 profile) binds a server only as far as the RFCs do
 * ({@link R.refreshPolicyRule}): for a confidential client rotation and revoking the old refresh token are a MAY
 * (RFC 6749 §6), so a server that keeps its refresh tokens gets not_applicable with the reason, never a failure;
 * for a public client they are a SHOULD (RFC 9700 §4.14.2); the old access token's fate is the server's choice.
 */
import { defineSuite, passed, Unavailable, type Prereq } from '../src/runner/suite.ts';
import { CheckAbort, notApplicable } from '../src/checks/check.ts';
import * as R from '../src/checks/rotation.ts';
import { callResource, describe, expectToken } from '../src/steps/requests.ts';
import { obtainRefreshableToken, refreshRequest } from '../src/steps/refresh.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { specAuthMode } from '../src/steps/build.ts';

export default defineSuite({
  name: 'rotation',
  summary: 'A refresh returns a new pair that works; the old pair is invalidated or kept exactly as the spec says; reuse detection where promised.',
  appliesTo: (spec) => (!spec.grants.refresh_token ? 'the spec has no refresh_token grant' : !spec.refresh ? 'the spec has no refresh policy' : true),
  async run(t) {
    const { spec } = t;
    const policy = spec.refresh!;
    const basis = R.specBasis(policy);
    const invalidStatus = resolveSpec(spec).resource.invalidTokenStatus;
    const publicClient = specAuthMode(spec) === 'none';
    const rule = (field: R.RefreshPolicyField) => R.refreshPolicyRule(spec, field, publicClient);
    const rotation = rule('rotatesRefreshToken');
    const oldRefresh = rule('invalidatesOldRefreshToken');
    const oldAccess = rule('invalidatesOldAccessToken');

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
      await t.check(R.newRefreshTokenIssued, { severity: rotation.severity, needs }, (old, fresh) => [fresh.exchange, old.refreshToken, basis, rotation.optional]);
    } else {
      t.notApplicable(R.newRefreshTokenIssued, 'MUST', `the spec says refresh tokens do not rotate (refresh.rotatesRefreshToken false; ${basis})`);
    }
    await t.check(R.newAccessTokenWorks, { severity: 'MUST', needs }, async (_old, fresh) => [await callResource(t, fresh.accessToken)]);

    // ---- the old access token ----
    if (oldAccess.optional) {
      t.notApplicable(policy.invalidatesOldAccessToken ? R.oldAccessTokenRejected : R.oldAccessTokenStillValid, 'MUST', oldAccess.optional);
    } else if (policy.invalidatesOldAccessToken) {
      await t.check(R.oldAccessTokenRejected, { severity: 'MUST', needs }, async (old) => [await callResource(t, old.accessToken), invalidStatus, basis]);
    } else {
      // MUST where a provider documents it; the runner caps it at SHOULD where the spec only assumes it (Tangoe).
      await t.check(R.oldAccessTokenStillValid, { severity: 'MUST', needs }, async (old) => [await callResource(t, old.accessToken), basis]);
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
    let oldRefreshRejected: Prereq<void> | undefined;
    if (policy.invalidatesOldRefreshToken) {
      oldRefreshRejected = passed(await t.check(R.oldRefreshTokenRejected, { severity: oldRefresh.severity, needs }, async (old) =>
        [await refreshRequest(t, old.refreshToken), spec, basis, oldRefresh.optional]));
    } else {
      // Without rotation the client keeps no other refresh token, so RFC 6749 §6 leaves the server no room to drop it.
      await t.check(R.oldRefreshTokenStillValid, { severity: policy.rotatesRefreshToken ? 'SHOULD' : 'MUST', needs }, async (old) =>
        [await refreshRequest(t, old.refreshToken), basis]);
    }

    // ---- reuse detection (RFC 9700 §4.14.2), a SHOULD, only where the spec promises it ----
    if (!policy.reuseDetection) {
      t.notApplicable(R.reuseRevokesActiveToken, 'SHOULD', 'the provider does not promise reuse detection (the spec\'s refresh.reuseDetection is false), so its absence is no failure');
    } else if (!policy.rotatesRefreshToken || !oldRefreshRejected) {
      t.notApplicable(R.reuseRevokesActiveToken, 'SHOULD', 'reuse detection needs rotating refresh tokens that a refresh invalidates, and the spec says otherwise');
    } else if (rule('reuseDetection').optional) {
      t.notApplicable(R.reuseRevokesActiveToken, 'SHOULD', `reuse detection is part of the rotation RFC 9700 §4.14.2 asks of public clients; ${rule('reuseDetection').optional}`);
    } else {
      // Only a server that refused the replayed token can have detected its reuse (else see rotation.old-refresh-token-rejected).
      await t.check(R.reuseRevokesActiveToken, { severity: 'SHOULD', needs: [...needs, oldRefreshRejected] }, async (old, fresh) => {
        const current = active ?? fresh.refreshToken;
        if (!current) throw new CheckAbort(notApplicable(`the refresh returned no new refresh token to be revoked (see ${R.newRefreshTokenIssued.id})`));
        await refreshRequest(t, old.refreshToken); // the replay; its own answer is rotation.old-refresh-token-rejected's concern
        return [await refreshRequest(t, current), spec];
      });
    }
  },
});
