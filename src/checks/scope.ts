/**
 * Checks on scope handling: how a token endpoint reads a scope parameter (RFC 6749 §3.3), what it says it
 * granted (§5.1), how it answers malformed or unwelcome scope values (§5.2), and whether the protected resource
 * enforces the scope of a token (RFC 6749 §7, RFC 6750 §3.1). Each check reads the exchanges it is given; the
 * suite chooses the request and the severity.
 *
 * Expectations for malformed values (judgement calls, from the RFC 6749 §3.3 grammar
 * `scope = scope-token *( SP scope-token )`, which allows repeated tokens but not empty ones):
 * - a repeated value ("read read") is grammatical and adds no access range, so it is accepted as the set;
 * - an empty item (doubled, leading or trailing delimiter) is not grammatical, so the request may be rejected
 *   (any 4xx without a token) or read with the empty items ignored, but never grants more than the non-empty
 *   items.
 *
 * Every refusal the RFC names a code for (an unknown scope, a missing one) is judged by the one rejection rule,
 * {@link judgeRejection}.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { bodyObject, defineCheck, fail, isClientError, notApplicable, pass, show, type Outcome } from './check.ts';
import { judgeRejection, observedResponse } from './rejection.ts';
import { parseChallenge } from './resource.ts';

/**
 * The scope value the suites use as "unknown": no provider documents it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const UNKNOWN_SCOPE = 'oauthgate-unknown-scope';

const issuedToken = (ex: HttpExchange) => ex.status === 200 && typeof bodyObject(ex)?.access_token === 'string';
const refusedWithoutToken = (ex: HttpExchange) => isClientError(ex.status) && typeof bodyObject(ex)?.access_token !== 'string';

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

/**
 * Where the spec's scope rule comes from, for messages: its first source line, else its standard.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function scopeSource(spec: ProviderSpec): string {
  const src = spec.scope.source?.[0];
  return src ? `${src.doc} line ${src.line}` : (spec.scope.standard ?? 'RFC 6749 §3.3');
}

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

/**
 * A token was issued for the scope `raw`; `requirement` names the rule that says it must be.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function judgeScopeAccepted(ex: HttpExchange, raw: string, requirement: string): Outcome {
  if (issuedToken(ex)) return pass();
  return fail(field(raw), 'HTTP 200 with an access_token', observedResponse(ex), requirement);
}

/**
 * A token was issued and its `scope`, when present, names none of `notGranted` (the values the spec says are
 * dropped).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function judgeUnknownDropped(ex: HttpExchange, raw: string, notGranted: string[], delimiter: string): Outcome {
  if (!issuedToken(ex)) return fail(field(raw), 'HTTP 200 with an access_token (unknown values dropped)', observedResponse(ex), 'provider spec scope.unknownScope: drop');
  const v = bodyObject(ex)?.scope;
  const granted = typeof v === 'string' ? scopeItems(v, delimiter).filter((s) => notGranted.includes(s)) : [];
  if (granted.length) return fail(field(raw), `"scope" without ${notGranted.map((s) => show(s)).join(', ')}`, `"scope" ${show(v)}`, 'RFC 6749 §3.3');
  return pass();
}

// ---------- accepted and granted ----------

/**
 * A request for several documented values joined with the spec's delimiter gets a token. Inputs: the response,
 * the scope sent, the spec (whose scope source the message cites).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const delimitedScopeAccepted = defineCheck({
  id: 'scope.delimiter-accepted',
  title: 'Scope values joined with the spec\'s delimiter are accepted',
  requirement: 'RFC 6749 §3.3 and provider spec scope.delimiter',
  evaluate: (ex: HttpExchange, raw: string, spec: ProviderSpec) => judgeScopeAccepted(ex, raw, scopeSource(spec)),
});

/**
 * A request for several values joined with spaces gets a token (RFC 6749 §3.3: "space-delimited"). Inputs: the
 * response and the scope sent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const rfcSpaceDelimiterAccepted = defineCheck({
  id: 'scope.rfc6749.space-delimiter-accepted',
  title: 'Scope values joined with spaces (the RFC\'s delimiter) are accepted',
  requirement: 'RFC 6749 §3.3',
  evaluate: (ex: HttpExchange, raw: string) => judgeScopeAccepted(ex, raw, 'RFC 6749 §3.3'),
});

/**
 * The `scope` member of a successful response names only requested values (no escalation). An absent member
 * means the granted scope is the requested one (RFC 6749 §5.1); a spec that never echoes is probed at the
 * protected resource instead. Inputs: the response, the values requested, the spec's delimiter.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.3
 */
