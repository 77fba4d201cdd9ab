/**
 * The one rule for "rejected as the spec documents this error case": every check that expects a refusal at the
 * token endpoint (an unknown client, a reused refresh token, an unknown scope...) judges through
 * {@link judgeRejection}, so the rule can't drift between suites.
 *
 * - When the spec documents the case (`errors.cases.<name>`), the status must be the documented one and, when
 *   the spec gives one, so must the `error` code.
 * - When it does not, RFC 6749 §5.2 decides: a 4xx (never a 5xx, 3xx or 2xx) whose `error` is one of the codes
 *   the RFC allows for that case, when the body is JSON.
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
};

/** Describes what a response is, for "observed" parts of messages. */
export function observedResponse(ex: HttpExchange): string {
  if (ex.failure) return `no response (${ex.failure.code}: ${ex.failure.message})`;
  const body = ex.json !== undefined ? show(ex.json) : ex.bodyText ? `non-JSON body ${show(ex.bodyText.slice(0, 80))}` : 'an empty body';
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
  const codes = RFC_ERROR_CODES[name];
  const want = `a 4xx error${b ? ` with "error" ${codes.map((c) => show(c)).join(' or ')}` : ''} and no access_token`;
  const codeOk = !b || (typeof b.error === 'string' && codes.includes(b.error));
  return isClientError(ex.status) && codeOk && !issued ? pass(`the spec documents no status for ${name}; observed ${ex.status}`) : fail(what, want, observedResponse(ex), requirement);
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
