/**
 * Redeeming an authorization code (RFC 6749 §4.1.1, §4.1.3, §3.3).
 *
 * Request a code for the spec's scope (every authorization request carries it, so a server that requires scope
 * at /authorize is tested past it) and redeem it as RFC 6749 §4.1.3 says: the baseline every refusal here is
 * measured against. Its token names no more than the requested scope, and works at the resource that requires the
 * resource's scope unless the response says the grant was narrowed. Then, each with its own fresh code and
 * otherwise identical requests: a redemption with a different redirect_uri, and one without redirect_uri, are
 * refused.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
import { defineSuite, type Prereq } from '../src/runner/suite.ts';
import * as C from '../src/checks/code-redemption.ts';
import { scopeItems } from '../src/checks/scope.ts';
import { authorizationScope } from '../src/steps/build.ts';
import { callResource, expectToken, obtainCode, tokenRequest } from '../src/steps/requests.ts';
import type { HttpExchange } from '../src/http/types.ts';

/** A URI that differs from `uri` only by one more path segment (never equal to it). */
export function otherRedirectUri(uri: string): string {
  const u = new URL(uri);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/oauthgate-other`;
  return u.toString();
}

export default defineSuite({
  name: 'authorization-code',
  summary: 'Codes requested with the spec\'s scope: the token\'s scope within it and accepted at the resource; redirect_uri at redemption identical to the authorization request\'s (RFC 6749 §4.1.3).',
  appliesTo: (spec) => (spec.grants.authorization_code ? true : 'the spec has no authorization_code grant'),
  async run(t) {
    const { spec } = t;
    const d = spec.scope.delimiter;
    const scope = authorizationScope(spec);
    const requested = scope === undefined ? [] : scopeItems(scope, d);
    /** Redeems code `c` as RFC 6749 §4.1.3 says, with `redirectUri` in place of the one it was requested with (null: none). */
    const redeem = (c: { code: string; redirectUri?: string; codeVerifier?: string }, redirectUri: string | null | undefined = c.redirectUri) =>
      tokenRequest(t, 'authorization_code', { params: { code: c.code, redirect_uri: redirectUri ?? undefined, code_verifier: c.codeVerifier } });

    // ---- the baseline: a code for the spec's scope, redeemed as the RFC says ----
    const base = await t.step(`request a code for scope ${JSON.stringify(scope ?? '')} and redeem it`, async () => {
      const ex = await redeem(await obtainCode(t));
      return { ex, token: expectToken(ex) };
    });
    const redeemed: Prereq<HttpExchange> = base.ok ? { ...base, value: base.value.ex } : base;

    // ---- scope ----
    const required = spec.resource.requiredScope;
    if (scope === undefined) {
      const why = 'the spec names no scope to request (scope.default is empty)';
      t.notApplicable(C.codeScopeWithinRequest, 'SHOULD', why);
      t.notApplicable(C.codeScopeWorksAtResource, 'MUST', why);
    } else {
      await t.check(C.codeScopeWithinRequest, { severity: 'SHOULD', needs: [redeemed] }, (ex) => [ex, requested, d]);
      if (!required || !requested.includes(required)) {
        t.notApplicable(C.codeScopeWorksAtResource, 'MUST', required ? `the requested scope ${JSON.stringify(scope)} does not include the resource's ${JSON.stringify(required)}` : 'the spec names no scope the protected resource requires (resource.requiredScope)');
      } else {
        await t.check(C.codeScopeWorksAtResource, { severity: 'MUST', needs: [base] }, async (b) => [b.ex, await callResource(t, b.token.accessToken), requested, required, d]);
      }
    }

    // ---- redirect_uri at redemption, each probe on a fresh code ----
    const registered = t.target.redirectUri;
    if (!registered) {
      const why = 'the target sends no redirect_uri in authorization requests (no redirectUri), so there is nothing to match';
      t.notApplicable(C.redirectUriMismatchRejected, 'MUST', why);
      t.notApplicable(C.redirectUriAbsentRejected, 'MUST', why);
      return;
    }
    const mismatch = await t.step('request a code for a redemption with another redirect_uri', () => obtainCode(t));
    // Under the AT&T extension rule the probe (one more path segment) is itself a registered URI; under exact
    // matching it is not, and a server may refuse it as an invalid parameter value before it reads the code.
    const probeRegistered = spec.redirectUri?.rule === 'extension';
    await t.check(C.redirectUriMismatchRejected, { severity: 'MUST', needs: [mismatch, redeemed] }, async (c) => [await redeem(c, otherRedirectUri(registered)), spec, probeRegistered]);
    const absent = await t.step('request a code for a redemption without redirect_uri', () => obtainCode(t));
    await t.check(C.redirectUriAbsentRejected, { severity: 'MUST', needs: [absent, redeemed] }, async (c) => [await redeem(c, null), spec]);
  },
});
