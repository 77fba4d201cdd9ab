/**
 * Checks on PKCE (RFC 7636; RFC 9700 §2.1.1) at the token endpoint and the authorization endpoint: a code
 * requested with a code_challenge is redeemed only with the verifier that derives it, and a verifier is never a
 * way into a code requested without one. Every refusal is judged by the one rejection rule, case invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { defineCheck, fail, pass, type Check, type CheckMeta, type Outcome } from './check.ts';
import { judgeRejection, observedResponse } from './rejection.ts';

/**
 * Factory: a code redemption `what` is refused as the spec documents invalid_grant (RFC 7636 §4.6: "If the values
 * are not equal, an error response indicating "invalid_grant" as described in Section 5.2 of [RFC6749] MUST be
 * returned").
 */
function redemptionRefused(meta: CheckMeta, what: string): Check<[HttpExchange, ProviderSpec]> {
  return defineCheck({ ...meta, evaluate: (ex: HttpExchange, spec: ProviderSpec): Outcome => judgeRejection(ex, spec, 'invalid_grant', what, meta.requirement) });
}

/**
 * The baseline: a code requested with an S256 challenge is redeemed with its verifier (RFC 7636 §4.5, §4.6).
 * Every refusal below is measured against it: a server that refuses every PKCE redemption proves nothing.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 */
export const verifierAccepted = defineCheck({
  id: 'pkce.s256-verifier-accepted',
  title: 'A code requested with an S256 code_challenge is redeemed with its code_verifier',
  requirement: 'RFC 7636 §4.6; RFC 9700 §2.1.1 ("Authorization servers MUST support PKCE")',
  evaluate(ex: HttpExchange): Outcome {
    const b = ex.json && typeof ex.json === 'object' ? (ex.json as Record<string, unknown>) : undefined;
    if (ex.status === 200 && typeof b?.access_token === 'string') return pass();
    return fail('redemption of a PKCE (S256) code with its code_verifier', 'HTTP 200 with an access_token', observedResponse(ex), 'RFC 7636 §4.6');
  },
});

/**
 * A code requested with a code_challenge can't be redeemed without code_verifier (RFC 9700 §2.1.1: "If a client
 * sends a valid PKCE code_challenge parameter in the authorization request, the authorization server MUST enforce
 * the correct usage of code_verifier at the token endpoint"). RFC 7636 §4.6 names invalid_grant only for a verifier
 * that does not match ("If the values are not equal"); a request without the verifier, which §4.5 makes REQUIRED,
 * is "missing a required parameter", RFC 6749 §5.2's invalid_request. Either refusal passes (judged by the one
 * rejection rule, cases invalid_grant and missing_parameter).
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1
 */
const MISSING_VERIFIER_REQUIREMENT = 'RFC 9700 §2.1.1; RFC 7636 §4.5, §4.6';
export const missingVerifierRejected = defineCheck({
  id: 'pkce.missing-verifier-rejected',
  title: 'A code requested with a code_challenge is not redeemed without code_verifier',
  requirement: MISSING_VERIFIER_REQUIREMENT,
  evaluate(ex: HttpExchange, spec: ProviderSpec): Outcome {
    const what = 'redemption of a PKCE code without code_verifier';
    const verdicts = [judgeRejection(ex, spec, 'invalid_grant', what, MISSING_VERIFIER_REQUIREMENT), judgeRejection(ex, spec, 'missing_parameter', what, MISSING_VERIFIER_REQUIREMENT)];
    return verdicts.find((v) => v.status === 'passed') ?? verdicts[0]!;
  },
});

/**
 * A wrong code_verifier is refused with invalid_grant (RFC 7636 §4.6 "MUST be returned").
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 */
export const wrongVerifierRejected = redemptionRefused(
  { id: 'pkce.wrong-verifier-rejected', title: 'A code is not redeemed with another code_verifier', requirement: 'RFC 7636 §4.6' },
  'redemption of a PKCE code with a code_verifier that does not derive its challenge',
);

/**
 * A code requested with an S256 challenge can't be redeemed by sending the challenge itself as the verifier, as
 * a server that falls back to `plain` would accept (RFC 7636 §4.6: the server transforms the verifier with the
 * method of the request; RFC 7636 §7.2 and RFC 9700 §2.1.1 keep S256 from being downgraded to plain).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 */
export const plainDowngradeRejected = redemptionRefused(
  { id: 'pkce.plain-downgrade-rejected', title: 'An S256 code is not redeemed with its challenge as a plain verifier', requirement: 'RFC 7636 §4.6, §7.2; RFC 9700 §2.1.1' },
  'redemption of an S256 code with code_verifier = its code_challenge',
);

/**
 * A verifier for a code requested without a challenge is refused (RFC 9700 §2.1.1: "Authorization servers MUST
 * mitigate PKCE Downgrade Attacks by ensuring that a token request containing a code_verifier parameter is
 * accepted only if a code_challenge parameter was present in the authorization request").
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1
 */
export const verifierWithoutChallengeRejected = redemptionRefused(
  { id: 'pkce.verifier-without-challenge-rejected', title: 'A code_verifier is refused for a code requested without code_challenge', requirement: 'RFC 9700 §2.1.1 (PKCE downgrade)' },
  'redemption with code_verifier of a code requested without code_challenge',
);

/**
 * Where the spec requires PKCE, an authorization request without code_challenge gets no code: RFC 7636 §4.4.1
 * "If the server requires Proof Key for Code Exchange (PKCE) by OAuth public clients and the client does not
 * send the "code_challenge" in the request, the authorization endpoint MUST return the authorization error
 * response with the "error" value set to "invalid_request"". Judged on the authorization response: a redirect
 * carrying `code` fails; a redirect with `error` or an error page passes.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.4.1
 */
export const challengeRequired = defineCheck({
  id: 'pkce.challenge-required',
  title: 'Where the spec requires PKCE, an authorization request without code_challenge gets no code',
  requirement: 'RFC 7636 §4.4.1; provider spec grants.authorization_code.pkce',
  evaluate(ex: HttpExchange): Outcome {
    const loc = ex.headers.location;
    let params: URLSearchParams | undefined;
    try {
      params = loc ? new URL(loc).searchParams : undefined;
    } catch {
      params = undefined;
    }
    const what = 'authorization request without code_challenge';
    if (params?.get('code')) return fail(what, 'no code (an "error" of invalid_request on the redirect)', `HTTP ${ex.status} redirecting with a code`, 'RFC 7636 §4.4.1');
    if (params?.get('error') && params.get('error') !== 'invalid_request') return fail(what, 'error "invalid_request"', `error ${JSON.stringify(params.get('error'))}`, 'RFC 7636 §4.4.1');
    if (ex.failure) return fail(what, 'an authorization error response', observedResponse(ex), 'RFC 7636 §4.4.1');
    return pass();
  },
});
