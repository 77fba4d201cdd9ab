/**
 * Checks on protected-resource responses (RFC 6750).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
import type { HttpExchange } from '../http/types.ts';
import { fail, pass, show, type CheckMeta, type Outcome } from './check.ts';
import { observedResponse } from './token-response.ts';

/** The resource accepted the call (2xx). */
export function checkResourceAccepts(ex: HttpExchange): Outcome {
  if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
  return fail('protected resource response', 'a 2xx (token accepted)', observedResponse(ex), 'RFC 6750 §2');
}

/** Parses the auth-params of a WWW-Authenticate challenge: `Bearer realm="x", error="invalid_token"`. */
export function parseChallenge(value: string | undefined): { scheme?: string; params: Record<string, string> } {
  if (!value) return { params: {} };
  const m = /^\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)\s*(.*)$/.exec(value);
  const params: Record<string, string> = {};
  if (!m) return { params };
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let x; (x = re.exec(m[2] ?? '')); ) params[x[1]!.toLowerCase()] = x[2] ?? x[3] ?? '';
  return { scheme: m[1], params };
}

export const invalidTokenChallenge: CheckMeta = { id: 'resource.invalid-token-challenge', title: 'A rejected token gets 401 with WWW-Authenticate error="invalid_token"', requirement: 'RFC 6750 §3.1' };
/** RFC 6750 §3.1: an invalid/expired/revoked token gets the spec's status and a challenge with error="invalid_token". */
export function checkInvalidTokenChallenge(ex: HttpExchange, status = 401, scheme = 'Bearer'): Outcome {
  if (ex.status !== status) return fail('resource response to a rejected token', `HTTP ${status}`, observedResponse(ex), 'RFC 6750 §3.1');
  const c = parseChallenge(ex.headers['www-authenticate']);
  if (c.scheme?.toLowerCase() !== scheme.toLowerCase() || c.params.error !== 'invalid_token') {
    return fail('"WWW-Authenticate" header', `${scheme} ... error="invalid_token"`, show(ex.headers['www-authenticate']), 'RFC 6750 §3.1');
  }
  return pass();
}

/** The resource rejected the call with `status` (token-level rejection, challenge not inspected). */
export function checkResourceRejects(ex: HttpExchange, status: number, what: string, requirement = 'RFC 6750 §3.1'): Outcome {
  if (ex.status === status) return pass();
  return fail(what, `HTTP ${status}`, observedResponse(ex), requirement);
}
