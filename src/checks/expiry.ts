/**
 * Checks on token lifetimes: `expires_in` in the token response (RFC 6749 §5.1) against the spec, a JWT access
 * token's own `exp - iat`, and the behaviour of access and refresh tokens just before and just after their
 * lifetime ends (RFC 6750 §3.1 invalid_token; RFC 6749 §5.2 invalid_grant).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { bodyObject, typeName, fail, notApplicable, pass, show, type CheckMeta, type Outcome } from './check.ts';
import { parseChallenge } from './resource.ts';
import { observedResponse } from './token-response.ts';
import { checkRefreshRejected, checkRefreshSucceeds } from './rotation.ts';

/**
 * Seconds by which two statements of one lifetime may differ: a JWT's `exp - iat` and `expires_in`, or the moment
 * a token is checked after its lifetime. Servers compute expires_in a moment after iat and round down (T-Mobile's
 * example answers "3599" for a JWT access token whose exp - iat is 3600, tmo lines 75-76), and both values are
 * whole seconds; two seconds covers one second of rounding on each side.
 */
export const LIFETIME_TOLERANCE_SECONDS = 2;



/**
 * `expires_in` as whole seconds: a non-negative integer number, or a string of digits (T-Mobile's "3599").
 * Undefined when absent or of any other shape.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function expiresInSeconds(ex: HttpExchange): number | undefined {
  const v = bodyObject(ex)?.expires_in;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,12}$/.test(v)) return Number(v);
  return undefined;
}

// ---------- expires_in ----------

export const expiresInPresent: CheckMeta = { id: 'expiry.expires-in-present', title: 'The token response carries expires_in', requirement: 'RFC 6749 §5.1 (RECOMMENDED) and provider spec tokenResponse.fields.expires_in' };
/**
 * The token response is a JSON object with an `expires_in` member.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function checkExpiresInPresent(ex: HttpExchange): Outcome {
  const b = bodyObject(ex);
  if (!b) return fail('token response body', 'a JSON object', observedResponse(ex), 'RFC 6749 §5.1');
  if (b.expires_in === undefined) return fail('"expires_in" in token response', 'the access token lifetime in seconds', '(absent)', 'RFC 6749 §5.1');
  return pass();
}

export const expiresInHasDeclaredType: CheckMeta = { id: 'expiry.expires-in-declared-type', title: 'expires_in has the type the spec declares', requirement: 'provider spec tokenResponse.fields.expires_in.type (RFC 6749 §5.1: a number)' };
/**
 * `expires_in` is a non-negative integer (`number`) or a string of digits (`numeric-string`), as declared.
 * Not applicable when it is absent (that is {@link checkExpiresInPresent}'s finding).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function checkExpiresInHasDeclaredType(ex: HttpExchange, declared: 'number' | 'numeric-string'): Outcome {
  const v = bodyObject(ex)?.expires_in;
  if (v === undefined) return notApplicable('expires_in is absent (see expiry.expires-in-present)');
  if (declared === 'number') {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return pass();
    return fail('"expires_in" in token response', 'a non-negative integer number', typeName(v), 'RFC 6749 §5.1');
  }
  if (typeof v === 'string' && /^\d+$/.test(v)) return pass();
  return fail('"expires_in" in token response', 'a JSON string of digits (numeric-string)', typeName(v), 'provider spec tokenResponse.fields.expires_in');
}

export const expiresInMatchesDocumented: CheckMeta = { id: 'expiry.expires-in-matches-documented', title: 'expires_in equals the access-token lifetime the provider documents', requirement: 'provider spec lifetimes.accessToken' };
/**
 * `expires_in`, read as seconds, equals the documented default lifetime. Not applicable when it is absent or
 * not a number of seconds (the presence and type checks report those).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function checkExpiresInMatchesDocumented(ex: HttpExchange, documented: number, basis: string): Outcome {
  const raw = bodyObject(ex)?.expires_in;
  if (raw === undefined) return notApplicable('expires_in is absent (see expiry.expires-in-present)');
  const seconds = expiresInSeconds(ex);
  if (seconds === undefined) return notApplicable(`expires_in is not a number of seconds (${typeName(raw)}; see expiry.expires-in-declared-type)`);
  if (seconds !== documented) return fail('"expires_in" in token response', `${documented} seconds`, `${show(raw)} (${seconds} seconds)`, basis);
  return pass();
}

// ---------- access tokens at the resource ----------

export const accessTokenAcceptedBeforeExpiry: CheckMeta = { id: 'expiry.access-token.accepted-before-expiry', title: 'The access token still works shortly before its lifetime ends', requirement: 'RFC 6749 §5.1 (expires_in)' };
/**
 * The resource accepted the token `at` seconds into its `lifetime`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function checkAcceptedBeforeExpiry(ex: HttpExchange, at: number, lifetime: number): Outcome {
  if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
  return fail(`resource call ${at} s into the access token's ${lifetime} s lifetime`, 'a 2xx (token still valid)', observedResponse(ex), 'RFC 6749 §5.1');
}

export const accessTokenRejectedAfterExpiry: CheckMeta = { id: 'expiry.access-token.rejected-after-expiry', title: 'The access token is rejected once its lifetime has passed', requirement: 'RFC 6750 §3.1 and provider spec errors.cases.invalid_token' };
/**
 * The resource answered the spec's invalid-token status for a token `at` seconds old with a `lifetime` lifetime.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function checkRejectedAfterExpiry(ex: HttpExchange, status: number, at: number, lifetime: number, basis: string): Outcome {
  if (ex.status === status) return pass();
  return fail(`resource call ${at} s after issue (lifetime ${lifetime} s)`, `HTTP ${status} (token expired)`, observedResponse(ex), basis);
}

export const expiredTokenChallenge: CheckMeta = { id: 'expiry.access-token.www-authenticate', title: 'The rejection of an expired token carries a WWW-Authenticate challenge with the Bearer scheme', requirement: 'RFC 6750 §3 (MUST)' };
/**
 * The response carries `WWW-Authenticate` with the `scheme` challenge (RFC 6750 §3: MUST when a request's
 * token does not enable access).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function checkChallengeScheme(ex: HttpExchange, scheme = 'Bearer'): Outcome {
  const header = ex.headers['www-authenticate'];
  if (parseChallenge(header).scheme?.toLowerCase() === scheme.toLowerCase()) return pass();
  return fail('"WWW-Authenticate" header on the rejection', `a challenge with the ${scheme} scheme`, show(header), 'RFC 6750 §3');
}

/** Metadata for the error="invalid_token" part of the challenge; the check is `checkInvalidTokenChallenge` in resource.ts. */
export const expiredTokenErrorCode: CheckMeta = { id: 'expiry.access-token.invalid-token-challenge', title: 'The challenge for an expired token says error="invalid_token"', requirement: 'RFC 6750 §3 (error SHOULD), §3.1' };

