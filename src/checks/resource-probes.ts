/**
 * Checks on what the protected resource refuses at once, without waiting for a token to expire: a bearer token
 * that was never issued, a malformed Authorization value, forged copies of a JWS access token, and calls without
 * the spec's required headers. Every refusal of a token is judged by the one rule at the resource,
 * {@link judgeRefusedAtResource}.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { defineCheck, fail, isClientError, pass, type Check, type CheckMeta, type Outcome } from './check.ts';
import { observedResponse } from './rejection.ts';
import { judgeChallengeScheme, judgeRefusedAtResource } from './resource.ts';

/** One probe sent to the resource: what it was (named in messages) and the exchange. */
export interface ResourceProbe {
  name: string;
  ex: HttpExchange;
}

/**
 * A bearer token that no server issued (random, well-formed) is refused with the spec's invalid-token status.
 * RFC 6749 §7: "The resource server MUST validate the access token"; RFC 6750 §3.1 invalid_token: "The access token
 * provided is expired, revoked, malformed, or invalid for other reasons. The resource SHOULD respond with the HTTP
 * 401 (Unauthorized) status code."
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export const bogusTokenRejected = defineCheck({
  id: 'resource.bogus-token-rejected',
  title: 'A bearer token that was never issued is rejected at once',
  requirement: 'RFC 6749 §7 (MUST validate the access token); RFC 6750 §3.1',
  evaluate: (ex: HttpExchange, status: number): Outcome =>
    judgeRefusedAtResource(ex, status, 'resource call with a random bearer token that was never issued', 'invalid_token', 'RFC 6749 §7; RFC 6750 §3.1'),
});

/**
 * The refusal of a bearer token that was never issued carries a Bearer challenge (RFC 6750 §3, MUST), checked
 * on the refusal itself, not only after a token expires.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export const bogusTokenChallenge = defineCheck({
  id: 'resource.bogus-token-challenge',
  title: 'The rejection of a bearer token that was never issued carries a WWW-Authenticate Bearer challenge',
  requirement: 'RFC 6750 §3 (MUST include the WWW-Authenticate response header field)',
  evaluate: (ex: HttpExchange): Outcome => judgeChallengeScheme(ex, 'Bearer'),
});

/**
 * The first probe of `probes` that `judge` fails, as the outcome, or a pass. Each failure names its probe, so a
 * reader sees which forgery got through.
 */
function firstFailure(probes: readonly ResourceProbe[], judge: (p: ResourceProbe) => Outcome): Outcome {
  if (probes.length === 0) return fail('probes', 'at least one probe sent', 'none', 'harness');
  for (const p of probes) {
    const o = judge(p);
    if (o.status !== 'passed') return o;
  }
  return pass();
}

/**
 * Malformed Authorization values (RFC 6750 §2.1: `credentials = "Bearer" 1*SP b64token`) built from the issued
 * token are refused: with the spec's invalid-token status ("malformed" is one of invalid_token's reasons, RFC 6750
 * §3.1) or with 400, which §3.1 gives invalid_request ("is otherwise malformed. The resource server SHOULD respond
 * with the HTTP 400 (Bad Request) status code"). Never a 2xx: the value is not the token that was issued.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export const malformedTokenRejected = defineCheck({
  id: 'resource.malformed-token-rejected',
  title: 'A malformed bearer credential (the token with a space and text, or a non-b64token character) is rejected',
  requirement: 'RFC 6750 §2.1 (b64token syntax), §3.1 (invalid_token: malformed; invalid_request: 400)',
  evaluate: (probes: readonly ResourceProbe[], status: number): Outcome =>
    firstFailure(probes, ({ name, ex }) =>
      ex.status === 400 ? pass() : judgeRefusedAtResource(ex, status, `resource call with ${name}`, 'malformed credentials; 400 also accepted', 'RFC 6750 §2.1, §3.1')),
});

/**
 * The refusal of every malformed probe carries a Bearer challenge: RFC 6750 §3's MUST covers any request that
 * "does not contain an access token that enables access", whether it is answered 401 or 400.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export const malformedTokenChallenge = defineCheck({
  id: 'resource.malformed-token-challenge',
  title: 'The rejection of malformed bearer credentials carries a WWW-Authenticate Bearer challenge',
  requirement: 'RFC 6750 §3 (MUST include the WWW-Authenticate response header field)',
  evaluate: (probes: readonly ResourceProbe[]): Outcome => firstFailure(probes, ({ name, ex }) => judgeChallengeScheme(ex, 'Bearer', `the refusal of ${name}`)),
});

/** Factory: a check that every probe in a list of forged tokens is refused with the spec's invalid-token status. */
function forgeriesRefused(meta: CheckMeta, why: string): Check<[readonly ResourceProbe[], number]> {
  return defineCheck({
    ...meta,
    evaluate: (probes: readonly ResourceProbe[], status: number): Outcome =>
      firstFailure(probes, ({ name, ex }) => judgeRefusedAtResource(ex, status, `resource call with ${name}`, why, meta.requirement)),
  });
}