export const grantedScopeWithinRequest = defineCheck({
  id: 'scope.granted-within-request',
  title: 'The granted scope is never more than the requested scope',
  requirement: 'RFC 9700 §2.3, RFC 6749 §3.3',
  evaluate(ex: HttpExchange, requested: string[], delimiter: string): Outcome {
    const raw = requested.join(delimiter);
    if (!issuedToken(ex)) return fail(field(raw), 'HTTP 200 with an access_token (to read the granted scope)', observedResponse(ex), 'RFC 6749 §5.1');
    if (bodyObject(ex)?.scope === undefined) return pass('no "scope" member: by RFC 6749 §5.1 the granted scope is the requested one');
    const p = echoedBeyond(ex, requested, delimiter);
    return p ? fail(field(raw), p.expected, p.observed, 'RFC 9700 §2.3') : pass();
  },
});

/**
 * `scope` is present as `echo` says: `always` present, `never` absent, `when-narrowed` present whenever the
 * granted scope differs from the request (`narrowed`: the suite knows the request was narrowed).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const scopeEchoMatchesSpec = defineCheck({
  id: 'scope.echo-as-documented',
  title: 'The token response carries "scope" when the spec says it does',
  requirement: 'RFC 6749 §5.1 and provider spec scope.echo',
  evaluate(ex: HttpExchange, echo: ProviderSpec['scope']['echo'], narrowed: boolean): Outcome {
    const b = bodyObject(ex);
    if (!b || !issuedToken(ex)) return fail('token response', 'HTTP 200 with an access_token', observedResponse(ex), 'RFC 6749 §5.1');
    const v = b.scope;
    if (v !== undefined && typeof v !== 'string') return fail('"scope" in token response', 'a string', show(v), 'RFC 6749 §5.1');
    if (echo === 'always' && v === undefined) return fail('"scope" in token response', 'present', '(absent)', 'provider spec scope.echo: always');
    if (echo === 'never' && v !== undefined) return fail('"scope" in token response', 'absent', show(v), 'provider spec scope.echo: never');
    if (echo === 'when-narrowed' && narrowed && v === undefined) return fail('"scope" in token response', 'present, since the granted scope differs from the request', '(absent)', 'RFC 6749 §5.1');
    if (echo === 'when-narrowed' && v === undefined) return pass('absent: by RFC 6749 §5.1 the granted scope is the requested one');
    return pass();
  },
});

// ---------- rejected ----------

/**
 * The one owner of "an unknown scope value is refused" (issue 8 item 6): a request with a documented and an
 * unknown value gets a 4xx without a token. RFC 6749 §3.3 lets a server "fully or partially ignore the scope
 * requested", so this holds only where the spec says so (`scope.unknownScope: reject`; the suite chooses the
 * severity from where that value comes from). The error code of the refusal is `error.invalid-scope`'s concern.
 * Inputs: the response, the scope sent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const unknownScopeRejected = defineCheck({
  id: 'scope.unknown-rejected',
  title: 'A request naming an unknown scope value is refused, as the spec says',
  requirement: 'RFC 6749 §3.3, §5.2 and provider spec scope.unknownScope',
  evaluate(ex: HttpExchange, raw: string): Outcome {
    if (refusedWithoutToken(ex)) return pass();
    return fail(field(raw), 'a 4xx error without access_token (the unknown value refused)', observedResponse(ex), 'provider spec scope.unknownScope: reject; RFC 6749 §3.3 alone would let the server ignore it');
  },
});

/**
 * Whether a response to a request with an unknown scope value is a refusal for `error.invalid-scope` to judge:
 * undefined when it is; otherwise the reason that check does not apply (the server ignored the value, which
 * RFC 6749 §3.3 allows and `scope.unknown-rejected` judges against the spec).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function unknownScopeNotRefused(ex: HttpExchange): string | undefined {
  if (!issuedToken(ex)) return undefined;
  return `the server issued a token for the unknown scope value (RFC 6749 §3.3: it "MAY fully or partially ignore the scope requested"), so there is no invalid_scope error to judge; whether it must refuse is scope.unknown-rejected's concern`;
}

/**
 * Where the spec says unknown values are dropped: a token is issued and its `scope`, when present, names none
 * of `notGranted`. Inputs: the response, the scope sent, the unknown values, the spec's delimiter.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const unknownScopeDropped = defineCheck({
  id: 'scope.unknown-dropped',
  title: 'An unknown scope value is dropped, never granted',
  requirement: 'RFC 6749 §3.3 and provider spec scope.unknownScope',
  evaluate: (ex: HttpExchange, raw: string, notGranted: string[], delimiter: string) => judgeUnknownDropped(ex, raw, notGranted, delimiter),
});

/**
 * `values` joined with the delimiter the spec does not use: `reject` -> any 4xx without a token; `accept` -> a
 * token; `single-unknown` -> never split: a refusal, or a token whose `scope` does not name the values separately.
 * Whether the one unknown value must be refused is `scope.unknown-rejected`'s concern, not this check's
 * (issue 8 item 6): a server ignoring unknown values may answer with a token. Without a `scope` member the granted
 * scope is the requested one (RFC 6749 §5.1), a single value; where the spec says responses never carry `scope`,
 * splitting cannot be seen and the check does not apply. Inputs: the response, the spec, the values sent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const otherDelimiterHandled = defineCheck({
  id: 'scope.other-delimiter-not-split',
  title: 'Scope values joined with the other delimiter are handled as the spec says, never split and granted',
  requirement: 'RFC 6749 §3.3 and provider spec scope.otherDelimiter',
  evaluate(ex: HttpExchange, spec: ProviderSpec, values: string[]): Outcome {
    const s = spec.scope;
    const raw = values.join(otherDelimiter(s.delimiter));
    switch (s.otherDelimiter) {
      case 'accept':
        return judgeScopeAccepted(ex, raw, 'provider spec scope.otherDelimiter: accept');
      case 'reject':
        return refusedWithoutToken(ex) ? pass() : fail(field(raw), 'a 4xx error without access_token', observedResponse(ex), 'provider spec scope.otherDelimiter: reject');
      case 'single-unknown':
        return judgeNotSplit(ex, raw, values, s);
    }
  },
});

/**
 * `raw` (the values joined with the other delimiter) was not split into the separate `values`: refused, or a token
 * whose `scope` names none of them as an item of its own (see {@link otherDelimiterHandled}).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function judgeNotSplit(ex: HttpExchange, raw: string, values: string[], s: ProviderSpec['scope']): Outcome {
  if (refusedWithoutToken(ex)) return pass('refused');
  if (!issuedToken(ex)) return fail(field(raw), 'a 4xx error without access_token, or HTTP 200 with an access_token', observedResponse(ex), 'RFC 6749 §3.3');
  const v = bodyObject(ex)?.scope;
  if (v === undefined) {
    if (s.echo === 'never') return notApplicable('the token response carries no "scope" (the spec says it never does), so whether the values were split cannot be seen');
    return pass('no "scope" member: by RFC 6749 §5.1 the granted scope is the requested one, a single value');
  }
  const items = typeof v === 'string' ? scopeItems(v, s.delimiter) : [];
  const split = values.filter((x) => items.includes(x));
  if (split.length < 2) return pass();
  return fail(field(raw), `one scope-token ${show(raw)} (RFC 6749 §3.3: "${s.delimiter === ' ' ? ' ' : ','}" delimits), never the values granted separately`, `"scope" ${show(v)} (split into ${split.map((x) => show(x)).join(', ')})`, 'RFC 6749 §3.3; provider spec scope.otherDelimiter: single-unknown');
}

// ---------- missing ----------

/**
 * Where the grant requires scope, a request without it is rejected, by the one rejection rule, either as the
 * spec's missing_parameter case (RFC 6749 §5.2 invalid_request: "missing a required parameter") or as its
 * invalid_scope case (RFC 6749 §3.3: "fail the request indicating an invalid scope"). Inputs: the response,
 * the spec.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const missingScopeRejected = defineCheck({
  id: 'scope.missing-rejected',
  title: 'A request without scope is rejected where the grant requires scope',
  requirement: 'RFC 6749 §5.2, §3.3 and provider spec grants.*.scopeRequired',
  evaluate(ex: HttpExchange, spec: ProviderSpec): Outcome {
    const requirement = 'RFC 6749 §5.2, §3.3; provider spec grants.*.scopeRequired';
    const asMissing = judgeRejection(ex, spec, 'missing_parameter', field(undefined), requirement);
    const asInvalid = judgeRejection(ex, spec, 'invalid_scope', field(undefined), requirement);
    if (asMissing.status === 'passed') return asMissing;
    if (asInvalid.status === 'passed') return asInvalid;
    const expected = [asMissing, asInvalid].map((o) => (o.status === 'failed' ? o.expected : undefined)).filter((e) => e !== undefined).join(' or ');
    return fail(field(undefined), expected, observedResponse(ex), requirement);
  },
});

/**
 * Where the grant does not require scope: RFC 6749 §3.3 says the server "MUST either process the request using
 * a pre-defined default value or fail the request indicating an invalid scope": a token, or the spec's
 * invalid_scope error by the one rejection rule. Inputs: the response, the spec.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const missingScopeDefaulted = defineCheck({
  id: 'scope.missing-defaulted',
  title: 'A request without scope gets a default scope or invalid_scope',
  requirement: 'RFC 6749 §3.3',
  evaluate(ex: HttpExchange, spec: ProviderSpec): Outcome {
    if (issuedToken(ex)) return pass();
    const refused = judgeRejection(ex, spec, 'invalid_scope', field(undefined), 'RFC 6749 §3.3');
    if (refused.status === 'passed') return pass('rejected as invalid_scope (RFC 6749 §3.3 allows this)');
    const asInvalid = refused.status === 'failed' ? refused.expected : 'invalid_scope';
    return fail(field(undefined), `HTTP 200 with an access_token (default scope) or ${asInvalid}`, observedResponse(ex), 'RFC 6749 §3.3');
  },
});

// ---------- malformed ----------

/**
 * A request repeating a value is grammatical (RFC 6749 §3.3) and the repeat adds no access range: a token is
 * issued and its `scope`, when present, names nothing else. Inputs: the response, the scope sent, the distinct
 * values in it, the spec's delimiter.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const duplicateScopeAccepted = defineCheck({
  id: 'scope.duplicate-values-accepted',
  title: 'A repeated scope value is accepted as the set of values, never more',
  requirement: 'RFC 6749 §3.3',
  evaluate(ex: HttpExchange, raw: string, values: string[], delimiter: string): Outcome {
    if (!issuedToken(ex)) return fail(field(raw), 'HTTP 200 with an access_token (a repeated value adds nothing)', observedResponse(ex), 'RFC 6749 §3.3');
    const p = echoedBeyond(ex, values, delimiter);
    return p ? fail(field(raw), p.expected, p.observed, 'RFC 6749 §3.3') : pass();
  },
});

/** One request with empty scope items and its response. */
export interface ScopeAttempt {
  /** The scope value sent. */
  raw: string;
  ex: HttpExchange;
}

