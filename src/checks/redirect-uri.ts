/**
 * Checks on redirect-URI matching at the authorization endpoint: which redirect URIs a server accepts for a
 * client, that it never redirects to one it rejects, and what the redirect carries (state, code or token).
 *
 * A redirect "goes to" a URI when its Location, with the authorization-response parameters the server adds
 * (code, state, error, access_token, ...) taken out, is that URI after RFC 3986 normalisation (dot-segments
 * resolved): same scheme, userinfo, host, port, path, remaining query parameters and fragment.
 *
 * The probes are derived from the registered redirect URI, so they work for any client: the AT&T FAQ's
 * examples (att-faq lines 126-132) are the transformations the FAQ applies to https://yourdomain.com/abc.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1
 */
import type { HttpExchange } from '../http/types.ts';
import { defineCheck, fail, notApplicable, pass, show, type Check, type CheckMeta, type Outcome } from './check.ts';
import { observedResponse } from './rejection.ts';

/** Parameters an authorization server adds to a redirect (RFC 6749 §4.1.2, §4.2.2, §4.1.2.1; RFC 9207). */
const RESPONSE_PARAMS = new Set(['code', 'state', 'error', 'error_description', 'error_uri', 'iss', 'access_token', 'token_type', 'expires_in', 'scope', 'id_token', 'session_state']);

/**
 * The Location of a 3xx response, or undefined when the response is not a redirect.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.2
 */
export function redirectLocation(ex: HttpExchange): string | undefined {
  return ex.status !== undefined && ex.status >= 300 && ex.status < 400 ? ex.headers.location : undefined;
}

/**
 * The authorization-response parameters of a redirect, from its query and its fragment.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export function responseParams(location: string | undefined): { query: URLSearchParams; fragment: URLSearchParams } {
  try {
    const u = new URL(location ?? '');
    return { query: u.searchParams, fragment: new URLSearchParams(u.hash.slice(1)) };
  } catch {
    return { query: new URLSearchParams(), fragment: new URLSearchParams() };
  }
}

const remaining = (p: URLSearchParams) => [...p].filter(([k]) => !RESPONSE_PARAMS.has(k)).map(([k, v]) => `${k}=${v}`).sort().join('&');

/**
 * Whether a redirect to `location` goes to `target` (see the module comment). Either unparsable: false.
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4
 */
export function redirectGoesTo(location: string, target: string): boolean {
  let l: URL;
  let t: URL;
  try {
    l = new URL(location);
    t = new URL(target);
  } catch {
    return false;
  }
  return l.protocol === t.protocol && l.username === t.username && l.password === t.password && l.host === t.host && l.pathname === t.pathname
    && remaining(l.searchParams) === remaining(t.searchParams)
    && remaining(new URLSearchParams(l.hash.slice(1))) === remaining(new URLSearchParams(t.hash.slice(1)));
}

/**
 * What came back, for "observed" parts of messages: the redirect's Location or the response.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export function observedAuthorization(ex: HttpExchange): string {
  const loc = redirectLocation(ex);
  if (loc !== undefined) return `HTTP ${ex.status} redirect to ${show(loc)}`;
  if (ex.status !== undefined && ex.status >= 300 && ex.status < 400) return `HTTP ${ex.status} without a Location header`;
  return observedResponse(ex);
}

/** What an authorization request asks for: a code (RFC 6749 §4.1) or, for the implicit grant, a token (§4.2). */
export type ResponseType = 'code' | 'token';

const carries = (loc: string, responseType: ResponseType) =>
  responseType === 'code' ? responseParams(loc).query.get('code') : responseParams(loc).fragment.get('access_token');
const whatIsCarried = (responseType: ResponseType) => (responseType === 'code' ? '"code" in the query' : '"access_token" in the fragment');

/**
 * Why a rejection that was not observed is not conclusive without autoConsent: a login page and an error page
 * cannot be told apart.
 */