/**
 * A copy of the issued JWS access token with `alg: none` and no signature is refused. RFC 9068 §4: "The
 * resource server MUST reject any JWT in which the value of "alg" is "none""; RFC 8725 §3.1.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export const algNoneCopyRejected = forgeriesRefused(
  { id: 'resource.jwt.alg-none-rejected', title: 'An alg "none" copy of the JWS access token is rejected', requirement: 'RFC 9068 §4; RFC 8725 §3.1; RFC 6749 §7' },
  'unsigned (alg none)',
);

/**
 * A copy of the issued JWS access token signed with a key the server never issued is refused. RFC 9068 §4: "The
 * resource server MUST validate the signature of all incoming JWT access tokens according to [RFC7515]".
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export const reSignedCopyRejected = forgeriesRefused(
  { id: 'resource.jwt.foreign-key-rejected', title: 'A copy of the JWS access token re-signed with another key is rejected', requirement: 'RFC 9068 §4; RFC 7515 §5.2; RFC 6749 §7' },
  'signed with a key the server does not hold',
);

/**
 * Copies of the issued JWS access token with one claim changed (scope, exp, aud) under the original signature
 * are each refused: the signature no longer covers the payload (RFC 7515 §5.2 validation fails), and RFC 9068 §4
 * makes the resource validate the signature before it reads `aud`, `exp` or `scope`.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export const claimChangedCopyRejected = forgeriesRefused(
  { id: 'resource.jwt.claim-changed-rejected', title: 'A copy of the JWS access token with a changed claim (scope, exp, aud) is rejected', requirement: 'RFC 9068 §4; RFC 7515 §5.2; RFC 6749 §7' },
  'a claim changed under the original signature',
);

/**
 * A resource call without one of the spec's required headers, or with a wrong value, is refused. Where a provider
 * document gives the status (`errors.cases.missing_required_header` with a `source`), that status; where the spec
 * only assumes or borrows one, any 4xx, since an assumed value never fails a check (RFC 6749 §5.2 names no status
 * for headers a provider adds).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const requiredHeadersEnforcedAtResource = defineCheck({
  id: 'resource.required-headers-enforced',
  title: 'A resource call missing a required header, or with a wrong value, is rejected',
  requirement: 'provider spec requiredHeaders and errors.cases.missing_required_header',
  evaluate: (probes: readonly ResourceProbe[], spec: ProviderSpec): Outcome => {
    const c = spec.errors.cases.missing_required_header;
    const cited = c?.source ? `provider spec errors.cases.missing_required_header (${c.source.map((s) => `${s.doc} line ${s.line}`).join(', ')})` : undefined;
    const o = firstFailure(probes, ({ name, ex }) => {
      const what = `resource call with ${name}`;
      if (c && cited) return judgeRefusedAtResource(ex, c.status, what, 'required header', cited);
      if (isClientError(ex.status)) return pass();
      return fail(what, 'a 4xx (no provider document gives the status for a missing required header)', observedResponse(ex), 'provider spec requiredHeaders');
    });
    // Any 4xx passed because no document gives the status: the report says which ones were observed.
    return o.status === 'passed' && !cited ? pass(`no provider document gives the status; observed ${probes.map((p) => `${p.ex.status} (${p.name})`).join(', ')}`) : o;
  },
});