/**
 * One request with empty items is either rejected (any 4xx without a token: it is not grammatical) or answered
 * with a token whose `scope`, when present, names only the non-empty requested values and has no empty items.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function judgeEmptyItems({ raw, ex }: ScopeAttempt, delimiter: string): Outcome {
  if (refusedWithoutToken(ex)) return pass('rejected');
  if (!issuedToken(ex)) return fail(field(raw), 'a 4xx error without access_token, or HTTP 200 with an access_token for the non-empty items', observedResponse(ex), 'RFC 6749 §3.3');
  const values = scopeItems(raw, delimiter).filter((s) => s !== '');
  const p = echoedBeyond(ex, values, delimiter);
  return p ? fail(field(raw), p.expected, p.observed, 'RFC 6749 §3.3') : pass();
}

/**
 * Each request with empty items (doubled, trailing, leading delimiter) passes {@link judgeEmptyItems}; the first
 * that does not is reported. Inputs: the attempts, the spec's delimiter.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const emptyScopeItemsNotGranted = defineCheck({
  id: 'scope.empty-items-not-granted',
  title: 'Empty scope items (doubled, leading or trailing delimiter) are rejected or ignored, never granted as more',
  requirement: 'RFC 6749 §3.3',
  evaluate(attempts: ScopeAttempt[], delimiter: string): Outcome {
    if (attempts.length === 0) return notApplicable('no request with empty scope items was sent');
    const outcomes = attempts.map((a) => judgeEmptyItems(a, delimiter));
    return outcomes.find((o) => o.status === 'failed') ?? outcomes[0]!;
  },
});

// ---------- at the protected resource ----------

/**
 * The resource accepts (2xx) a token granted the scope it requires. Inputs: the resource's response, the
 * required scope.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-7
 */
