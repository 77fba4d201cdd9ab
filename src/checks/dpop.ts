/**
 * Checks on DPoP (RFC 9449) handling: a token request with a valid proof yields a DPoP token bound to the
 * proof's key; proofs that fail one of the RFC's validation steps are refused at the token endpoint; the
 * resource serves a bound token with a matching proof and refuses proofs without the right `ath`.
 * Each check is one object judging what the server answered; the `dpop` suite builds the proofs and sends them.
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
import type { HttpExchange } from '../http/types.ts';
import { bodyObject, defineCheck, fail, isClientError, pass, show, type Check, type CheckMeta, type Outcome } from './check.ts';
import { decodeJwt } from './jwt.ts';
import { isServed, refusedWithoutToken } from './pop.ts';
import { observedResponse } from './rejection.ts';

// ---------- token endpoint: the valid case ----------

/**
 * The token request carrying a valid DPoP proof is answered 200 with an access_token.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export const dpopValidProofAccepted = defineCheck({
  id: 'dpop.token.valid-proof-accepted',
  title: 'A token request with a valid DPoP proof gets a token',
  requirement: 'RFC 9449 §5',
  evaluate(ex: HttpExchange): Outcome {
    if (ex.status === 200 && typeof bodyObject(ex)?.access_token === 'string') return pass();
    return fail('token request with a valid DPoP proof', 'HTTP 200 with an access_token', observedResponse(ex), 'RFC 9449 §5');
  },
});

/**
 * Whether the server declined to bind: RFC 9449 §5 says "An authorization server MAY elect to issue access tokens
 * that are not DPoP bound, which is signaled to the client with a value of Bearer in the token_type parameter".
 * When the answer to a DPoP-proofed token request is a Bearer token and the spec does not require DPoP
 * (`pop.required` false), the server does not offer DPoP and no DPoP check applies: returns that reason, quoting
 * the observed token_type. Returns undefined when the token is not a Bearer token, or the spec requires DPoP
 * (then {@link dpopTokenTypeIsDpop} fails, once, and the other checks are skipped behind it).
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export function dpopNotOffered(ex: HttpExchange, required: boolean): string | undefined {
  const v = bodyObject(ex)?.token_type;
  if (required || ex.status !== 200 || typeof v !== 'string' || v.toLowerCase() !== 'bearer') return undefined;
  return `the server answered a token request carrying a valid DPoP proof with token_type ${show(v)}: it did not bind the token, which RFC 9449 §5 allows ("MAY elect to issue access tokens that are not DPoP bound, which is signaled to the client with a value of Bearer"), and the spec does not require DPoP (pop.required false)`;
}

/**
 * RFC 9449 §5: a token bound to the proof's key is answered with `token_type` "DPoP" (compared case-insensitively,
 * RFC 6749 §7.1).
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export const dpopTokenTypeIsDpop = defineCheck({
  id: 'dpop.token.token-type-dpop',
  title: 'A DPoP-bound token is issued with token_type "DPoP"',
  requirement: 'RFC 9449 §5',
  evaluate(ex: HttpExchange): Outcome {
    const v = bodyObject(ex)?.token_type;
    if (typeof v === 'string' && v.toLowerCase() === 'dpop') return pass();
    const unbound = typeof v === 'string' && v.toLowerCase() === 'bearer' ? ' (the token was not bound to the proof\'s key)' : '';
    return fail('"token_type" in the response to a DPoP token request', '"DPoP"', `${show(v)}${unbound}`, 'RFC 9449 §5');
  },
});

/**
 * What shows that an issued token is bound to the proof's key: the claims of a JWT access token with the proof
 * key's thumbprint, or, for an opaque token that cannot be inspected, two resource calls that must both be
 * refused — the token alone as a Bearer token, and the token with a valid proof by a DIFFERENT key.
 */
export type KeyBindingEvidence =
  | { kind: 'jwt'; claims: Record<string, unknown>; jkt: string }
  | { kind: 'opaque'; bearerUse: HttpExchange; otherKeyUse: HttpExchange };

/**
 * A JWT access token carries `cnf.jkt` equal to the RFC 7638 thumbprint of the proof's key.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6.1
 */
function jwtBoundToKey(claims: Record<string, unknown>, jkt: string): Outcome {
  const cnf = claims.cnf;
  const observed = cnf && typeof cnf === 'object' ? (cnf as Record<string, unknown>).jkt : undefined;
  if (observed === jkt) return pass('cnf.jkt in the JWT access token matches the proof key');
  return fail('"cnf.jkt" in the JWT access token', `${show(jkt)} (the thumbprint of the proof key)`, cnf === undefined ? '(no cnf claim)' : show(observed), 'RFC 9449 §6.1');
}

/**
 * An opaque bound token is refused (4xx) as a Bearer token without a proof, and with a proof by another key.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
function opaqueTokenBoundToKey(bearerUse: HttpExchange, otherKeyUse: HttpExchange): Outcome {
  if (!isClientError(bearerUse.status)) return fail('resource call with the DPoP-bound token as a Bearer token (no proof)', 'a 4xx error', observedResponse(bearerUse), 'RFC 9449 §7.1');
  if (!isClientError(otherKeyUse.status)) return fail('resource call with the DPoP-bound token and a proof by another key', 'a 4xx error', observedResponse(otherKeyUse), 'RFC 9449 §4.3 step 12');
  return pass('the resource refused the token without a proof of its key');
}

/**
 * The issued token is bound to the proof's key: `cnf.jkt` in a JWT access token (§6.1), or, for an opaque token,
 * refusals at the resource without a proof of that key (§7.1). See {@link KeyBindingEvidence}.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6.1
 */