export const INCONCLUSIVE_WITHOUT_CONSENT = 'no redirect to the probe, but without autoConsent a login page and an error page cannot be told apart';

/**
 * Without autoConsent only a failure (a redirect that should not have happened) is conclusive; anything else is
 * not applicable, never a silent pass.
 */
const conclusive = (o: Outcome, autoConsent: boolean): Outcome => (autoConsent || o.status === 'failed' ? o : notApplicable(INCONCLUSIVE_WITHOUT_CONSENT));

// ---------- accepted ----------

/**
 * The authorization request was accepted for `expected`: a redirect to exactly that URI carrying the
 * authorization response (`code` in the query, or `access_token` in the fragment for the implicit grant).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export function judgeRedirectAccepted(ex: HttpExchange, expected: string, responseType: ResponseType, requirement: string): Outcome {
  const loc = redirectLocation(ex);
  const what = `authorization response for redirect URI ${show(expected)}`;
  const want = `a redirect to it carrying ${whatIsCarried(responseType)}`;
  if (!loc || !redirectGoesTo(loc, expected) || !carries(loc, responseType)) return fail(what, want, observedAuthorization(ex), requirement);
  return pass();
}

/** A check that a redirect URI is accepted. Inputs: the authorization response, the URI, the response type. */
export type RedirectAcceptedCheck = Check<[ex: HttpExchange, expected: string, responseType: ResponseType]>;

/**
 * The check "the authorization request is accepted for the given redirect URI" (see {@link judgeRedirectAccepted}),
 * citing `meta.requirement`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2
 */
export function redirectAccepted(meta: CheckMeta): RedirectAcceptedCheck {
  return defineCheck({ ...meta, evaluate: (ex: HttpExchange, expected: string, responseType: ResponseType) => judgeRedirectAccepted(ex, expected, responseType, meta.requirement) });
}

/**
 * Authorizing with the registered redirect URI is answered with a redirect to it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2
 */
export const registeredUriAccepted = redirectAccepted({
  id: 'redirect-uri.registered-accepted', title: 'The registered redirect URI is accepted and redirected to', requirement: 'RFC 6749 §3.1.2',
});

/**
 * Authorizing without redirect_uri is answered with a redirect to the registered URI, where the spec says so.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2.3
 */
export const absentFallsBack = redirectAccepted({
  id: 'redirect-uri.absent-falls-back', title: 'An absent redirect_uri falls back to the registered URI', requirement: 'att-faq line 124 and provider spec redirectUri.fallbackToRegistered',
});

// ---------- rejected ----------

/**
 * The server did not redirect to the rejected `probe` (any non-3xx, or a redirect elsewhere): it neither
 * accepted it nor sent the error there.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export function judgeRedirectUriRejected(ex: HttpExchange, probe: string, requirement: string): Outcome {
  const loc = redirectLocation(ex);
  if (!loc || !redirectGoesTo(loc, probe)) return pass();
  const p = responseParams(loc);
  const how = p.query.has('code') || p.fragment.has('access_token') ? ' (accepted: an authorization response went there)' : p.query.has('error') || p.fragment.has('error') ? ' (the error went there)' : '';
  return fail(`authorization response for redirect URI ${show(probe)}`, 'no redirect to that URI (the error shown to the user)', `${observedAuthorization(ex)}${how}`, requirement);
}

/**
 * A check that a redirect URI is rejected. Inputs: the authorization response, the URI, whether the target
 * declares autoConsent.
 */
export type RedirectRejectedCheck = Check<[ex: HttpExchange, probe: string, autoConsent: boolean]>;

/**
 * The check "the redirect URI is rejected and never redirected to" (see {@link judgeRedirectUriRejected}),
 * citing `meta.requirement`. Without autoConsent only a redirect to the probe is conclusive (a failure);
 * otherwise the check is not applicable.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1
 */
