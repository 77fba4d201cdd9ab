/**
 * Checks on token revocation (RFC 7009; AT&T's "Revoke Token" method, att-api line 331): the endpoint's
 * answers, and what a revocation does to the token at the resource and at the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc7009
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { defineCheck, fail, pass, type Check, type CheckMeta, type Outcome } from './check.ts';
import { judgeRejection, judgeRejectionAsOneOf, observedResponse } from './rejection.ts';
import { judgeRefusedAtResource } from './rotation.ts';

/**
 * Factory: the revocation endpoint answered HTTP 200 to the request `what` (RFC 7009 §2.2: "The authorization
 * server responds with HTTP status code 200 if the token has been revoked successfully or if the client
 * submitted an invalid token").
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 */
function answered200(meta: CheckMeta, what: string, expected: string): Check<[HttpExchange]> {
  return defineCheck({
    ...meta,
    evaluate(ex: HttpExchange): Outcome {
      if (ex.status === 200) return pass();
      return fail(what, expected, observedResponse(ex), 'RFC 7009 §2.2');
    },
  });
}

/**
 * Factory: the resource refused a token that a revocation should have ended (`what`), with the spec's
 * invalid-token status (a 4xx).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
function refusedAfterRevocation(meta: CheckMeta, what: string, requirement: string): Check<[HttpExchange, number]> {
  return defineCheck({
    ...meta,
    evaluate: (ex: HttpExchange, status: number): Outcome => judgeRefusedAtResource(ex, status, what, 'token revoked', requirement),
  });
}

/**
 * The revocation of a token the client holds is answered 200.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 */
export const revocationSucceeds = answered200(
  { id: 'revocation.valid-token-200', title: 'Revoking a valid token is answered HTTP 200', requirement: 'RFC 7009 §2.2' },
  'revocation response for a valid access token',
  'HTTP 200',
);

/**
 * An invalid token causes no error response: the answer is 200.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2
 */
export const unknownTokenAccepted = answered200(
  { id: 'revocation.unknown-token-200', title: 'Revoking a token the server does not know is answered HTTP 200', requirement: 'RFC 7009 §2.2' },
  'revocation response for a token the server never issued',
  'HTTP 200 (invalid tokens cause no error response)',
);

/**
 * The resource refuses an access token after its revocation.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export const revokedAccessTokenRejected = refusedAfterRevocation(
  { id: 'revocation.access-token-rejected', title: 'A revoked access token is rejected at the protected resource', requirement: 'RFC 7009 §2, RFC 6750 §3.1' },
  'resource call with the revoked access token',
  'RFC 7009 §2',
);

/**
 * The resource refuses an access token whose refresh token (same grant) was revoked.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export const refreshRevocationRevokesAccess = refusedAfterRevocation(
  { id: 'revocation.refresh-revokes-access-tokens', title: 'Revoking a refresh token also invalidates the access tokens of the same grant', requirement: 'RFC 7009 §2.1 (SHOULD)' },
  'resource call with an access token whose refresh token was revoked',
  'RFC 7009 §2.1',
);

/**
 * The resource refuses an access token that was revoked under `token_type_hint=refresh_token`.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export const wrongHintStillRevokes = refusedAfterRevocation(
  { id: 'revocation.wrong-hint-still-revokes', title: 'A token sent with the wrong token_type_hint is still revoked', requirement: 'RFC 7009 §2.1 (the server MUST extend its search across all token types)' },
  'resource call with an access token revoked under token_type_hint=refresh_token',
  'RFC 7009 §2.1',
);

/**
 * A refresh with a revoked refresh token is rejected as the spec documents invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export const revokedRefreshTokenRejected = defineCheck({
  id: 'revocation.refresh-token-rejected',
  title: 'A revoked refresh token is rejected as invalid_grant',
  requirement: 'RFC 7009 §2.1, RFC 6749 §5.2',
  evaluate: (ex: HttpExchange, spec: ProviderSpec): Outcome =>
    judgeRejection(ex, spec, 'invalid_grant', 'refresh with the revoked refresh token', 'RFC 7009 §2.1, RFC 6749 §5.2'),
});

/**
 * A revocation request carrying no client credentials is rejected as the spec documents a client it cannot
 * authenticate (RFC 7009 §2.2.1: the error presentation is RFC 6749 §5.2's, whose invalid_client covers "no
 * client authentication included"), or as RFC 6749 §5.2 allows that error for a request without an Authorization
 * header: HTTP 400 or 401 (the 401 is a MUST only "If the client attempted to authenticate via the
 * "Authorization" request header field", which this request does not).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1
 */
export const clientAuthRequired = defineCheck({
  id: 'revocation.client-auth-required',
  title: 'A revocation request without client authentication is rejected as invalid_client',
  requirement: 'RFC 7009 §2.1, §2.2.1; RFC 6749 §5.2',
  evaluate: (ex: HttpExchange, spec: ProviderSpec): Outcome =>
    judgeRejectionAsOneOf(ex, spec, 'revocation request without client authentication', 'RFC 7009 §2.1, §2.2.1', ['unknown_client'], ['unknown_client']),
});
