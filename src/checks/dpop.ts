/**
 * Checks on DPoP (RFC 9449) handling: a token request with a valid proof yields a DPoP token bound to the
 * proof's key; proofs that fail one of the RFC's validation steps are refused at the token endpoint; the
 * resource serves a bound token with a matching proof and refuses proofs without the right `ath`.
 * Each check is a small function over what the server answered; the `dpop` suite builds the proofs.
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
import type { HttpExchange } from '../http/types.ts';
import { bodyObject, fail, pass, show, type CheckMeta, type Outcome } from './check.ts';
import { observedResponse } from './token-response.ts';

const is4xx = (ex: HttpExchange) => ex.status !== undefined && ex.status >= 400 && ex.status < 500;
const is2xx = (ex: HttpExchange) => ex.status !== undefined && ex.status >= 200 && ex.status < 300;

// ---------- token endpoint: the valid case ----------

export const dpopValidProofAccepted: CheckMeta = {
  id: 'dpop.token.valid-proof-accepted',
  title: 'A token request with a valid DPoP proof gets a token',
  requirement: 'RFC 9449 §5',
};
/**
 * The token request carrying a valid DPoP proof is answered 200 with an access_token.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export function checkDpopValidProofAccepted(ex: HttpExchange): Outcome {
  if (ex.status === 200 && typeof bodyObject(ex)?.access_token === 'string') return pass();
  return fail('token request with a valid DPoP proof', 'HTTP 200 with an access_token', observedResponse(ex), 'RFC 9449 §5');
}

export const dpopTokenTypeIsDpop: CheckMeta = {
  id: 'dpop.token.token-type-dpop',
  title: 'A DPoP-bound token is issued with token_type "DPoP"',
  requirement: 'RFC 9449 §5',
};
/**
 * RFC 9449 §5: a token bound to the proof's key is answered with `token_type` "DPoP" (compared case-insensitively,
 * RFC 6749 §7.1).
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-5
 */
export function checkTokenTypeIsDpop(ex: HttpExchange): Outcome {
  const v = bodyObject(ex)?.token_type;
  if (typeof v === 'string' && v.toLowerCase() === 'dpop') return pass();
  return fail('"token_type" in the response to a DPoP token request', '"DPoP"', show(v), 'RFC 9449 §5');
}

export const dpopTokenBoundToKey: CheckMeta = {
  id: 'dpop.token.bound-to-key',
  title: 'The issued token is bound to the DPoP proof\'s key',
  requirement: 'RFC 9449 §6.1 (cnf.jkt in JWT access tokens), §7.1 (a bound token needs a proof of its key)',
};
/**
 * A JWT access token carries `cnf.jkt` equal to the RFC 7638 thumbprint of the proof's key.
 * @param claims the decoded claims of the access token
 * @param jkt the thumbprint of the key that signed the token request's proof
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6.1
 */
export function checkJwtBoundToKey(claims: Record<string, unknown>, jkt: string): Outcome {
  const cnf = claims.cnf;
  const observed = cnf && typeof cnf === 'object' ? (cnf as Record<string, unknown>).jkt : undefined;
  if (observed === jkt) return pass('cnf.jkt in the JWT access token matches the proof key');
  return fail('"cnf.jkt" in the JWT access token', `${show(jkt)} (the thumbprint of the proof key)`, cnf === undefined ? '(no cnf claim)' : show(observed), 'RFC 9449 §6.1');
}

/**
 * An opaque token cannot be inspected, so binding shows at the resource: the token alone (as a Bearer token) and
 * the token with a valid proof of a DIFFERENT key must both be refused.
 * @param bearerUse the resource's answer to `Authorization: Bearer <token>` without a proof
 * @param otherKeyUse the resource's answer to `Authorization: DPoP <token>` with a proof signed by another key
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function checkOpaqueTokenBoundToKey(bearerUse: HttpExchange, otherKeyUse: HttpExchange): Outcome {
  if (!is4xx(bearerUse)) return fail('resource call with the DPoP-bound token as a Bearer token (no proof)', 'a 4xx error', observedResponse(bearerUse), 'RFC 9449 §7.1');
  if (!is4xx(otherKeyUse)) return fail('resource call with the DPoP-bound token and a proof by another key', 'a 4xx error', observedResponse(otherKeyUse), 'RFC 9449 §4.3 step 12');
  return pass('the resource refused the token without a proof of its key');
}

// ---------- token endpoint: defective proofs ----------

/** A check that one kind of defective DPoP proof is refused; `defect` names it in messages. */
export interface DpopRejection extends CheckMeta {
  defect: string;
}

