/**
 * Checks on token lifetimes: `expires_in` in the token response (RFC 6749 §5.1) against the spec, a JWT access
 * token's own `exp - iat`, and the behaviour of access and refresh tokens just before and just after their
 * lifetime ends (RFC 6750 §3.1 invalid_token; RFC 6749 §5.2 invalid_grant).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { bodyObject, defineCheck, typeName, fail, notApplicable, pass, show, type Outcome } from './check.ts';
import { judgeRejection, observedResponse } from './rejection.ts';
import { invalidTokenChallenge, judgeChallengeScheme } from './resource.ts';
import { judgeRefreshSucceeds, judgeRefusedAtResource } from './rotation.ts';

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

/**
 * The token response is a JSON object with an `expires_in` member.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const expiresInPresent = defineCheck({
  id: 'expiry.expires-in-present',
  title: 'The token response carries expires_in',
  requirement: 'RFC 6749 §5.1 (RECOMMENDED) and provider spec tokenResponse.fields.expires_in',
  evaluate(ex: HttpExchange): Outcome {
    const b = bodyObject(ex);
    if (!b) return fail('token response body', 'a JSON object', observedResponse(ex), 'RFC 6749 §5.1');
    if (b.expires_in === undefined) return fail('"expires_in" in token response', 'the access token lifetime in seconds', '(absent)', 'RFC 6749 §5.1');
    return pass();
  },
});

/**
 * `expires_in` is a non-negative integer (`number`) or a string of digits (`numeric-string`), as declared.
 * Not applicable when it is absent (that is {@link expiresInPresent}'s finding).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const expiresInHasDeclaredType = defineCheck({
  id: 'expiry.expires-in-declared-type',
  title: 'expires_in has the type the spec declares',
  requirement: 'provider spec tokenResponse.fields.expires_in.type (RFC 6749 §5.1: a number)',
  evaluate(ex: HttpExchange, declared: 'number' | 'numeric-string'): Outcome {
    const v = bodyObject(ex)?.expires_in;
    if (v === undefined) return notApplicable('expires_in is absent (see expiry.expires-in-present)');
    if (declared === 'number') {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return pass();
      return fail('"expires_in" in token response', 'a non-negative integer number', typeName(v), 'RFC 6749 §5.1');
    }
    if (typeof v === 'string' && /^\d+$/.test(v)) return pass();
    return fail('"expires_in" in token response', 'a JSON string of digits (numeric-string)', typeName(v), 'provider spec tokenResponse.fields.expires_in');
  },
});

/**
 * `expires_in`, read as seconds, equals the `documented` default lifetime (`basis`: where it is documented). Not
 * applicable when it is absent or not a number of seconds (the presence and type checks report those).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const expiresInMatchesDocumented = defineCheck({
  id: 'expiry.expires-in-matches-documented',
  title: 'expires_in equals the access-token lifetime the provider documents',
  requirement: 'provider spec lifetimes.accessToken',
  evaluate(ex: HttpExchange, documented: number, basis: string): Outcome {
    const raw = bodyObject(ex)?.expires_in;
    if (raw === undefined) return notApplicable('expires_in is absent (see expiry.expires-in-present)');
    const seconds = expiresInSeconds(ex);
    if (seconds === undefined) return notApplicable(`expires_in is not a number of seconds (${typeName(raw)}; see expiry.expires-in-declared-type)`);
    if (seconds !== documented) return fail('"expires_in" in token response', `${documented} seconds`, `${show(raw)} (${seconds} seconds)`, basis);
    return pass();
  },
});

// ---------- access tokens at the resource ----------

/**
 * The resource accepted the token `at` seconds into its `lifetime`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const accessTokenAcceptedBeforeExpiry = defineCheck({
  id: 'expiry.access-token.accepted-before-expiry',
  title: 'The access token still works shortly before its lifetime ends',
  requirement: 'RFC 6749 §5.1 (expires_in)',
  evaluate(ex: HttpExchange, at: number, lifetime: number): Outcome {
    if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
    return fail(`resource call ${at} s into the access token's ${lifetime} s lifetime`, 'a 2xx (token still valid)', observedResponse(ex), 'RFC 6749 §5.1');
  },
});

/**
 * The resource answered the spec's invalid-token `status` (a 4xx) for a token `at` seconds old with a `lifetime`
 * lifetime.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export const accessTokenRejectedAfterExpiry = defineCheck({
  id: 'expiry.access-token.rejected-after-expiry',
  title: 'The access token is rejected once its lifetime has passed',
  requirement: 'RFC 6750 §3.1 and provider spec errors.cases.invalid_token',
  evaluate: (ex: HttpExchange, status: number, at: number, lifetime: number, basis: string): Outcome =>
    judgeRefusedAtResource(ex, status, `resource call ${at} s after issue (lifetime ${lifetime} s)`, 'token expired', basis),
});

/**
 * The response carries `WWW-Authenticate` with the `scheme` challenge (RFC 6750 §3: MUST when a request's
 * token does not enable access).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export const expiredTokenChallenge = defineCheck({
  id: 'expiry.access-token.www-authenticate',
  title: 'The rejection of an expired token carries a WWW-Authenticate challenge with the Bearer scheme',
  requirement: 'RFC 6750 §3 (MUST)',
  evaluate: (ex: HttpExchange, scheme: string): Outcome => judgeChallengeScheme(ex, scheme),
});

/**
 * The rejection of an expired token (the spec's invalid-token `status`) carries a Bearer challenge with
 * error="invalid_token"; judged by the resource's own rule ({@link invalidTokenChallenge}).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export const expiredTokenErrorCode = defineCheck({
  id: 'expiry.access-token.invalid-token-challenge',
  title: 'The challenge for an expired token says error="invalid_token"',
  requirement: 'RFC 6750 §3 (error SHOULD), §3.1',
  evaluate: (ex: HttpExchange, status: number): Outcome => invalidTokenChallenge.evaluate(ex, status, 'Bearer'),
});

// ---------- refresh tokens ----------

/**
 * A refresh with a token `at` seconds into its `lifetime` succeeded.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export const refreshTokenAcceptedBeforeExpiry = defineCheck({
  id: 'expiry.refresh-token.accepted-before-expiry',
  title: 'A refresh token still works shortly before its lifetime ends',
  requirement: 'provider spec lifetimes.refreshToken',
  evaluate: (ex: HttpExchange, at: number, lifetime: number, basis: string): Outcome =>
    judgeRefreshSucceeds(ex, `refresh with a refresh token ${at} s into its ${lifetime} s lifetime`, basis),
});

/**
 * A refresh with a token `at` seconds old, past its `lifetime`, is rejected as the spec documents invalid_grant
 * (RFC 6749 §5.2: "The provided authorization grant ... or refresh token is invalid, expired, revoked").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const refreshTokenRejectedAfterExpiry = defineCheck({
  id: 'expiry.refresh-token.rejected-after-expiry',
  title: 'An expired refresh token is rejected as invalid_grant',
  requirement: 'RFC 6749 §5.2 (invalid_grant: expired) and provider spec lifetimes.refreshToken',
  evaluate: (ex: HttpExchange, spec: ProviderSpec, at: number, lifetime: number, basis: string): Outcome =>
    judgeRejection(ex, spec, 'invalid_grant', `refresh with a refresh token ${at} s old (lifetime ${lifetime} s)`, `RFC 6749 §5.2; ${basis}`),
});