export const requiredScopeAccepted = defineCheck({
  id: 'scope.resource.required-scope-accepted',
  title: 'A token with the resource\'s required scope is accepted there',
  requirement: 'RFC 6749 §7',
  evaluate(ex: HttpExchange, scope: string): Outcome {
    if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
    return fail(`protected resource response to a token with scope ${show(scope)}`, 'a 2xx (token accepted)', observedResponse(ex), 'RFC 6749 §7');
  },
});

/**
 * The resource answers `status` (spec errors.cases.insufficient_scope; RFC 6750 §3.1 says 403) to a token
 * lacking `requiredScope`. Inputs: the resource's response, the required scope, the documented status.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export const insufficientScopeRejected = defineCheck({
  id: 'scope.resource.insufficient-scope-rejected',
  title: 'A token without the resource\'s required scope is rejected with the documented status',
  requirement: 'RFC 6749 §7, RFC 6750 §3.1 and provider spec errors.cases.insufficient_scope',
  evaluate(ex: HttpExchange, requiredScope: string, status: number): Outcome {
    if (ex.status === status) return pass();
    return fail(`protected resource response to a token without scope ${show(requiredScope)}`, `HTTP ${status} (insufficient_scope)`, observedResponse(ex), 'RFC 6749 §7, RFC 6750 §3.1');
  },
});

/**
 * The rejection carries a challenge of `scheme` with `error="insufficient_scope"` (RFC 6750 §3: SHOULD include
 * "error"). Inputs: the resource's response, the scheme (Bearer unless the spec says otherwise).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export const insufficientScopeChallenge = defineCheck({
  id: 'scope.resource.insufficient-scope-challenge',
  title: 'The insufficient-scope rejection carries WWW-Authenticate error="insufficient_scope"',
  requirement: 'RFC 6750 §3, §3.1',
  evaluate(ex: HttpExchange, scheme: string): Outcome {
    const h = ex.headers['www-authenticate'];
    const c = parseChallenge(h);
    if (c.scheme?.toLowerCase() === scheme.toLowerCase() && c.params.error === 'insufficient_scope') return pass();
    return fail('"WWW-Authenticate" header of the insufficient-scope rejection', `${scheme} ... error="insufficient_scope"`, `${show(h)} (HTTP ${ex.status ?? 'no response'})`, 'RFC 6750 §3.1');
  },
});