function rejection(id: string, title: string, defect: string, requirement: string): DpopRejection {
  return { id, title, defect, requirement };
}

export const dpopWrongHtmRejected = rejection('dpop.token.wrong-htm-rejected', 'A proof for another HTTP method is rejected', 'a DPoP proof whose htm names another method', 'RFC 9449 §4.3 step 8');
export const dpopWrongHtuRejected = rejection('dpop.token.wrong-htu-rejected', 'A proof for another URI is rejected', 'a DPoP proof whose htu names another URI', 'RFC 9449 §4.3 step 9');
export const dpopStaleIatRejected = rejection('dpop.token.stale-iat-rejected', 'A proof created long ago is rejected', 'a DPoP proof whose iat is older than the acceptance window', 'RFC 9449 §4.3 step 11, §11.1');
export const dpopFutureIatRejected = rejection('dpop.token.future-iat-rejected', 'A proof created far in the future is rejected', 'a DPoP proof whose iat lies further in the future than the whole acceptance window', 'RFC 9449 §4.3 step 11, §11.1');
export const dpopReusedJtiRejected = rejection('dpop.token.reused-jti-rejected', 'A proof used a second time is rejected', 'a DPoP proof (same jti) that was already accepted once', 'RFC 9449 §11.1');
export const dpopAlgNoneRejected = rejection('dpop.token.alg-none-rejected', 'An unsigned (alg "none") proof is rejected', 'an alg "none" DPoP proof', 'RFC 9449 §4.3 step 5');
export const dpopPrivateJwkRejected = rejection('dpop.token.private-jwk-rejected', 'A proof whose jwk header holds a private key is rejected', 'a DPoP proof whose jwk header contains the private key', 'RFC 9449 §4.3 step 7');

/**
 * The token request with the defective proof was refused with a 4xx and no access_token.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export function checkDpopProofRejected(ex: HttpExchange, r: DpopRejection): Outcome {
  if (is4xx(ex) && typeof bodyObject(ex)?.access_token !== 'string') return pass();
  return fail(`token request with ${r.defect}`, 'a 4xx error without access_token', observedResponse(ex), r.requirement);
}

// ---------- resource ----------

export const dpopResourceProofAccepted: CheckMeta = {
  id: 'dpop.resource.valid-proof-accepted',
  title: 'The resource serves a DPoP-bound token with a valid proof (ath included)',
  requirement: 'RFC 9449 §7.1',
};
/**
 * `Authorization: DPoP <token>` with a valid proof of the bound key (htm, htu, ath) is answered 2xx.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function checkResourceProofAccepted(ex: HttpExchange): Outcome {
  if (is2xx(ex)) return pass();
  return fail('resource call with a DPoP-bound token and a valid proof', 'a 2xx response', observedResponse(ex), 'RFC 9449 §7.1');
}

export const dpopResourceMissingAthRejected = rejection('dpop.resource.missing-ath-rejected', 'A resource proof without ath is rejected', 'a DPoP proof without ath', 'RFC 9449 §4.2 (ath REQUIRED with an access token), §4.3 step 12');
export const dpopResourceWrongAthRejected = rejection('dpop.resource.wrong-ath-rejected', 'A resource proof whose ath hashes another token is rejected', 'a DPoP proof whose ath is the hash of another access token', 'RFC 9449 §4.3 step 12');

/**
 * The resource call with the defective proof was refused with a 4xx.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-7.1
 */
export function checkResourceProofRejected(ex: HttpExchange, r: DpopRejection): Outcome {
  if (is4xx(ex)) return pass();
  return fail(`resource call with ${r.defect}`, 'a 4xx error', observedResponse(ex), r.requirement);
}

/**
 * The claims of `token` when it is a compact JWS with a JSON header naming an `alg` and a JSON-object payload
 * (a JWT access token); `undefined` for an opaque token. The signature is not checked.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2
 */
export function jwtClaimsOf(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (!header || typeof header !== 'object' || typeof (header as Record<string, unknown>).alg !== 'string') return undefined;
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
    return payload as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
