/**
 * Token expiry (RFC 6749 §5.1 expires_in, RFC 6750 §3.1 invalid_token, RFC 6749 §5.2 invalid_grant).
 *
 * Obtain a token and check expires_in: present, of the type the spec declares, equal to the documented lifetime,
 * and in agreement with a JWT access token's own exp - iat. Then let the token's lifetime run out: shortly before
 * the end the token still works at the resource; just after it the resource answers the spec's invalid-token
 * status with a Bearer challenge carrying error="invalid_token". The same for refresh tokens where the spec
 * documents their lifetime: a refresh shortly before the end works, one just after gets invalid_grant.
 *
 * Time: a mock's clock moves at once. A live target is waited for only when the whole lifetime fits its
 * waitBudgetSeconds; otherwise the timed checks are skipped, naming the seconds they need.
 */
import { defineSuite, passed, type Prereq, type SuiteContext } from '../src/runner/suite.ts';
import { CheckAbort, skipped, type CheckResult } from '../src/checks/check.ts';
import * as E from '../src/checks/expiry.ts';
import { specBasis } from '../src/checks/rotation.ts';
import { callResource, obtainToken, type IssuedToken } from '../src/steps/requests.ts';
import { obtainRefreshableToken, refreshRequest } from '../src/steps/refresh.ts';
import type { HttpExchange } from '../src/http/types.ts';
import { resolveSpec } from '../src/spec/resolve.ts';

/** Seconds before the end of a lifetime at which the token must still work: a tenth of it, 1 to 10 s. */
const marginFor = (lifetime: number) => Math.min(10, Math.max(1, Math.floor(lifetime / 10)));

/** Seconds moved since a token was issued, so that consecutive checks share one timeline. */
interface Timeline {
  elapsed: number;
}

/**
 * Moves `timeline` to `at` seconds after issue. Before moving at all, ends the check as skipped, naming the
 * whole wait (`total`), when a live target's waitBudgetSeconds cannot cover it: no time is spent on a wait that
 * cannot finish.
 */
async function advanceTo(t: SuiteContext, timeline: Timeline, at: number, total: number, what: string): Promise<void> {
  if (!t.target.advanceClock && total > t.target.waitBudgetSeconds) {
    throw new CheckAbort(skipped(`${what} needs ${total} s to pass on a live target; waitBudgetSeconds is ${t.target.waitBudgetSeconds}`));
  }
  if (at > timeline.elapsed) {
    await t.elapse(at - timeline.elapsed);
    timeline.elapsed = at;
  }
}

/**
 * The refused call with the expired token, as the prerequisite of the checks that inspect its challenge: only
 * an actual rejection has one to inspect; otherwise `rejected` (already reported) explains why.
 */
function expiredRejection(ex: HttpExchange | undefined, rejected: CheckResult): Prereq<HttpExchange> {
  const name = 'a rejection of the expired access token';
  if (!ex) return { ok: false, name, kind: 'unavailable', reason: `no response to an expired token to inspect: ${rejected.reason ?? rejected.status}`, exchanges: [] };
  if (rejected.status !== 'passed') return { ok: false, name, kind: 'reported', reason: `the expired token was not rejected (see ${E.accessTokenRejectedAfterExpiry.id})`, exchanges: [ex] };
  return { ok: true, value: ex, name, exchanges: [ex] };
}

