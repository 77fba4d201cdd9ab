/**
 * Checks on the syntax of token requests (RFC 6749 §2.3, §2.3.1, §3.1, §3.2, §5.2): credentials never travel in
 * the request URI, a parameter is never repeated, a client authenticates with one method per request. Each is a
 * refusal, judged by the one rejection rule ({@link judgeRejection}).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
import type { HttpExchange } from '../http/types.ts';
import { formComponent } from '../http/client.ts';
import type { ErrorCaseName, ProviderSpec } from '../spec/schema.ts';
import { bodyObject, defineCheck, fail, pass, type Check, type CheckMeta, type Outcome } from './check.ts';
import { judgeRejection, judgeRejectionAsOneOf, observedResponse } from './rejection.ts';

/**
 * Factory: the request `what` is refused as the spec documents one of `cases` (the first case's verdict is
 * reported when none holds).
 */
function refusedAsOneOf(meta: CheckMeta, what: string, cases: readonly [ErrorCaseName, ...ErrorCaseName[]], rfcCases: readonly ErrorCaseName[] = []): Check<[HttpExchange, ProviderSpec]> {
  return defineCheck({
    ...meta,
    evaluate: (ex: HttpExchange, spec: ProviderSpec): Outcome => judgeRejectionAsOneOf(ex, spec, what, meta.requirement, cases, rfcCases),
  });
}

/**
 * A token request whose client credentials travel only in the query string is refused: RFC 6749 §2.3.1 "The
 * parameters can only be transmitted in the request-body and MUST NOT be included in the request URI". The MUST
 * NOT binds the client; a server that honours such a request keeps secrets flowing into logs and Referer
 * headers, so its refusal is judged as a SHOULD where the suite uses it. Refused as an invalid request or as a
 * request without client authentication: as the spec documents either, or as RFC 6749 §5.2 allows invalid_client
 * for a request that carries no Authorization header (HTTP 400 or 401: the 401 is a MUST only "If the client
 * attempted to authenticate via the "Authorization" request header field", and this request does not).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export const queryClientSecretRejected = refusedAsOneOf(
  { id: 'request.query-client-secret-rejected', title: 'Client credentials in the query string are not honoured', requirement: 'RFC 6749 §2.3.1 (MUST NOT be included in the request URI)' },
  'token request with client_id and client_secret in the query string only',
  ['unknown_client', 'missing_parameter'],
  ['unknown_client'],
);

/**
 * A password-grant request whose `password` travels in the query string is refused (RFC 6749 §3.2: the client
 * uses POST with the parameters in the body; §4.3.2 names the password a request-body parameter; §10.7 and
 * RFC 9700 §2.4 on exposing resource-owner credentials).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 */
export const queryPasswordRejected = refusedAsOneOf(
  { id: 'request.query-password-rejected', title: 'A password in the query string is not honoured', requirement: 'RFC 6749 §3.2, §4.3.2' },
  'password-grant request with username and password in the query string only',
  ['missing_parameter', 'invalid_grant'],
);

/**
 * A token request repeating a parameter is refused with invalid_request: RFC 6749 §3.2 "Request and response
 * parameters MUST NOT be included more than once", and §5.2 defines invalid_request for a request that "repeats
 * a parameter". The MUST NOT binds the sender (here the client) and §5.2 only names the error, so no sentence
 * obliges the server to refuse: the suite judges the refusal as a SHOULD, like a secret in the query string.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const repeatedParameterRejected = refusedAsOneOf(
  { id: 'request.repeated-parameter-rejected', title: 'A token request repeating a parameter is refused', requirement: 'RFC 6749 §3.2, §5.2 (invalid_request: "repeats a parameter")' },
  'token request with grant_type sent twice',
  ['missing_parameter'],
);

/**
 * A token request using two client authentication methods (HTTP Basic and client_secret in the body) is refused:
 * RFC 6749 §2.3 "The client MUST NOT use more than one authentication method in each request", and §5.2 defines
 * invalid_request for a request that "utilizes more than one mechanism for authenticating the client". A server
 * that does not accept one of the two methods at all may refuse it as invalid_client instead (§5.2: "unsupported
 * authentication method"), which is a refusal too. The MUST NOT binds the client and §5.2 only names the error, so
 * no sentence obliges the server to refuse: the suite judges the refusal as a SHOULD.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 */
export const twoAuthMethodsRejected = refusedAsOneOf(
  { id: 'request.two-auth-methods-rejected', title: 'A token request with two client authentication methods is refused', requirement: 'RFC 6749 §2.3, §5.2 (invalid_request: "more than one mechanism")' },
  'token request with HTTP Basic and client_secret in the body',
  ['missing_parameter', 'unknown_client'],
);

const REQ_BASIC_FORM = 'RFC 6749 §2.3.1 (the client identifier and password are each encoded with the application/x-www-form-urlencoded algorithm and the encoded values used as user-id and password; "The authorization server MUST support the HTTP Basic authentication scheme")';

/**
 * A token request whose HTTP Basic credentials were form-urlencoded before base64, as RFC 6749 §2.3.1 defines,
 * gets a token: the suite sends it only where the client id or secret has a character the encoding changes
 * (`:`, `%`, `+`, a space, ...), so a server that takes the user-id and password as sent (no form decoding)
 * authenticates a different secret and refuses it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export const basicFormEncodedAccepted = defineCheck({
  id: 'request.basic-form-encoded-credentials-accepted',
  title: 'HTTP Basic credentials form-urlencoded before base64 are accepted',
  requirement: REQ_BASIC_FORM,
  evaluate(ex: HttpExchange, changed: string): Outcome {
    if (ex.status === 200 && typeof bodyObject(ex)?.access_token === 'string') return pass();
    return fail(`token request with HTTP Basic credentials form-urlencoded before base64 (the client's ${changed})`, 'HTTP 200 with an access_token', observedResponse(ex), REQ_BASIC_FORM);
  },
});

/**
 * Which of the client's credentials the form encoding changes ("secret", "id", "id and secret"), or undefined
 * when neither has such a character (then nothing tells a decoding server from one that does not).
 * @see https://url.spec.whatwg.org/#concept-urlencoded-serializer
 */
export function formEncodingChanges(clientId: string, secret: string | undefined): string | undefined {
  const changes = (v: string) => formComponent(v) !== v;
  const parts = [...(changes(clientId) ? ['id'] : []), ...(secret !== undefined && changes(secret) ? ['secret'] : [])];
  return parts.length ? parts.join(' and ') : undefined;
}