export function redirectRejected(meta: CheckMeta): RedirectRejectedCheck {
  return defineCheck({
    ...meta,
    evaluate: (ex: HttpExchange, probe: string, autoConsent: boolean) => conclusive(judgeRedirectUriRejected(ex, probe, meta.requirement), autoConsent),
  });
}

/**
 * A redirect URI on a host the client never registered is rejected, and the error is shown to the user, not
 * redirected (RFC 6749 §4.1.2.1: "MUST NOT automatically redirect the user-agent to the invalid redirection URI").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export const errorNotRedirected = redirectRejected({
  id: 'redirect-uri.error-not-redirected', title: 'A rejected redirect URI is never redirected to; the error is shown', requirement: 'RFC 6749 §4.1.2.1',
});

/**
 * An authorization request without redirect_uri is not answered with an authorization response: no redirect
 * carrying a code or a token, wherever it goes (an error page, or an error redirected to the registered URI,
 * is fine). Used where the spec says there is no fallback. Judgement call: RFC 6749 §3.1.2.3 lets a server
 * use the registered URI when exactly one complete URI is registered, so a server that does so conforms to
 * the RFC but not to a spec that declares `fallbackToRegistered: false`; the suite applies this at SHOULD, and a
 * target whose server falls back should say so in its spec. Inputs: the authorization response, whether the
 * target declares autoConsent (without it, only a failure is conclusive).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2.3
 */
export const absentRejected = defineCheck({
  id: 'redirect-uri.absent-rejected',
  title: 'An absent redirect_uri is rejected where the spec requires it',
  requirement: 'RFC 6749 §3.1.2.3 and provider spec redirectUri.fallbackToRegistered',
  evaluate(ex: HttpExchange, autoConsent: boolean): Outcome {
    const loc = redirectLocation(ex);
    const p = responseParams(loc);
    if (!loc || (!p.query.has('code') && !p.fragment.has('access_token'))) return conclusive(pass(), autoConsent);
    return fail('authorization response to a request without redirect_uri', 'an error, with no code or token issued (provider spec redirectUri.fallbackToRegistered: false)', observedAuthorization(ex), 'RFC 6749 §3.1.2.3');
  },
});

// ---------- what the redirect carries ----------

/**
 * The redirect carries `state` exactly as sent (query for code, fragment for the implicit grant). Inputs: the
 * authorization response, the state sent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export const statePreserved = defineCheck({
  id: 'redirect-uri.state-preserved',
  title: 'state comes back unchanged on the redirect',
  requirement: 'RFC 6749 §4.1.2, §4.2.2',
  evaluate(ex: HttpExchange, state: string): Outcome {
    const loc = redirectLocation(ex);
    if (!loc) return fail('"state" in the authorization response', `${show(state)} on a redirect`, observedAuthorization(ex), 'RFC 6749 §4.1.2');
    const p = responseParams(loc);
    const got = p.query.get('state') ?? p.fragment.get('state') ?? undefined;
    if (got !== state) return fail('"state" in the authorization response', show(state), show(got), 'RFC 6749 §4.1.2');
    return pass();
  },
});

/**
 * An implicit-grant redirect carries `access_token` in the fragment and not in the query (a query reaches
 * server logs and Referer headers). Inputs: the authorization response.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.2.2
 */
export const implicitTokenInFragment = defineCheck({
  id: 'redirect-uri.implicit.token-in-fragment',
  title: 'The implicit grant delivers the token in the fragment, never in the query',
  requirement: 'RFC 6749 §4.2.2',
  evaluate(ex: HttpExchange): Outcome {
    const loc = redirectLocation(ex);
    const p = responseParams(loc);
    if (loc && p.fragment.get('access_token') && !p.query.has('access_token')) return pass();
    const observed = !loc ? observedAuthorization(ex) : p.query.has('access_token') ? `"access_token" in the query: ${observedAuthorization(ex)}` : `no "access_token" in the fragment: ${observedAuthorization(ex)}`;
    return fail('implicit authorization response', 'a redirect with "access_token" in the fragment and none in the query', observed, 'RFC 6749 §4.2.2');
  },
});