export default defineSuite({
  name: 'expiry',
  summary: 'expires_in as documented; access and refresh tokens accepted before and rejected after their lifetime.',
  async run(t) {
    const { spec } = t;
    const tolerance = E.LIFETIME_TOLERANCE_SECONDS;
    const lifetimesBasis = specBasis(spec.lifetimes);

    // ---- expires_in ----
    const issued = await t.step('obtain a token with the primary grant', () => obtainToken(t));
    const needs = [issued] as const;
    const field = spec.tokenResponse.fields.expires_in;

    await t.check(E.expiresInPresent, { severity: field?.required ? 'MUST' : 'SHOULD', needs }, (tok) => [tok.exchange]);
    await t.check(E.expiresInHasDeclaredType, { severity: 'MUST', needs }, (tok) => [tok.exchange, field?.type === 'numeric-string' ? 'numeric-string' : 'number']);
    if (spec.lifetimes.source) {
      await t.check(E.expiresInMatchesDocumented, { severity: 'SHOULD', needs }, (tok) => [tok.exchange, spec.lifetimes.accessToken, lifetimesBasis]);
    } else {
      t.notApplicable(E.expiresInMatchesDocumented, 'SHOULD', `the spec's access-token lifetime (${spec.lifetimes.accessToken} s) is not cited from a provider document (basis: ${lifetimesBasis})`);
    }
    // A JWT access token's exp - iat against expires_in is checked by the issued-jwt suite.

    // ---- the access token at the resource, before and after its lifetime ----
    // The lifetime is what the response says (AT&T: "After the lifetime that is specified in the expires_in
    // parameter has elapsed", att-faq line 185), falling back to the documented one.
    const timing = (tok: IssuedToken) => {
      const lifetime = E.expiresInSeconds(tok.exchange) || spec.lifetimes.accessToken;
      return { lifetime, before: lifetime - marginFor(lifetime), after: lifetime + tolerance, what: `the access token's lifetime of ${lifetime} s (plus ${tolerance} s)` };
    };
    const atClock: Timeline = { elapsed: 0 };
    const invalidStatus = resolveSpec(spec).resource.invalidTokenStatus;
    const documented = spec.errors.cases.invalid_token;
    const rejectionBasis = documented?.source ? `RFC 6750 §3.1; ${specBasis(documented)}` : 'RFC 6750 §3.1';

    await t.check(E.accessTokenAcceptedBeforeExpiry, { severity: 'MUST', needs }, async (tok) => {
      const { lifetime, before, after, what } = timing(tok);
      await advanceTo(t, atClock, before, after, what);
      return [await callResource(t, tok.accessToken), before, lifetime];
    });
    let expired: HttpExchange | undefined;
    const rejected = await t.check(E.accessTokenRejectedAfterExpiry, { severity: 'MUST', needs }, async (tok) => {
      const { lifetime, after, what } = timing(tok);
      await advanceTo(t, atClock, after, after, what);
      expired = await callResource(t, tok.accessToken);
      return [expired, invalidStatus, after, lifetime, rejectionBasis];
    });
    // The challenge is inspected only on an actual rejection; otherwise the check above already failed or skipped.
    const refusal = [expiredRejection(expired, rejected)] as const;
    const challenged = passed(await t.check(E.expiredTokenChallenge, { severity: 'MUST', needs: refusal }, (ex) => [ex, 'Bearer']));
    // One owner per behaviour: a missing challenge is the check above's failure, not also this one's.
    await t.check(E.expiredTokenErrorCode, { severity: 'SHOULD', needs: [...refusal, challenged] }, (ex) => [ex, invalidStatus]);

    // ---- refresh tokens, before and after their lifetime ----
    const rtLifetime = spec.lifetimes.refreshToken;
    if (!spec.grants.refresh_token || !rtLifetime) {
      const reason = !spec.grants.refresh_token ? 'the spec has no refresh_token grant' : 'the spec documents no refresh-token lifetime';
      t.notApplicable(E.refreshTokenAcceptedBeforeExpiry, 'MUST', reason);
      t.notApplicable(E.refreshTokenRejectedAfterExpiry, 'MUST', reason);
      return;
    }
    // Two pairs issued together: one refreshed just before the end (a refresh may consume its token), the
    // other kept unused for the attempt just after it.
    const pairs = await t.step('obtain two token pairs with refresh tokens', async () => [await obtainRefreshableToken(t), await obtainRefreshableToken(t)] as const);
    const rtClock: Timeline = { elapsed: 0 };
    const rtBefore = rtLifetime - marginFor(rtLifetime);
    const rtAfter = rtLifetime + tolerance;
    const rtWhat = `the refresh token's lifetime of ${rtLifetime} s (plus ${tolerance} s)`;
    await t.check(E.refreshTokenAcceptedBeforeExpiry, { severity: 'MUST', needs: [pairs] }, async ([early]) => {
      await advanceTo(t, rtClock, rtBefore, rtAfter, rtWhat);
      return [await refreshRequest(t, early.refreshToken), rtBefore, rtLifetime, lifetimesBasis];
    });
    await t.check(E.refreshTokenRejectedAfterExpiry, { severity: 'MUST', needs: [pairs] }, async ([, late]) => {
      await advanceTo(t, rtClock, rtAfter, rtAfter, rtWhat);
      return [await refreshRequest(t, late.refreshToken), spec, rtAfter, rtLifetime, lifetimesBasis];
    });
  },
});