// ---------- refresh tokens ----------

export const refreshTokenAcceptedBeforeExpiry: CheckMeta = { id: 'expiry.refresh-token.accepted-before-expiry', title: 'A refresh token still works shortly before its lifetime ends', requirement: 'provider spec lifetimes.refreshToken' };
/**
 * A refresh with a token `at` seconds into its `lifetime` succeeded.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function checkRefreshAcceptedBeforeExpiry(ex: HttpExchange, at: number, lifetime: number, basis: string): Outcome {
  return checkRefreshSucceeds(ex, `refresh with a refresh token ${at} s into its ${lifetime} s lifetime`, basis);
}

export const refreshTokenRejectedAfterExpiry: CheckMeta = { id: 'expiry.refresh-token.rejected-after-expiry', title: 'An expired refresh token is rejected as invalid_grant', requirement: 'RFC 6749 §5.2 (invalid_grant: expired) and provider spec lifetimes.refreshToken' };
/**
 * A refresh with a token `at` seconds old, past its `lifetime`, got invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function checkRefreshRejectedAfterExpiry(ex: HttpExchange, spec: ProviderSpec, at: number, lifetime: number, basis: string): Outcome {
  return checkRefreshRejected(ex, spec, `refresh with a refresh token ${at} s old (lifetime ${lifetime} s)`, `RFC 6749 §5.2; ${basis}`);
}