// ---------- probes, derived from the registered URI ----------

/**
 * A redirect URI to try, derived from the registered one; `derive` returns undefined when none can be.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1
 */
export interface RedirectProbe<C extends RedirectAcceptedCheck | RedirectRejectedCheck = RedirectRejectedCheck> {
  /** The check judged on the authorization response to the probe. */
  check: C;
  derive: (registered: URL) => string | undefined;
  /** Why no probe can be derived, when `derive` returns undefined. */
  unavailable?: string;
}

const origin = (r: URL) => `${r.protocol}//${r.host}`;
const basePath = (r: URL) => r.pathname.replace(/\/$/, '');
const withQuery = (r: URL, extra: string) => (r.search ? `${r.search}&${extra}` : `?${extra}`);
/** A path segment that differs from the registered path's last segment. */
const sibling = (r: URL) => (basePath(r).split('/').pop() === 'def' ? 'oauthgate' : 'def');

/**
 * The registered URI without its fragment.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2
 */
export const withoutFragment = (registered: string) => registered.split('#')[0]!;

/** A probe that must be rejected. */
const probe = (id: string, title: string, requirement: string, derive: RedirectProbe['derive'], unavailable?: string): RedirectProbe => ({
  check: redirectRejected({ id: `redirect-uri.${id}`, title, requirement }), derive, ...(unavailable ? { unavailable } : {}),
});

/** A probe that must be accepted (the AT&T FAQ's matching examples). */
const match = (id: string, title: string, requirement: string, derive: RedirectProbe['derive']): RedirectProbe<RedirectAcceptedCheck> & { expect: 'match' } => ({
  expect: 'match', check: redirectAccepted({ id: `redirect-uri.${id}`, title, requirement }), derive,
});

/**
 * Under the exact rule an extension of the registered URI is another URI.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1
 */
export const EXACT_EXTENSIONS: RedirectProbe[] = [
  probe('exact.path-extension-rejected', 'An added path segment is rejected (exact matching)', 'RFC 9700 §2.1', (r) => `${origin(r)}${basePath(r)}/${sibling(r)}${r.search}`),
  probe('exact.query-extension-rejected', 'An added query parameter is rejected (exact matching)', 'RFC 9700 §2.1', (r) => `${origin(r)}${r.pathname}${withQuery(r, 'query=abcd')}`),
];

/** Adds "2" to the registrable label of a DNS host (yourdomain.com -> yourdomain2.com); IP hosts get none. */
function otherHost(r: URL): string | undefined {
  if (/^[\d.]+$/.test(r.hostname) || r.hostname.startsWith('[')) return undefined;
  const labels = r.hostname.split('.');
  const i = Math.max(0, labels.length - 2);
  labels[i] = `${labels[i]}2`;
  return `${r.protocol}//${labels.join('.')}${r.port ? `:${r.port}` : ''}${r.pathname}${r.search}`;
}

/**
 * The AT&T FAQ's examples (att-faq lines 126-132), applied to the registered URI: for the FAQ's own
 * https://yourdomain.com/abc they are the FAQ's text word for word.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1 (the rule they deviate from)
 */
