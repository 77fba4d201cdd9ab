/**
 * Checks on refresh behaviour: what a refresh returns (RFC 6749 §6) and what it does to the pair it replaces,
 * as the provider spec's `refresh` policy says — old tokens rejected or still valid, rotation, and RFC 9700
 * §4.14.2 reuse detection. The two factories {@link checkRefreshSucceeds} and {@link checkRefreshRejected} are
 * shared with the expiry and revocation checks.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
import type { HttpExchange } from '../http/types.ts';
import type { Citation, ProviderSpec } from '../spec/schema.ts';
import { bodyObject, fail, pass, show, type CheckMeta, type Outcome } from './check.ts';
import { observedResponse } from './token-response.ts';


/**
 * Where a spec section's statement comes from, for the requirement part of messages: its citations
 * (`att-api line 95`), else the standard it follows, else the spec's stated assumption.
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
export function specBasis(section: { source?: Citation[] | undefined; standard?: string | undefined; assumption?: string | undefined } | undefined): string {
  if (section?.source?.length) return [...new Set(section.source.map((c) => `${c.doc} line ${c.line}`))].join(', ');
  if (section?.standard) return section.standard;
  if (section?.assumption) return "the spec's stated assumption";
  return 'provider spec';
}

// ---------- factories shared by the refresh-related checks ----------

/**
 * A refresh request succeeded: HTTP 200 with a non-empty access_token. `what` names the request in the message.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function checkRefreshSucceeds(ex: HttpExchange, what: string, requirement = 'RFC 6749 §6'): Outcome {
  const at = bodyObject(ex)?.access_token;
  if (ex.status === 200 && typeof at === 'string' && at.length > 0) return pass();
  return fail(what, 'HTTP 200 with a new access_token', observedResponse(ex), requirement);
}

/**
 * A refresh request was refused the way the spec documents invalid_grant (default: HTTP 400,
 * `error: "invalid_grant"`) and issued no token.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function checkRefreshRejected(ex: HttpExchange, spec: ProviderSpec, what: string, requirement = 'RFC 6749 §5.2'): Outcome {
  const c = spec.errors.cases.invalid_grant;
  const status = c?.status ?? 400;
  const error = c?.error ?? 'invalid_grant';
  const b = bodyObject(ex);
  if (ex.status === status && b?.error === error && typeof b.access_token !== 'string') return pass();
  return fail(what, `HTTP ${status} with error ${show(error)} and no token`, observedResponse(ex), requirement);
}

// ---------- what a refresh returns ----------

export const newAccessTokenIssued: CheckMeta = { id: 'rotation.new-access-token-issued', title: 'A refresh returns a new access token', requirement: 'RFC 6749 §6, §5.1' };
/**
 * The refresh response is HTTP 200 with an access_token that differs from the one being replaced.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function checkNewAccessTokenIssued(ex: HttpExchange, oldAccessToken: string): Outcome {
  const b = bodyObject(ex);
  if (ex.status !== 200 || !b) return fail('refresh response', 'HTTP 200 with a JSON object body', observedResponse(ex), 'RFC 6749 §5.1');
  const at = b.access_token;
  if (typeof at !== 'string' || at.length === 0) return fail('"access_token" in refresh response', 'a non-empty string', at === undefined ? '(absent)' : show(at), 'RFC 6749 §5.1');
  if (at === oldAccessToken) return fail('"access_token" in refresh response', 'a new access token', 'the access token that was being refreshed', 'RFC 6749 §6');
  return pass();
}

export const newRefreshTokenIssued: CheckMeta = { id: 'rotation.new-refresh-token-issued', title: 'A refresh returns a new refresh token (rotation), as the spec says', requirement: 'RFC 9700 §4.14.2 and provider spec refresh.rotatesRefreshToken' };
/**
 * The refresh response carries a refresh_token different from the one just used.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export function checkNewRefreshTokenIssued(ex: HttpExchange, oldRefreshToken: string, basis: string): Outcome {
  const rt = bodyObject(ex)?.refresh_token;
  if (typeof rt !== 'string' || rt.length === 0) return fail('"refresh_token" in refresh response', 'a new refresh token (rotation)', rt === undefined ? '(absent)' : show(rt), basis);
  if (rt === oldRefreshToken) return fail('"refresh_token" in refresh response', 'a new refresh token (rotation)', 'the refresh token that was just used', basis);
  return pass();
}

export const newAccessTokenWorks: CheckMeta = { id: 'rotation.new-access-token-works', title: 'The refreshed access token works at the protected resource', requirement: 'RFC 6749 §6, RFC 6750 §2' };

export const newRefreshTokenWorks: CheckMeta = { id: 'rotation.new-refresh-token-works', title: 'The rotated refresh token can itself be used to refresh', requirement: 'RFC 6749 §6' };
/**
 * A refresh with the refresh token issued by the previous refresh succeeds.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function checkNewRefreshTokenWorks(ex: HttpExchange): Outcome {
  return checkRefreshSucceeds(ex, 'refresh with the rotated refresh token', 'RFC 6749 §6');
}

// ---------- what a refresh does to the old pair ----------

export const oldAccessTokenRejected: CheckMeta = { id: 'rotation.old-access-token-rejected', title: 'After a refresh the old access token is rejected, as the spec says', requirement: 'provider spec refresh.invalidatesOldAccessToken' };
/**
 * The resource refuses the access token of the pair a refresh replaced with the spec's invalid-token status.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function checkOldAccessTokenRejected(ex: HttpExchange, status: number, basis: string): Outcome {
  if (ex.status === status) return pass();
  return fail('resource call with the access token of the refreshed pair', `HTTP ${status} (invalidated by the refresh)`, observedResponse(ex), basis);
}

export const oldAccessTokenStillValid: CheckMeta = { id: 'rotation.old-access-token-still-valid', title: 'After a refresh the old access token still works until it expires, as the spec says', requirement: 'provider spec refresh.invalidatesOldAccessToken' };
/**
 * The resource still accepts the access token issued before the refresh.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function checkOldAccessTokenStillValid(ex: HttpExchange, basis: string): Outcome {
  if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
  return fail('resource call with the access token issued before the refresh', 'a 2xx (still valid until it expires)', observedResponse(ex), basis);
}

export const oldRefreshTokenRejected: CheckMeta = { id: 'rotation.old-refresh-token-rejected', title: 'A refresh token already used is rejected as invalid_grant, as the spec says', requirement: 'RFC 6749 §5.2, RFC 9700 §4.14.2 and provider spec refresh.invalidatesOldRefreshToken' };
/**
 * Reusing the refresh token a refresh consumed gets invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export function checkOldRefreshTokenRejected(ex: HttpExchange, spec: ProviderSpec, basis: string): Outcome {
  return checkRefreshRejected(ex, spec, 'second refresh with the refresh token already used', `RFC 6749 §5.2; ${basis}`);
}

export const oldRefreshTokenStillValid: CheckMeta = { id: 'rotation.old-refresh-token-still-valid', title: 'A refresh token stays usable after a refresh, as the spec says', requirement: 'RFC 6749 §6 and provider spec refresh.invalidatesOldRefreshToken' };
/**
 * A second refresh with the same refresh token succeeds.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function checkOldRefreshTokenStillValid(ex: HttpExchange, basis: string): Outcome {
  return checkRefreshSucceeds(ex, 'second refresh with the same refresh token', basis);
}

export const reuseRevokesActiveToken: CheckMeta = { id: 'rotation.reuse-revokes-active-refresh-token', title: 'Replaying a rotated refresh token revokes the active one (reuse detection)', requirement: 'RFC 9700 §4.14.2' };
/**
 * After a rotated-away refresh token was replayed, the active refresh token of the same grant is refused.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export function checkReuseRevokesActiveToken(ex: HttpExchange, spec: ProviderSpec): Outcome {
  return checkRefreshRejected(ex, spec, 'refresh with the active refresh token after the rotated one was replayed', 'RFC 9700 §4.14.2');
}
