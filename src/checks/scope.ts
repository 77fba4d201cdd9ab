/**
 * Checks on scope handling: how a token endpoint reads a scope parameter (RFC 6749 §3.3), what it says it
 * granted (§5.1), how it answers malformed or unwelcome scope values (§5.2), and whether the protected resource
 * enforces the scope of a token (RFC 6749 §7, RFC 6750 §3.1). Each check reads one exchange; the suite chooses
 * the request and the severity.
 *
 * Expectations for malformed values (judgement calls, from the RFC 6749 §3.3 grammar
 * `scope = scope-token *( SP scope-token )`, which allows repeated tokens but not empty ones):
 * - a repeated value ("read read") is grammatical and adds no access range, so it is accepted as the set;
 * - an empty item (doubled, leading or trailing delimiter) is not grammatical, so the request may be rejected
 *   (any 4xx without a token) or read with the empty items ignored, but never grants more than the non-empty
 *   items.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { bodyObject, fail, pass, show, type CheckMeta, type Outcome } from './check.ts';
import { parseChallenge } from './resource.ts';
import { observedResponse } from './token-response.ts';

/**
 * The scope value the suites use as "unknown": no provider documents it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const UNKNOWN_SCOPE = 'oauthgate-unknown-scope';


const issuedToken = (ex: HttpExchange) => ex.status === 200 && typeof bodyObject(ex)?.access_token === 'string';
const rejectedWithoutToken = (ex: HttpExchange) => ex.status !== undefined && ex.status >= 400 && ex.status < 500 && typeof bodyObject(ex)?.access_token !== 'string';

/**
 * Splits a scope string by `delimiter`, keeping empty items so that they can be reported.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function scopeItems(value: string, delimiter: string): string[] {
  return value.split(delimiter);
}

/**
 * The other of the two delimiters in use: space (RFC 6749 §3.3) and comma (AT&T, att-faq line 75).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const otherDelimiter = (delimiter: string): string => (delimiter === ' ' ? ',' : ' ');

const field = (raw: string | undefined) => (raw === undefined ? 'token response to a request without scope' : `token response to scope ${show(raw)}`);

/**
 * The `scope` member is a string whose non-empty items all appear in `allowed`. Returns the problem, or
 * undefined when it is absent or fine.
 */
function echoedBeyond(ex: HttpExchange, allowed: string[], delimiter: string): { expected: string; observed: string } | undefined {
  const v = bodyObject(ex)?.scope;
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return { expected: 'a string "scope" member', observed: `"scope" is ${show(v)}` };
  const items = scopeItems(v, delimiter);
  const extra = items.filter((s) => s !== '' && !allowed.includes(s));
  if (extra.length) return { expected: `"scope" within ${show(allowed.join(delimiter))}`, observed: `"scope" ${show(v)} (not requested: ${extra.map((s) => show(s)).join(', ')})` };
  if (v !== '' && items.includes('')) return { expected: '"scope" without empty items', observed: `"scope" ${show(v)}` };
  return undefined;
}

// ---------- accepted and granted ----------

export const delimitedScopeAccepted: CheckMeta = {
  id: 'scope.delimiter-accepted', title: 'Scope values joined with the spec\'s delimiter are accepted', requirement: 'RFC 6749 §3.3 and provider spec scope.delimiter',
};
/**
 * A request for several documented values joined with the spec's delimiter gets a token.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkDelimitedScopeAccepted(ex: HttpExchange, raw: string, requirement = 'RFC 6749 §3.3'): Outcome {
  if (issuedToken(ex)) return pass();
  return fail(field(raw), 'HTTP 200 with an access_token', observedResponse(ex), requirement);
}

export const rfcSpaceDelimiterAccepted: CheckMeta = {
  id: 'scope.rfc6749.space-delimiter-accepted', title: 'Scope values joined with spaces (the RFC\'s delimiter) are accepted', requirement: 'RFC 6749 §3.3',
};

export const grantedScopeWithinRequest: CheckMeta = {
  id: 'scope.granted-within-request', title: 'The granted scope is never more than the requested scope', requirement: 'RFC 9700 §2.3, RFC 6749 §3.3',
};
/**
 * The `scope` member of a successful response names only requested values (no escalation). An absent member
 * means the granted scope is the requested one (RFC 6749 §5.1); a spec that never echoes is probed at the
 * protected resource instead.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.3
 */