export const ATT_FAQ_EXAMPLES: Array<(RedirectProbe<RedirectAcceptedCheck> & { expect: 'match' }) | (RedirectProbe & { expect: 'no-match' })> = [
  match('att-faq.match-query', 'A query added to the registered URI matches (att-faq line 126)', 'att-faq line 126', (r) => `${origin(r)}${r.pathname}${withQuery(r, 'query=abcd')}`),
  match('att-faq.match-subpath', 'A path segment added to the registered URI matches (att-faq line 127)', 'att-faq line 127', (r) => `${origin(r)}${basePath(r)}/def${r.search}`),
  match('att-faq.match-exact', 'The registered URI itself matches (att-faq line 128)', 'att-faq line 128', (r) => withoutFragment(r.href)),
  match('att-faq.match-subpath-query', 'A path segment and a query added to the registered URI match (att-faq line 129)', 'att-faq line 129', (r) => `${origin(r)}${basePath(r)}/def${withQuery(r, 'query=abcd')}`),
  { expect: 'no-match', ...probe('att-faq.no-match-other-host', 'The same path on another host does not match (att-faq line 131)', 'att-faq line 131', otherHost, 'the registered host is an IP address') },
  {
    expect: 'no-match',
    ...probe('att-faq.no-match-other-path', 'A sibling path on the registered host does not match (att-faq line 132)', 'att-faq line 132',
      (r) => (basePath(r) === '' ? undefined : `${origin(r)}${basePath(r).replace(/[^/]*$/, sibling(r))}${r.search}`), 'the registered path is "/", which every path extends'),
  },
];

/**
 * Security probes: each is a URI that no matching rule, exact or extension, may accept for the registered one.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1
 */
export const SECURITY_PROBES: RedirectProbe[] = [
  probe('probe.path-suffix', 'A path continued without a segment boundary (/abc -> /abcdef) is rejected', 'RFC 9700 §4.1, §2.1',
    (r) => (basePath(r) === '' ? undefined : `${origin(r)}${basePath(r)}def${r.search}`), 'the registered path is "/"'),
  probe('probe.host-suffix', 'A host that merely ends with the registered host is rejected', 'RFC 9700 §4.1, §2.1', (r) => `${r.protocol}//evil${r.host}${r.pathname}${r.search}`),
  probe('probe.userinfo', 'Userinfo added to the registered host is rejected', 'RFC 9700 §4.1, RFC 3986 §3.2.1', (r) => `${r.protocol}//oauthgate@${r.host}${r.pathname}${r.search}`),
  probe('probe.userinfo-host-smuggling', 'The registered host as userinfo before another host is rejected', 'RFC 9700 §4.1, RFC 3986 §3.2.1',
    (r) => `${r.protocol}//${r.host}@evil.test${r.pathname}${r.search}`),
  probe('probe.other-port', 'Another port on the registered host is rejected', 'RFC 9700 §2.1, RFC 6749 §3.1.2',
    (r) => `${r.protocol}//${r.hostname}:${r.port ? Number(r.port) + 1 : r.protocol === 'https:' ? 8443 : 8080}${r.pathname}${r.search}`),
  probe('probe.scheme-downgrade', 'The registered https URI with http is rejected', 'RFC 6749 §3.1.2.1, RFC 9700 §4.1',
    (r) => (r.protocol === 'https:' ? `http://${r.host}${r.pathname}${r.search}` : undefined), 'the registered URI is not https'),
  probe('probe.dot-segments', 'A path that leaves the registered one through dot-segments (/abc/../def) is rejected', 'RFC 3986 §5.2.4, RFC 9700 §4.1',
    (r) => `${origin(r)}${basePath(r)}/../${sibling(r)}${r.search}`),
  probe('probe.encoded-dot-segments', 'Percent-encoded dot-segments (/abc/%2e%2e/def) are rejected', 'RFC 3986 §5.2.4, RFC 9700 §4.1',
    (r) => `${origin(r)}${basePath(r)}/%2e%2e/${sibling(r)}${r.search}`),
  probe('probe.fragment', 'A redirect URI with a fragment is rejected', 'RFC 6749 §3.1.2', (r) => `${withoutFragment(r.href)}#oauthgate`),
];

/**
 * The URI for the error-not-redirected check: the registered path on a host the client never registered.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export const unregisteredHostUri = (r: URL) => `${r.protocol}//oauthgate-attacker.invalid${r.pathname}${r.search}`;
