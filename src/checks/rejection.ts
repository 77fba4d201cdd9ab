/**
 * The one rule for "rejected as the spec documents this error case": every check that expects a refusal at the
 * token endpoint (an unknown client, a reused refresh token, an unknown scope...) judges through
 * {@link judgeRejection}, so the rule can't drift between suites.
 *
 * - When the spec documents the case (`errors.cases.<name>`), the status must be the documented one and, when
 *   the spec gives one, so must the `error` code.
 * - When it does not, the RFC decides: the status it gives the case (RFC 6749 §5.2: 400 unless specified
 *   otherwise, 401 also for invalid_client; never a 5xx, 3xx or 2xx) and, when the body is JSON, one of the codes
 *   it allows for the case. The body's format is `error.body-is-rfc6749-json`'s concern, not this rule's.
 * - A refusal never carries an access token.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
import type { HttpExchange } from '../http/types.ts';
import type { ErrorCaseName, ProviderSpec } from '../spec/schema.ts';
import { bodyObject, defineCheck, fail, isClientError, pass, show, type Check, type Outcome } from './check.ts';

/**
 * RFC 6749 §5.2's codes for each case the spec can name (first = the one the RFC names for the case).
 * `unauthorized_client` is also right for a grant the client may not use ("The authenticated client is not
 * authorized to use this authorization grant type").
 */
export const RFC_ERROR_CODES: Readonly<Record<ErrorCaseName, readonly string[]>> = {
  unknown_client: ['invalid_client'],
  wrong_secret: ['invalid_client'],
  missing_grant_type: ['invalid_request', 'unsupported_grant_type'],
  unsupported_grant_type: ['unsupported_grant_type', 'unauthorized_client'],
  missing_parameter: ['invalid_request', 'invalid_grant', 'invalid_scope'],
  invalid_scope: ['invalid_scope'],
  invalid_grant: ['invalid_grant'],
  unsupported_content_type: ['invalid_request'],
  invalid_token: ['invalid_token'],
  insufficient_scope: ['insufficient_scope'],
  missing_required_header: ['invalid_request'],
};

/**
 * The statuses the RFCs give each case: RFC 6749 §5.2 "HTTP 400 (Bad Request) status code (unless specified
 * otherwise)", where invalid_client "MAY return an HTTP 401"; RFC 6750 §3.1 for the resource's two cases.
 */
export const RFC_STATUSES: Readonly<Record<ErrorCaseName, readonly number[]>> = {
  unknown_client: [400, 401],
  wrong_secret: [400, 401],
  missing_grant_type: [400],
  unsupported_grant_type: [400],
  missing_parameter: [400],
  invalid_scope: [400],
  invalid_grant: [400],
  unsupported_content_type: [400, 415],
  invalid_token: [401],
  insufficient_scope: [403],
  missing_required_header: [400],
};

/** Describes what a response is, for "observed" parts of messages. */
export function observedResponse(ex: HttpExchange): string {
  if (ex.failure) return `no response (${ex.failure.code}: ${ex.failure.message})`;
  const body = ex.json !== undefined ? show(ex.json) : ex.bodyText ? `non-JSON body ${show(ex.bodyText)}` : 'an empty body';
  return `HTTP ${ex.status} with ${body}`;
}

/**
 * Judges a refusal against the spec's documented error case `name` (see the module comment). `what` names the
 * request in the message ("refresh with the revoked refresh token").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function judgeRejection(ex: HttpExchange, spec: ProviderSpec, name: ErrorCaseName, what: string, requirement = 'RFC 6749 §5.2'): Outcome {
  const documented = spec.errors.cases[name];
  const b = bodyObject(ex);
  const issued = typeof b?.access_token === 'string';
  if (documented) {
    const want = `HTTP ${documented.status}${documented.error ? ` with "error" ${show(documented.error)}` : ''} and no access_token`;
    const ok = ex.status === documented.status && (!documented.error || b?.error === documented.error) && !issued;
    return ok ? pass() : fail(what, want, observedResponse(ex), `${requirement}, provider spec errors.cases.${name}`);
  }
  return judgeRejectionByRfc(ex, name, what, requirement);
}

/**
 * Judges a refusal by the RFC alone (RFC 6749 §5.2's statuses and codes for case `name`), whatever the spec
 * documents: for a request outside the spec's documented form, where the documented status may not apply (an
 * invalid_client without an Authorization header may be 400 or 401: §5.2 demands 401 only "If the client
 * attempted to authenticate via the "Authorization" request header field").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function judgeRejectionByRfc(ex: HttpExchange, name: ErrorCaseName, what: string, requirement = 'RFC 6749 §5.2'): Outcome {
  const b = bodyObject(ex);
  const issued = typeof b?.access_token === 'string';
  const codes = RFC_ERROR_CODES[name];
  const statuses = RFC_STATUSES[name];
  const want = `HTTP ${statuses.join(' or ')}${b ? ` with "error" ${codes.map((c) => show(c)).join(' or ')}` : ''} and no access_token`;
  const codeOk = !b || (typeof b.error === 'string' && codes.includes(b.error));
  const statusOk = isClientError(ex.status) && statuses.includes(ex.status);
  return statusOk && codeOk && !issued ? pass(`the spec documents no status for ${name}; observed ${ex.status}`) : fail(what, want, observedResponse(ex), requirement);
}

/**
 * A refusal judged against several rules, passing when any holds: the spec's documented `cases` (each by
 * {@link judgeRejection}) and, for `rfcCases`, RFC 6749 §5.2's own statuses and codes ({@link judgeRejectionByRfc}:
 * for a request outside the spec's documented form). When none holds, the first case's verdict is the failure.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function judgeRejectionAsOneOf(ex: HttpExchange, spec: ProviderSpec, what: string, requirement: string, cases: readonly [ErrorCaseName, ...ErrorCaseName[]], rfcCases: readonly ErrorCaseName[] = []): Outcome {
  const verdicts = [...cases.map((c) => judgeRejection(ex, spec, c, what, requirement)), ...rfcCases.map((c) => judgeRejectionByRfc(ex, c, what, requirement))];
  return verdicts.find((v) => v.status === 'passed') ?? verdicts[0]!;
}

/**
 * The check "a `name` request is rejected as the spec documents" (id `error.<name>`), for the token-endpoint
 * suite's error cases.
 */
export function rejectedAsDocumented(name: ErrorCaseName, title: string): Check<[HttpExchange, ProviderSpec]> {
  return defineCheck({
    id: `error.${name.replace(/_/g, '-')}`,
    title,
    requirement: 'RFC 6749 §5.2 and provider spec errors.cases',
    evaluate: (ex: HttpExchange, spec: ProviderSpec) => judgeRejection(ex, spec, name, `response to a ${name.replace(/_/g, ' ')} request`),
  });
}