export function checkGrantedScopeWithinRequest(ex: HttpExchange, requested: string[], delimiter: string): Outcome {
  const raw = requested.join(delimiter);
  if (!issuedToken(ex)) return fail(field(raw), 'HTTP 200 with an access_token (to read the granted scope)', observedResponse(ex), 'RFC 6749 §5.1');
  if (bodyObject(ex)?.scope === undefined) return pass('no "scope" member: by RFC 6749 §5.1 the granted scope is the requested one');
  const p = echoedBeyond(ex, requested, delimiter);
  return p ? fail(field(raw), p.expected, p.observed, 'RFC 9700 §2.3') : pass();
}

export const scopeEchoMatchesSpec: CheckMeta = {
  id: 'scope.echo-as-documented', title: 'The token response carries "scope" when the spec says it does', requirement: 'RFC 6749 §5.1 and provider spec scope.echo',
};
/**
 * `scope` is present as `echo` says: `always` present, `never` absent, `when-narrowed` present whenever the
 * granted scope differs from the request (`narrowed`: the suite knows the request was narrowed).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function checkScopeEchoMatchesSpec(ex: HttpExchange, echo: ProviderSpec['scope']['echo'], narrowed = false): Outcome {
  const b = bodyObject(ex);
  if (!b || !issuedToken(ex)) return fail('token response', 'HTTP 200 with an access_token', observedResponse(ex), 'RFC 6749 §5.1');
  const v = b.scope;
  if (v !== undefined && typeof v !== 'string') return fail('"scope" in token response', 'a string', show(v), 'RFC 6749 §5.1');
  if (echo === 'always' && v === undefined) return fail('"scope" in token response', 'present', '(absent)', 'provider spec scope.echo: always');
  if (echo === 'never' && v !== undefined) return fail('"scope" in token response', 'absent', show(v), 'provider spec scope.echo: never');
  if (echo === 'when-narrowed' && narrowed && v === undefined) return fail('"scope" in token response', 'present, since the granted scope differs from the request', '(absent)', 'RFC 6749 §5.1');
  if (echo === 'when-narrowed' && v === undefined) return pass('absent: by RFC 6749 §5.1 the granted scope is the requested one');
  return pass();
}

// ---------- rejected ----------

/**
 * The response is the spec's invalid_scope error (its status, and its code when documented), or any 4xx when
 * the spec documents none; never a token.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function checkScopeRejectedAsInvalid(ex: HttpExchange, spec: ProviderSpec, raw: string, requirement = 'RFC 6749 §5.2'): Outcome {
  const c = spec.errors.cases.invalid_scope;
  const b = bodyObject(ex);
  if (!c) return rejectedWithoutToken(ex) ? pass() : fail(field(raw), 'a 4xx error without access_token', observedResponse(ex), requirement);
  const ok = ex.status === c.status && (!c.error || b?.error === c.error) && typeof b?.access_token !== 'string';
  if (ok) return pass();
  return fail(field(raw), `HTTP ${c.status}${c.error ? ` with "error" ${show(c.error)}` : ''} and no access_token`, observedResponse(ex), requirement);
}

export const unknownScopeRejected: CheckMeta = {
  id: 'scope.unknown-rejected', title: 'A request naming an unknown scope value is rejected as invalid_scope', requirement: 'RFC 6749 §5.2 and provider spec scope.unknownScope',
};
/**
 * A request with a documented and an unknown value is rejected as the spec's invalid_scope.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function checkUnknownScopeRejected(ex: HttpExchange, spec: ProviderSpec, raw: string): Outcome {
  return checkScopeRejectedAsInvalid(ex, spec, raw, 'RFC 6749 §5.2; provider spec scope.unknownScope: reject');
}

export const unknownScopeDropped: CheckMeta = {
  id: 'scope.unknown-dropped', title: 'An unknown scope value is dropped, never granted', requirement: 'RFC 6749 §3.3 and provider spec scope.unknownScope',
};
/**
 * Where the spec says unknown values are dropped: a token is issued and its `scope`, when present, names none
 * of `notGranted`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkUnknownScopeDropped(ex: HttpExchange, raw: string, notGranted: string[], delimiter: string): Outcome {
  if (!issuedToken(ex)) return fail(field(raw), 'HTTP 200 with an access_token (unknown values dropped)', observedResponse(ex), 'provider spec scope.unknownScope: drop');
  const v = bodyObject(ex)?.scope;
  const granted = typeof v === 'string' ? scopeItems(v, delimiter).filter((s) => notGranted.includes(s)) : [];
  if (granted.length) return fail(field(raw), `"scope" without ${notGranted.map((s) => show(s)).join(', ')}`, `"scope" ${show(v)}`, 'RFC 6749 §3.3');
  return pass();
}

export const otherDelimiterHandled: CheckMeta = {
  id: 'scope.other-delimiter-not-split', title: 'Scope values joined with the other delimiter are handled as the spec says, never split and granted', requirement: 'RFC 6749 §3.3 and provider spec scope.otherDelimiter',
};
/**
 * `values` joined with the delimiter the spec does not use: `reject` -> any 4xx without a token;
 * `single-unknown` -> one unknown value, so invalid_scope (or dropped, where the spec drops unknown values);
 * `accept` -> a token. Never a token whose `scope` names the values separately unless the spec accepts them.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkOtherDelimiterHandled(ex: HttpExchange, spec: ProviderSpec, values: string[]): Outcome {
  const s = spec.scope;
  const raw = values.join(otherDelimiter(s.delimiter));
  switch (s.otherDelimiter) {
    case 'accept':
      return checkDelimitedScopeAccepted(ex, raw, 'provider spec scope.otherDelimiter: accept');
    case 'reject':
      return rejectedWithoutToken(ex) ? pass() : fail(field(raw), 'a 4xx error without access_token', observedResponse(ex), 'provider spec scope.otherDelimiter: reject');
    case 'single-unknown':
      if (s.unknownScope === 'drop') return checkUnknownScopeDropped(ex, raw, values, s.delimiter);
      return checkScopeRejectedAsInvalid(ex, spec, raw, 'RFC 6749 §3.3: one unknown scope-token; provider spec scope.otherDelimiter: single-unknown');
  }
}

// ---------- missing ----------

export const missingScopeRejected: CheckMeta = {
  id: 'scope.missing-rejected', title: 'A request without scope is rejected where the grant requires scope', requirement: 'RFC 6749 §5.2, §3.3 and provider spec grants.*.scopeRequired',
};
/**
 * Where the grant requires scope, a request without it gets the spec's missing_parameter error (invalid_request,
 * RFC 6749 §5.2) or its invalid_scope error (RFC 6749 §3.3 "fail the request indicating an invalid scope").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkMissingScopeRejected(ex: HttpExchange, spec: ProviderSpec): Outcome {
  const b = bodyObject(ex);
  const cases = [spec.errors.cases.missing_parameter, spec.errors.cases.invalid_scope].filter((c) => c !== undefined);
  const matches = cases.some((c) => ex.status === c.status && (!c.error || b?.error === c.error));
  if (typeof b?.access_token !== 'string' && (matches || (cases.length === 0 && rejectedWithoutToken(ex)))) return pass();
  const expected = cases.length ? cases.map((c) => `HTTP ${c.status}${c.error ? ` with "error" ${show(c.error)}` : ''}`).join(' or ') : 'a 4xx error';
  return fail(field(undefined), `${expected} and no access_token`, observedResponse(ex), 'RFC 6749 §5.2; provider spec grants.*.scopeRequired');
}

export const missingScopeDefaulted: CheckMeta = {
  id: 'scope.missing-defaulted', title: 'A request without scope gets a default scope or invalid_scope', requirement: 'RFC 6749 §3.3',
};
/**
 * Where the grant does not require scope: RFC 6749 §3.3 says the server MUST either use a pre-defined default
 * (a token) or fail indicating an invalid scope.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkMissingScopeDefaulted(ex: HttpExchange, spec: ProviderSpec): Outcome {
  if (issuedToken(ex)) return pass();
  const c = spec.errors.cases.invalid_scope;
  const b = bodyObject(ex);
  if (b?.error === 'invalid_scope' && ex.status === (c?.status ?? 400)) return pass('rejected as invalid_scope (RFC 6749 §3.3 allows this)');
  return fail(field(undefined), `HTTP 200 with an access_token (default scope) or HTTP ${c?.status ?? 400} with "error" "invalid_scope"`, observedResponse(ex), 'RFC 6749 §3.3');
}

// ---------- malformed ----------

export const duplicateScopeAccepted: CheckMeta = {
  id: 'scope.duplicate-values-accepted', title: 'A repeated scope value is accepted as the set of values, never more', requirement: 'RFC 6749 §3.3',
};
/**
 * A request repeating a value is grammatical (RFC 6749 §3.3) and the repeat adds no access range: a token is
 * issued and its `scope`, when present, names nothing else.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkDuplicateScopeAccepted(ex: HttpExchange, raw: string, values: string[], delimiter: string): Outcome {
  if (!issuedToken(ex)) return fail(field(raw), 'HTTP 200 with an access_token (a repeated value adds nothing)', observedResponse(ex), 'RFC 6749 §3.3');
  const p = echoedBeyond(ex, values, delimiter);
  return p ? fail(field(raw), p.expected, p.observed, 'RFC 6749 §3.3') : pass();
}

export const emptyScopeItemsNotGranted: CheckMeta = {
  id: 'scope.empty-items-not-granted', title: 'Empty scope items (doubled, leading or trailing delimiter) are rejected or ignored, never granted as more', requirement: 'RFC 6749 §3.3',
};
/**
 * A request with empty items is either rejected (any 4xx without a token: it is not grammatical) or answered
 * with a token whose `scope`, when present, names only the non-empty requested values and has no empty items.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkEmptyScopeItemsNotGranted(ex: HttpExchange, raw: string, delimiter: string): Outcome {
  if (rejectedWithoutToken(ex)) return pass('rejected');
  if (!issuedToken(ex)) return fail(field(raw), 'a 4xx error without access_token, or HTTP 200 with an access_token for the non-empty items', observedResponse(ex), 'RFC 6749 §3.3');
  const values = scopeItems(raw, delimiter).filter((s) => s !== '');
  const p = echoedBeyond(ex, values, delimiter);
  return p ? fail(field(raw), p.expected, p.observed, 'RFC 6749 §3.3') : pass();
}

// ---------- at the protected resource ----------

export const requiredScopeAccepted: CheckMeta = {
  id: 'scope.resource.required-scope-accepted', title: 'A token with the resource\'s required scope is accepted there', requirement: 'RFC 6749 §7',
};
/**
 * The resource accepts (2xx) a token granted the scope it requires.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-7
 */
