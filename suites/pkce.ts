/**
 * PKCE (RFC 7636; RFC 9700 §2.1.1), where the spec's authorization_code grant has it (`pkce` not `none`).
 *
 * Request a code with a fresh S256 challenge and redeem it with its verifier: the baseline every refusal is
 * measured against. Then, each with its own fresh code: a redemption without code_verifier, one with another
 * verifier and (where S256 is accepted) one with the challenge itself as a plain verifier are refused with
 * invalid_grant. A code requested without a challenge is not redeemed with a verifier (the downgrade RFC 9700
 * §2.1.1 names). Where the spec requires PKCE, an authorization request without a challenge gets no code.
 * Severity is MUST where the grant's PKCE value comes from a provider document or a standard, SHOULD where the
 * spec only assumes it.
 * @see https://www.rfc-editor.org/rfc/rfc7636
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1
 */
import { defineSuite, passed } from '../src/runner/suite.ts';
import type { Severity } from '../src/checks/check.ts';
import * as P from '../src/checks/pkce.ts';
import { authorizeRequest, obtainCode, tokenRequest } from '../src/steps/requests.ts';
import { defaultPkceMethod, newCodeVerifier, newPkcePair } from '../src/steps/pkce.ts';
import type { ProviderSpec } from '../src/spec/schema.ts';

/** Why the suite does not apply, or true. */
function applicability(spec: ProviderSpec): true | string {
  const g = spec.grants.authorization_code;
  if (!g) return 'the spec has no authorization_code grant';
  if (g.pkce === 'none') return 'the spec says the provider has no PKCE (grants.authorization_code.pkce: none)';
  return true;
}

export default defineSuite({
  name: 'pkce',
  summary: 'RFC 7636 / RFC 9700 §2.1.1: S256 verifier accepted; missing, wrong and plain-downgraded verifiers refused with invalid_grant; no verifier for a code without challenge; challenge required where the spec says so.',
  appliesTo: applicability,
  async run(t) {
    const { spec } = t;
    const g = spec.grants.authorization_code!;
    const severity: Severity = g.source === undefined && g.standard === undefined ? 'SHOULD' : 'MUST';
    const method = defaultPkceMethod(spec);
    /** Redeems a code with `verifier` (undefined: no code_verifier parameter). */
    const redeem = (c: { code: string; redirectUri?: string }, verifier: string | undefined) =>
      tokenRequest(t, 'authorization_code', { params: { code: c.code, redirect_uri: c.redirectUri, code_verifier: verifier } });
    /** A fresh code requested with a fresh challenge. */
    const codeWithChallenge = (what: string, m = method) => t.step(`request a code with a ${m} code_challenge, ${what}`, async () => {
      const pair = newPkcePair(m);
      return { ...(await obtainCode(t, { pkce: pair })), pair };
    });

    // ---- baseline ----
    const base = await codeWithChallenge('and redeem it with its verifier');
    const baseline = await t.check(P.verifierAccepted, { severity, needs: [base] }, async (c) => [await redeem(c, c.pair.verifier)]);
    const ok = passed(baseline);

    // ---- refusals, each on its own code ----
    const missing = await codeWithChallenge('for a redemption without code_verifier');
    await t.check(P.missingVerifierRejected, { severity, needs: [missing, ok] }, async (c) => [await redeem(c, undefined), spec]);

    const wrong = await codeWithChallenge('for a redemption with another verifier');
    await t.check(P.wrongVerifierRejected, { severity, needs: [wrong, ok] }, async (c) => [await redeem(c, newCodeVerifier()), spec]);

    if (!g.pkceMethods.includes('S256')) t.notApplicable(P.plainDowngradeRejected, severity, 'the spec accepts only the plain code_challenge_method, so there is no S256 code to downgrade');
    else {
      const s = await codeWithChallenge('for a redemption with the challenge as a plain verifier', 'S256');
      await t.check(P.plainDowngradeRejected, { severity, needs: [s, ok] }, async (c) => [await redeem(c, c.pair.challenge), spec]);
    }

    // ---- a code without challenge ----
    if (g.pkce === 'required') {
      t.notApplicable(P.verifierWithoutChallengeRejected, severity, 'the spec requires PKCE, so no code is issued without code_challenge (pkce.challenge-required checks that)');
      await t.check(P.challengeRequired, { severity, needs: [ok] }, async () => [
        await authorizeRequest(t, { response_type: 'code', client_id: t.target.clientId, redirect_uri: t.target.redirectUri, state: 'oauthgate-state' }),
      ]);
    } else {
      t.notApplicable(P.challengeRequired, severity, 'the spec says PKCE is supported, not required (grants.authorization_code.pkce)');
      const plainCode = await t.step('request a code without code_challenge', () => obtainCode(t, { pkce: 'none' }));
      await t.check(P.verifierWithoutChallengeRejected, { severity, needs: [plainCode, ok] }, async (c) => [await redeem(c, newCodeVerifier()), spec]);
    }
  },
});
