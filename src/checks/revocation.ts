/**
 * Checks on token revocation (RFC 7009; AT&T's "Revoke Token" method, att-api line 331): the endpoint's
 * answers, and what a revocation does to the token at the resource and at the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { bodyObject, fail, pass, show, type CheckMeta, type Outcome } from './check.ts';
import { observedResponse } from './token-response.ts';
import { checkRefreshRejected } from './rotation.ts';


/** Factory: the resource refused a token with the spec's invalid-token status. */
function rejectedAtResource(ex: HttpExchange, status: number, what: string, requirement: string): Outcome {
  if (ex.status === status) return pass();
  return fail(what, `HTTP ${status} (token revoked)`, observedResponse(ex), requirement);
}

export const revocationSucceeds: CheckMeta = { id: 'revocation.valid-token-200', title: 'Revoking a valid token is answered HTTP 200', requirement: 'RFC 7009 §2.2' };
/**
 * The revocation of a token the client holds is answered 200.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 */
export function checkRevocationSucceeds(ex: HttpExchange): Outcome {
  if (ex.status === 200) return pass();
  return fail('revocation response for a valid access token', 'HTTP 200', observedResponse(ex), 'RFC 7009 §2.2');
}

export const revokedAccessTokenRejected: CheckMeta = { id: 'revocation.access-token-rejected', title: 'A revoked access token is rejected at the protected resource', requirement: 'RFC 7009 §2, RFC 6750 §3.1' };
/**
 * The resource refuses an access token after its revocation.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export function checkRevokedAccessTokenRejected(ex: HttpExchange, status: number): Outcome {
  return rejectedAtResource(ex, status, 'resource call with the revoked access token', 'RFC 7009 §2');
}

export const revokedRefreshTokenRejected: CheckMeta = { id: 'revocation.refresh-token-rejected', title: 'A revoked refresh token is rejected as invalid_grant', requirement: 'RFC 7009 §2.1, RFC 6749 §5.2' };
/**
 * A refresh with a revoked refresh token gets invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export function checkRevokedRefreshTokenRejected(ex: HttpExchange, spec: ProviderSpec): Outcome {
  return checkRefreshRejected(ex, spec, 'refresh with the revoked refresh token', 'RFC 7009 §2.1, RFC 6749 §5.2');
}

export const refreshRevocationRevokesAccess: CheckMeta = { id: 'revocation.refresh-revokes-access-tokens', title: 'Revoking a refresh token also invalidates the access tokens of the same grant', requirement: 'RFC 7009 §2.1 (SHOULD)' };
/**
 * The resource refuses an access token whose refresh token (same grant) was revoked.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export function checkGrantAccessTokenRejected(ex: HttpExchange, status: number): Outcome {
  return rejectedAtResource(ex, status, 'resource call with an access token whose refresh token was revoked', 'RFC 7009 §2.1');
}

export const unknownTokenAccepted: CheckMeta = { id: 'revocation.unknown-token-200', title: 'Revoking a token the server does not know is answered HTTP 200', requirement: 'RFC 7009 §2.2' };
/**
 * An invalid token causes no error response: the answer is 200.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 */
export function checkUnknownTokenAccepted(ex: HttpExchange): Outcome {
  if (ex.status === 200) return pass();
  return fail('revocation response for a token the server never issued', 'HTTP 200 (invalid tokens cause no error response)', observedResponse(ex), 'RFC 7009 §2.2');
}

export const clientAuthRequired: CheckMeta = { id: 'revocation.client-auth-required', title: 'A revocation request without client authentication is rejected as invalid_client', requirement: 'RFC 7009 §2.1, §2.2.1; RFC 6749 §5.2' };
/**
 * A revocation request carrying no client credentials gets the spec's invalid-client status with
 * `error: "invalid_client"`.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1
 */
export function checkUnauthenticatedRejected(ex: HttpExchange, status: number): Outcome {
  if (ex.status === status && bodyObject(ex)?.error === 'invalid_client') return pass();
  return fail('revocation request without client authentication', `HTTP ${status} with error ${show('invalid_client')}`, observedResponse(ex), 'RFC 7009 §2.1');
}

export const wrongHintStillRevokes: CheckMeta = { id: 'revocation.wrong-hint-still-revokes', title: 'A token sent with the wrong token_type_hint is still revoked', requirement: 'RFC 7009 §2.1 (the server MUST extend its search across all token types)' };
/**
 * The resource refuses an access token that was revoked under `token_type_hint=refresh_token`.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export function checkWrongHintStillRevokes(ex: HttpExchange, status: number): Outcome {
  return rejectedAtResource(ex, status, 'resource call with an access token revoked under token_type_hint=refresh_token', 'RFC 7009 §2.1');
}