export function checkRequiredScopeAccepted(ex: HttpExchange, scope: string): Outcome {
  if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
  return fail(`protected resource response to a token with scope ${show(scope)}`, 'a 2xx (token accepted)', observedResponse(ex), 'RFC 6749 §7');
}

export const insufficientScopeRejected: CheckMeta = {
  id: 'scope.resource.insufficient-scope-rejected', title: 'A token without the resource\'s required scope is rejected with the documented status', requirement: 'RFC 6749 §7, RFC 6750 §3.1 and provider spec errors.cases.insufficient_scope',
};
/**
 * The resource answers `status` (spec errors.cases.insufficient_scope; RFC 6750 §3.1 says 403) to a token
 * lacking `requiredScope`.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export function checkInsufficientScopeRejected(ex: HttpExchange, requiredScope: string, status: number): Outcome {
  if (ex.status === status) return pass();
  return fail(`protected resource response to a token without scope ${show(requiredScope)}`, `HTTP ${status} (insufficient_scope)`, observedResponse(ex), 'RFC 6749 §7, RFC 6750 §3.1');
}

export const insufficientScopeChallenge: CheckMeta = {
  id: 'scope.resource.insufficient-scope-challenge', title: 'The insufficient-scope rejection carries WWW-Authenticate error="insufficient_scope"', requirement: 'RFC 6750 §3, §3.1',
};
/**
 * The rejection carries a challenge with `error="insufficient_scope"` (RFC 6750 §3: SHOULD include "error").
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function checkInsufficientScopeChallenge(ex: HttpExchange, scheme = 'Bearer'): Outcome {
  const h = ex.headers['www-authenticate'];
  const c = parseChallenge(h);
  if (c.scheme?.toLowerCase() === scheme.toLowerCase() && c.params.error === 'insufficient_scope') return pass();
  return fail('"WWW-Authenticate" header of the insufficient-scope rejection', `${scheme} ... error="insufficient_scope"`, `${show(h)} (HTTP ${ex.status ?? 'no response'})`, 'RFC 6750 §3.1');
}