export const dpopTokenBoundToKey = defineCheck({
  id: 'dpop.token.bound-to-key',
  title: 'The issued token is bound to the DPoP proof\'s key',
  requirement: 'RFC 9449 §6.1 (cnf.jkt in JWT access tokens), §7.1 (a bound token needs a proof of its key)',
  evaluate(evidence: KeyBindingEvidence): Outcome {
    return evidence.kind === 'jwt' ? jwtBoundToKey(evidence.claims, evidence.jkt) : opaqueTokenBoundToKey(evidence.bearerUse, evidence.otherKeyUse);
  },
});

// ---------- token endpoint: defective proofs ----------

/** A check that one kind of defective DPoP proof is refused, judging the server's answer. */
export type DpopRejection = Check<[answer: HttpExchange]>;

/**
 * Factory for "the token request with `defect` is refused": a 4xx without access_token.
 * @param defect what the proof is, as it reads after "with": "a DPoP proof whose htm names another method"
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
function tokenRejection(id: string, title: string, defect: string, requirement: string): DpopRejection {
  return defineCheck({
    id,
    title,
    requirement,
    evaluate(ex: HttpExchange): Outcome {
      if (refusedWithoutToken(ex)) return pass();
      return fail(`token request with ${defect}`, 'a 4xx error without access_token', observedResponse(ex), requirement);
    },
  });
}

export const dpopWrongHtmRejected = tokenRejection('dpop.token.wrong-htm-rejected', 'A proof for another HTTP method is rejected', 'a DPoP proof whose htm names another method', 'RFC 9449 §4.3 step 8');
export const dpopWrongHtuRejected = tokenRejection('dpop.token.wrong-htu-rejected', 'A proof for another URI is rejected', 'a DPoP proof whose htu names another URI', 'RFC 9449 §4.3 step 9');
export const dpopStaleIatRejected = tokenRejection('dpop.token.stale-iat-rejected', 'A proof created long ago is rejected', 'a DPoP proof whose iat is older than the acceptance window', 'RFC 9449 §4.3 step 11, §11.1');
export const dpopFutureIatRejected = tokenRejection('dpop.token.future-iat-rejected', 'A proof created far in the future is rejected', 'a DPoP proof whose iat lies further in the future than the whole acceptance window', 'RFC 9449 §4.3 step 11, §11.1');
export const dpopReusedJtiRejected = tokenRejection('dpop.token.reused-jti-rejected', 'A proof used a second time is rejected', 'a DPoP proof (same jti) that was already accepted once', 'RFC 9449 §11.1');
export const dpopAlgNoneRejected = tokenRejection('dpop.token.alg-none-rejected', 'An unsigned (alg "none") proof is rejected', 'an alg "none" DPoP proof', 'RFC 9449 §4.3 step 5');
export const dpopPrivateJwkRejected = tokenRejection('dpop.token.private-jwk-rejected', 'A proof whose jwk header holds a private key is rejected', 'a DPoP proof whose jwk header contains the private key', 'RFC 9449 §4.3 step 7');

// ---------- resource ----------

/**
 * `Authorization: DPoP <token>` with a valid proof of the bound key (htm, htu, ath) is answered 2xx.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export const dpopResourceProofAccepted = defineCheck({
  id: 'dpop.resource.valid-proof-accepted',
  title: 'The resource serves a DPoP-bound token with a valid proof (ath included)',
  requirement: 'RFC 9449 §7.1',
  evaluate(ex: HttpExchange): Outcome {
    if (isServed(ex)) return pass();
    return fail('resource call with a DPoP-bound token and a valid proof', 'a 2xx response', observedResponse(ex), 'RFC 9449 §7.1');
  },
});

/**
 * Factory for "the resource call with `defect` is refused": a 4xx.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
function resourceRejection(id: string, title: string, defect: string, requirement: string): DpopRejection {
  return defineCheck({
    id,
    title,
    requirement,
    evaluate(ex: HttpExchange): Outcome {
      if (isClientError(ex.status)) return pass();
      return fail(`resource call with ${defect}`, 'a 4xx error', observedResponse(ex), requirement);
    },
  });
}

export const dpopResourceMissingAthRejected = resourceRejection('dpop.resource.missing-ath-rejected', 'A resource proof without ath is rejected', 'a DPoP proof without ath', 'RFC 9449 §4.2 (ath REQUIRED with an access token), §4.3 step 12');
export const dpopResourceWrongAthRejected = resourceRejection('dpop.resource.wrong-ath-rejected', 'A resource proof whose ath hashes another token is rejected', 'a DPoP proof whose ath is the hash of another access token', 'RFC 9449 §4.3 step 12');

/**
 * The claims of `token` when it is a compact JWS with a JSON header naming an `alg` and a JSON-object payload
 * (a JWT access token); `undefined` for an opaque token. The signature is not checked.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2
 */
export function jwtClaimsOf(token: string): Record<string, unknown> | undefined {
  const d = decodeJwt(token);
  return typeof d === 'string' || typeof d.header.alg !== 'string' ? undefined : d.claims;
}

/**
 * Every check of the dpop suite, in the order it runs them: where the server does not offer DPoP
 * ({@link dpopNotOffered}) each is recorded as not applicable with that reason.
 */
export const DPOP_CHECKS: readonly CheckMeta[] = [
  dpopValidProofAccepted, dpopTokenTypeIsDpop, dpopTokenBoundToKey, dpopResourceProofAccepted, dpopResourceMissingAthRejected,
  dpopResourceWrongAthRejected, dpopWrongHtmRejected, dpopWrongHtuRejected, dpopStaleIatRejected, dpopFutureIatRejected,
  dpopReusedJtiRejected, dpopAlgNoneRejected, dpopPrivateJwkRejected,
];
