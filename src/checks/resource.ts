/**
 * Checks on protected-resource responses (RFC 6750): a token accepted, a token refused with the spec's status,
 * and the Bearer challenge that comes with a refusal. Plus the WWW-Authenticate parsing other checks share.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
import type { HttpExchange } from '../http/types.ts';
import { defineCheck, fail, isClientError, pass, show, type Check, type CheckMeta, type Outcome } from './check.ts';
import { observedResponse } from './rejection.ts';

/** An RFC 9110 token (an auth-scheme or auth-param name). */
const TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";

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

/** Splits a header value at commas outside quoted strings. */
function splitOutsideQuotes(value: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      cur += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/**
 * The auth-schemes (lower-cased) of every challenge in a WWW-Authenticate value, which may list several
 * (`Bearer realm="a", Basic realm="b"`; repeated headers arrive joined with ", "). An element that starts with a
 * token followed by `=` is an auth-param of the previous challenge, not a scheme.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-11.6.1
 */
export function challengeSchemes(value: string | undefined): string[] {
  if (!value) return [];
  const schemes: string[] = [];
  for (const part of splitOutsideQuotes(value)) {
    const m = new RegExp(`^\\s*(${TOKEN})(\\s*=)?`).exec(part);
    if (m && !m[2]) schemes.push(m[1]!.toLowerCase());
  }
  return schemes;
}

/**
 * The resource accepted the call (2xx): the token works (RFC 6750 §2). A helper for suites that compose it.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 */
export function checkResourceAccepts(ex: HttpExchange): Outcome {
  if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
  return fail('protected resource response', 'a 2xx (token accepted)', observedResponse(ex), 'RFC 6750 §2');
}

/**
 * Factory: a check that the protected resource accepted a call (2xx), under the id of the flow that obtained
 * the token (`grant.password.end-to-end`...).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 */
export function acceptedAtResource(meta: CheckMeta): Check<[HttpExchange]> {
  return defineCheck({ ...meta, evaluate: checkResourceAccepts });
}

/**
 * The response carries a `WWW-Authenticate` challenge with the `scheme` scheme (RFC 6750 §3: "If the protected
 * resource request does not include authentication credentials or does not contain an access token that enables
 * access to the protected resource, the resource server MUST include the HTTP "WWW-Authenticate" response header
 * field"). Any of several challenges may carry it (RFC 9110 §11.6.1).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function judgeChallengeScheme(ex: HttpExchange, scheme: string, what = 'the rejection'): Outcome {
  const header = ex.headers['www-authenticate'];
  if (challengeSchemes(header).includes(scheme.toLowerCase())) return pass();
  return fail(`"WWW-Authenticate" header on ${what}`, `a challenge with the ${scheme} scheme`, show(header), 'RFC 6750 §3');
}

/**
 * The protected resource refused a token that no longer enables access (expired, revoked, replaced) with the
 * spec's invalid-token status (`errors.cases.invalid_token`; RFC 6750 §3.1: "The resource SHOULD respond with
 * the HTTP 401 (Unauthorized) status code"). Only a 4xx is a refusal: a 5xx is a server failure, never a
 * rejection, even where a spec names one. `why` says what should have ended the token ("token revoked").
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function judgeRefusedAtResource(ex: HttpExchange, status: number, what: string, why: string | undefined, requirement: string): Outcome {
  if (isClientError(ex.status) && ex.status === status) return pass();
  return fail(what, `HTTP ${status}${why ? ` (${why})` : ''}`, observedResponse(ex), requirement);
}

/** The one refusal rule at the resource, without a reason for the refusal (see {@link judgeRefusedAtResource}). */
export function checkResourceRejects(ex: HttpExchange, status: number, what: string, requirement = 'RFC 6750 §3.1'): Outcome {
  return judgeRefusedAtResource(ex, status, what, undefined, requirement);
}

/**
 * Factory: a check that the resource refused a call with the spec's status for an invalid token (evaluate's
 * second argument); `what` names the call in messages.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function rejectedAtResource(meta: CheckMeta, what: string): Check<[HttpExchange, number]> {
  return defineCheck({ ...meta, evaluate: (ex: HttpExchange, status: number) => checkResourceRejects(ex, status, what, meta.requirement) });
}

/**
 * An invalid, expired or revoked token gets the spec's status (401 by default) and a challenge in the spec's
 * scheme with `error="invalid_token"`: "The access token provided is expired, revoked, malformed, or invalid for
 * other reasons. The resource SHOULD respond with the HTTP 401 (Unauthorized) status code."
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export const invalidTokenChallenge = defineCheck({
  id: 'resource.invalid-token-challenge',
  title: 'A rejected token gets 401 with WWW-Authenticate error="invalid_token"',
  requirement: 'RFC 6750 §3.1',
  evaluate(ex: HttpExchange, status: number = 401, scheme: string = 'Bearer'): Outcome {
    if (ex.status !== status) return fail('resource response to a rejected token', `HTTP ${status}`, observedResponse(ex), 'RFC 6750 §3.1');
    const c = parseChallenge(ex.headers['www-authenticate']);
    if (c.scheme?.toLowerCase() !== scheme.toLowerCase() || c.params.error !== 'invalid_token') {
      return fail('"WWW-Authenticate" header', `${scheme} ... error="invalid_token"`, show(ex.headers['www-authenticate']), 'RFC 6750 §3.1');
    }
    return pass();
  },
});

/** {@link invalidTokenChallenge} as a function, for the suites that still call it so. */
export const checkInvalidTokenChallenge = (ex: HttpExchange, status = 401, scheme = 'Bearer'): Outcome => invalidTokenChallenge.evaluate(ex, status, scheme);
