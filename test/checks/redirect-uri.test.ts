/**
 * Self-tests of the redirect-URI checks and probe derivations: each check with a conforming and a violating
 * exchange, asserting the status and that a failure states what was expected and what was observed; the AT&T
 * FAQ examples derived from the registered URI are compared with the FAQ's own text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFailure } from '../support/exchange.ts';
import fc from 'fast-check';
import type { HttpExchange } from '../../src/http/types.ts';
import { SPECS_DIR, loadSpec } from '../../src/spec/load.ts';
import * as R from '../../src/checks/redirect-uri.ts';

const REG = 'https://yourdomain.com/abc';

/** A synthetic authorization response: a redirect to `location`, or a plain page. */
function redirect(location: string | undefined, status = 302): HttpExchange {
  return { request: { method: 'GET', url: 'http://127.0.0.1:1/authorize' }, status, headers: location === undefined ? {} : { location }, bodyText: '', durationMs: 1 };
}
const page = (status = 400): HttpExchange => ({ request: { method: 'GET', url: 'http://127.0.0.1:1/authorize' }, status, headers: { 'content-type': 'text/html' }, bodyText: '<p>invalid_request</p>', durationMs: 1 });


describe('redirectGoesTo', () => {
  it('ignores the authorization-response parameters the server adds', () => {
    expect(R.redirectGoesTo(`${REG}?code=c0de&state=s`, REG)).toBe(true);
    expect(R.redirectGoesTo(`${REG}?query=abcd&code=c0de`, `${REG}?query=abcd`)).toBe(true);
    expect(R.redirectGoesTo(`${REG}#access_token=t0k&token_type=Bearer&state=s`, REG)).toBe(true);
  });
  it('compares scheme, userinfo, host, port, path, the remaining query and the fragment', () => {
    expect(R.redirectGoesTo(`https://yourdomain2.com/abc?code=c`, REG)).toBe(false);
    expect(R.redirectGoesTo(`http://yourdomain.com/abc?code=c`, REG)).toBe(false);
    expect(R.redirectGoesTo(`https://x@yourdomain.com/abc?code=c`, REG)).toBe(false);
    expect(R.redirectGoesTo(`https://yourdomain.com:8443/abc?code=c`, REG)).toBe(false);
    expect(R.redirectGoesTo(`${REG}/def?code=c`, REG)).toBe(false);
    expect(R.redirectGoesTo(`${REG}?code=c`, `${REG}?query=abcd`)).toBe(false);
    expect(R.redirectGoesTo(`${REG}?code=c`, `${REG}#oauthgate`)).toBe(false);
    expect(R.redirectGoesTo(`${REG}?code=c#oauthgate`, `${REG}#oauthgate`)).toBe(true);
  });
  it('resolves dot-segments, plain and percent-encoded, as a browser would', () => {
    expect(R.redirectGoesTo('https://yourdomain.com/def?code=c', 'https://yourdomain.com/abc/../def')).toBe(true);
    expect(R.redirectGoesTo('https://yourdomain.com/def?code=c', 'https://yourdomain.com/abc/%2e%2e/def')).toBe(true);
  });
  it('is false for unparsable input', () => expect(R.redirectGoesTo('not a url', REG)).toBe(false));
});

describe('redirectLocation', () => {
  it('reads Location from a 3xx only', () => {
    for (const s of [300, 302, 399]) expect(R.redirectLocation(redirect(REG, s)), String(s)).toBe(REG);
    for (const s of [200, 299, 400]) expect(R.redirectLocation(redirect(REG, s)), String(s)).toBeUndefined();
  });
});

describe('registeredUriAccepted (and every redirectAccepted check)', () => {
  const check = (e: HttpExchange, type: R.ResponseType = 'code') => R.registeredUriAccepted.evaluate(e, REG, type);
  it('passes a redirect to the URI with a code in the query', () => expect(check(redirect(`${REG}?code=c0de&state=s`))).toEqual({ status: 'passed' }));
  it('passes a redirect to the URI with a token in the fragment (implicit)', () => expect(check(redirect(`${REG}#access_token=t0k&state=s`), 'token').status).toBe('passed'));
  it('fails the same Location with HTTP 200 (no redirect)', () => expectFailure(check(redirect(`${REG}?code=c0de&state=s`, 200)), /redirect to it carrying "code"/, /HTTP 200/));
  it('fails a redirect elsewhere with a code', () => expectFailure(check(redirect('https://yourdomain.com/other?code=c0de&state=s')), /redirect to it/, /yourdomain\.com\/other/));
  it('fails a redirect to the URI carrying an error instead of a code', () =>
    expectFailure(check(redirect(`${REG}?error=access_denied&state=s`)), /"code" in the query/, /error=access_denied/));
  it('fails a code where the implicit grant expects a token in the fragment', () =>
    expectFailure(check(redirect(`${REG}?code=c0de&state=s`), 'token'), /"access_token" in the fragment/, /code=c0de/));
  it('fails a 3xx without Location', () => expectFailure(check(redirect(undefined)), /redirect/, /without a Location/));
  it('fails an error page', () => expectFailure(check(page()), /redirect to it/, /HTTP 400/));
  it('cites each check\'s own requirement', () => {
    const faq = R.ATT_FAQ_EXAMPLES.find((p) => p.check.id === 'redirect-uri.att-faq.match-query')!;
    expect(faq.expect).toBe('match');
    const o = faq.expect === 'match' ? faq.check.evaluate(page(), `${REG}?query=abcd`, 'code') : undefined;
    expect(o?.status === 'failed' && o.reason).toContain('(att-faq line 126)');
    const fb = R.absentFallsBack.evaluate(page(), REG, 'code');
    expect(fb.status === 'failed' && fb.reason).toContain('att-faq line 124');
  });
});

describe('errorNotRedirected (and every redirectRejected check)', () => {
  const probe = 'https://evilyourdomain.com/abc';
  const check = (e: HttpExchange, autoConsent = true) => R.errorNotRedirected.evaluate(e, probe, autoConsent);
  it('passes an error page and a redirect elsewhere', () => {
    expect(check(page())).toEqual({ status: 'passed' });
    expect(check(redirect('https://yourdomain.com/login-error')).status).toBe('passed');
    expect(check(page(200)).status).toBe('passed');
  });
  it('fails a redirect carrying a code to the probe, saying it was accepted', () =>
    expectFailure(check(redirect(`${probe}?code=c0de`)), /no redirect to that URI/, /evilyourdomain.*\(accepted/));
  it('fails a token in the fragment sent to the probe, saying it was accepted', () =>
    expectFailure(check(redirect(`${probe}#access_token=t0k`)), /no redirect to that URI/, /\(accepted/));
  it('fails an error redirected to the probe (RFC 6749 §4.1.2.1), in the query or the fragment', () => {
    expectFailure(check(redirect(`${probe}?error=invalid_request`)), /no redirect/, /\(the error went there\)/);
    expectFailure(check(redirect(`${probe}#error=invalid_request`)), /no redirect/, /\(the error went there\)/);
  });
  it('fails a bare redirect to the probe', () => {
    const o = check(redirect(probe));
    expectFailure(o, /no redirect/, /evilyourdomain/);
    expect(o.status === 'failed' && o.observed).not.toMatch(/accepted|error went/);
  });
  it('without autoConsent: an error page is inconclusive (not applicable), a redirect to the probe still fails', () => {
    expect(check(page(), false)).toEqual({ status: 'not_applicable', reason: R.INCONCLUSIVE_WITHOUT_CONSENT });
    expectFailure(check(redirect(`${probe}?code=c0de`), false), /no redirect/, /\(accepted/);
  });
  it('regression (false positive): an error sent to the registered URI is not a redirect to a fragment probe', () => {
    const fragment = R.SECURITY_PROBES.find((p) => p.check.id === 'redirect-uri.probe.fragment')!.check;
    expect(fragment.evaluate(redirect(`${REG}?error=invalid_request`), `${REG}#oauthgate`, true).status).toBe('passed');
  });
  it('regression (false negative): a dot-segment probe accepted and normalised by the server still fails', () => {
    const dots = R.SECURITY_PROBES.find((p) => p.check.id === 'redirect-uri.probe.dot-segments')!.check;
    const o = dots.evaluate(redirect('https://yourdomain.com/def?code=c'), `${REG}/../def`, true);
    expectFailure(o, /no redirect/, /\/def/);
    expect(o.status === 'failed' && o.reason).toContain('RFC 3986 §5.2.4');
  });
});

describe('absentRejected', () => {
  const check = (e: HttpExchange, autoConsent = true) => R.absentRejected.evaluate(e, autoConsent);
  it('passes an error page or an error redirect', () => {
    expect(check(page())).toEqual({ status: 'passed' });
    expect(check(redirect(`${REG}?error=invalid_request`)).status).toBe('passed');
  });
  it('fails a redirect with a code', () => expectFailure(check(redirect(`${REG}?code=c0de`)), /no code or token/, /code=c0de/));
  it('fails a redirect with a token in the fragment', () => expectFailure(check(redirect(`${REG}#access_token=t0k`)), /no code or token/, /access_token=t0k/));
  it('without autoConsent: an error page is inconclusive, a redirect with a code still fails', () => {
    expect(check(page(), false).status).toBe('not_applicable');
    expectFailure(check(redirect(`${REG}?code=c0de`), false), /no code or token/, /code=c0de/);
  });
});

describe('statePreserved', () => {
  const state = 'oauthgate-state 1/2+3=4&5?';
  const check = (e: HttpExchange) => R.statePreserved.evaluate(e, state);
  it('passes state unchanged in the query or the fragment', () => {
    expect(check(redirect(`${REG}?code=c&state=${encodeURIComponent(state)}`)).status).toBe('passed');
    expect(check(redirect(`${REG}#access_token=t&state=${encodeURIComponent(state)}`)).status).toBe('passed');
  });
  it('fails a dropped state', () => expectFailure(check(redirect(`${REG}?code=c`)), /oauthgate-state/, /\(absent\)/));
  it('fails an altered state', () => expectFailure(check(redirect(`${REG}?code=c&state=oauthgate-state`)), /1\/2\+3/, /"oauthgate-state"/));
  it('fails the same Location with HTTP 200 (nothing was redirected)', () =>
    expectFailure(check(redirect(`${REG}?code=c&state=${encodeURIComponent(state)}`, 200)), /on a redirect/, /HTTP 200/));
});

describe('implicitTokenInFragment', () => {
  const check = (e: HttpExchange) => R.implicitTokenInFragment.evaluate(e);
  it('passes a token in the fragment', () => expect(check(redirect(`${REG}#access_token=t0k&token_type=Bearer`)).status).toBe('passed'));
  it('fails a token in the query', () => expectFailure(check(redirect(`${REG}?access_token=t0k&token_type=Bearer`)), /fragment and none in the query/, /"access_token" in the query/));
  it('fails a token in the fragment that is also in the query', () =>
    expectFailure(check(redirect(`${REG}?access_token=t0k#access_token=t0k&token_type=Bearer`)), /none in the query/, /"access_token" in the query/));
  it('fails a redirect without a token', () => expectFailure(check(redirect(`${REG}#error=access_denied`)), /fragment/, /no "access_token" in the fragment/));
  it('fails the same Location with HTTP 200 (nothing was redirected)', () =>
    expectFailure(check(redirect(`${REG}#access_token=t0k&token_type=Bearer`, 200)), /fragment/, /HTTP 200/));
});

describe('probes derived from the registered URI', () => {
  const att = new URL(loadSpec('att').spec.redirectUri!.registered);
  const derive = (list: Array<R.RedirectProbe<R.RedirectAcceptedCheck | R.RedirectRejectedCheck>>, id: string, r: URL = att) => list.find((p) => p.check.id === id)!.derive(r);

  it('reproduce the AT&T FAQ examples word for word from the registered URI (att-faq lines 126-132)', () => {
    const faq = readFileSync(join(SPECS_DIR, 'sources', '000_fed5f3f0ecd0583f.txt'), 'utf8').split('\n');
    const line = (n: number) => faq[n - 1]!.replace(/^\s*•\s*/, '').trim();
    const byLine: Record<number, string> = { 126: 'att-faq.match-query', 127: 'att-faq.match-subpath', 128: 'att-faq.match-exact', 129: 'att-faq.match-subpath-query', 131: 'att-faq.no-match-other-host', 132: 'att-faq.no-match-other-path' };
    for (const [n, id] of Object.entries(byLine)) {
      const p = R.ATT_FAQ_EXAMPLES.find((x) => x.check.id === `redirect-uri.${id}`)!;
      expect(p.derive(att), id).toBe(line(Number(n)));
      expect(p.check.requirement).toBe(`att-faq line ${n}`);
      expect(p.expect).toBe(Number(n) <= 129 ? 'match' : 'no-match');
    }
  });

  it('give the security probes of RFC 9700 §4.1 for https://yourdomain.com/abc', () => {
    const got = Object.fromEntries(R.SECURITY_PROBES.map((p) => [p.check.id.replace('redirect-uri.probe.', ''), p.derive(att)]));
    expect(got).toEqual({
      'path-suffix': 'https://yourdomain.com/abcdef',
      'host-suffix': 'https://evilyourdomain.com/abc',
      userinfo: 'https://oauthgate@yourdomain.com/abc',
      'userinfo-host-smuggling': 'https://yourdomain.com@evil.test/abc',
      'other-port': 'https://yourdomain.com:8443/abc',
      'scheme-downgrade': 'http://yourdomain.com/abc',
      'dot-segments': 'https://yourdomain.com/abc/../def',
      'encoded-dot-segments': 'https://yourdomain.com/abc/%2e%2e/def',
      fragment: 'https://yourdomain.com/abc#oauthgate',
    });
    expect(R.EXACT_EXTENSIONS.map((p) => p.derive(att))).toEqual(['https://yourdomain.com/abc/def', 'https://yourdomain.com/abc?query=abcd']);
  });

  it('keep the registered query and port, and pick another port', () => {
    const r = new URL('https://app.example.org:9443/cb?tenant=7');
    expect(derive(R.SECURITY_PROBES, 'redirect-uri.probe.other-port', r)).toBe('https://app.example.org:9444/cb?tenant=7');
    expect(derive(R.EXACT_EXTENSIONS, 'redirect-uri.exact.query-extension-rejected', r)).toBe('https://app.example.org:9443/cb?tenant=7&query=abcd');
    expect(derive(R.ATT_FAQ_EXAMPLES, 'redirect-uri.att-faq.no-match-other-host', r)).toBe('https://app.example2.org:9443/cb?tenant=7');
  });

  it('never produce a probe equal to the registered URI, even when its last segment is "def"', () => {
    const r = new URL('https://yourdomain.com/def');
    for (const p of [...R.SECURITY_PROBES, ...R.EXACT_EXTENSIONS]) expect(p.derive(r), p.check.id).not.toBe(r.href);
    expect(derive(R.SECURITY_PROBES, 'redirect-uri.probe.dot-segments', r)).toBe('https://yourdomain.com/def/../oauthgate');
  });

  it('say why no probe can be derived', () => {
    const root = new URL('https://yourdomain.com/');
    const p = R.SECURITY_PROBES.find((x) => x.check.id === 'redirect-uri.probe.path-suffix')!;
    expect(p.derive(root)).toBeUndefined();
    expect(p.unavailable).toMatch(/"\/"/);
    expect(derive(R.SECURITY_PROBES, 'redirect-uri.probe.scheme-downgrade', new URL('http://localhost:8080/cb'))).toBeUndefined();
    expect(derive(R.ATT_FAQ_EXAMPLES, 'redirect-uri.att-faq.no-match-other-host', new URL('https://10.0.0.1/cb'))).toBeUndefined();
  });
});

describe('no check throws on an arbitrary Location', () => {
  // Plain fast-check (importing @fast-check/vitest costs seconds per file): fc.assert reports the seed and the shrunk case.
  /**
   * Absolute URLs around the registered one and elsewhere, with a path, query and fragment, escapes included
   * (fc.webUrl first builds the percent form of every code point: ~1.4 s of CPU once per worker).
   */
  const part = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '!', '$', '&', "'", '(', ')', '*', '+', ',', ';', '=', ':', '@', '/', '?', '#', '%20', '%2F', '%3D', '%26', '%E2%82%AC', 'é'), maxLength: 10 });
  const origin = fc.oneof(fc.constantFrom('https://yourdomain.com', 'http://yourdomain.com', 'https://yourdomain.com:8443', 'https://u:p@yourdomain.com'), fc.domain().map((d) => `https://${d}`));
  const url = fc.tuple(origin, fc.oneof(fc.constant('/abc'), part.map((p) => `/${p}`), part.map((p) => `/abc/${p}`)), fc.option(part, { nil: undefined }), fc.option(part, { nil: undefined }))
    .map(([o, path, q, f]) => `${o}${path}${q === undefined ? '' : `?${q}`}${f === undefined ? '' : `#${f}`}`);

  it('any status, body and value (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 200, max: 599 }), fc.option(fc.oneof(fc.string(), url), { nil: undefined }), (status, location) => {
      const e = redirect(location, status);
      const all = [
        R.registeredUriAccepted.evaluate(e, REG, 'code'), R.registeredUriAccepted.evaluate(e, REG, 'token'), R.errorNotRedirected.evaluate(e, REG, true),
        R.errorNotRedirected.evaluate(e, REG, false), R.absentRejected.evaluate(e, true), R.statePreserved.evaluate(e, 's'), R.implicitTokenInFragment.evaluate(e),
      ];
      for (const o of all) if (o.status === 'failed') expect(o.reason).toMatch(/expected .+ observed/);
    }));
  });
});

describe('redirect-uri: parameters, observations and what each failure names', () => {
  it('redirectGoesTo ignores every authorization-response parameter (RFC 6749 §4.1.2, §4.1.2.1, §4.2.2; RFC 9207; OIDC)', () => {
    const query = 'code=c&state=s&error=e&error_description=d&error_uri=u&iss=https%3A%2F%2Fas&session_state=x';
    const fragment = 'access_token=t&token_type=Bearer&expires_in=60&scope=a&id_token=i&state=s';
    expect(R.redirectGoesTo(`${REG}?${query}#${fragment}`, REG)).toBe(true);
    expect(R.redirectGoesTo(`${REG}?${query}&other=1#${fragment}`, REG)).toBe(false);
  });

  it('redirectGoesTo compares the remaining parameters as a set of pairs, in any order, each pair whole', () => {
    expect(R.redirectGoesTo(`${REG}?b=2&a=1&code=c`, `${REG}?a=1&b=2`)).toBe(true);
    expect(R.redirectGoesTo(`${REG}?a=1b%3D2&code=c`, `${REG}?a=1&b=2`)).toBe(false);
  });

  it('redirectGoesTo compares the password of the userinfo too', () => {
    expect(R.redirectGoesTo('https://u:p@yourdomain.com/abc?code=c', 'https://u:p@yourdomain.com/abc')).toBe(true);
    expect(R.redirectGoesTo('https://u:q@yourdomain.com/abc?code=c', 'https://u:p@yourdomain.com/abc')).toBe(false);
  });

  it('observedAuthorization: a 3xx without Location says so; 299 and 400 are shown as responses', () => {
    expect(R.observedAuthorization(redirect(undefined, 300))).toBe('HTTP 300 without a Location header');
    expect(R.observedAuthorization(redirect(undefined, 399))).toBe('HTTP 399 without a Location header');
    expect(R.observedAuthorization(redirect(REG, 302))).toBe(`HTTP 302 redirect to "${REG}"`);
    for (const status of [299, 400]) expect(R.observedAuthorization(redirect(undefined, status)), String(status)).toMatch(new RegExp(`^HTTP ${status} with `));
  });

  it('INCONCLUSIVE_WITHOUT_CONSENT says why', () => expect(R.INCONCLUSIVE_WITHOUT_CONSENT).toMatch(/autoConsent.*login page.*error page/));

  it('accepted and rejected URIs name the authorization response for that URI', () => {
    expect(R.registeredUriAccepted.evaluate(page(), REG, 'code')).toMatchObject({ field: `authorization response for redirect URI "${REG}"` });
    const probeUri = `${REG}/def`;
    expect(R.judgeRedirectUriRejected(redirect(`${probeUri}?code=c`), probeUri, 'RFC 9700 §2.1')).toMatchObject({ field: `authorization response for redirect URI "${probeUri}"` });
    expect(R.judgeRedirectUriRejected(redirect(probeUri), probeUri, 'RFC 9700 §2.1')).toMatchObject({ status: 'failed', observed: `HTTP 302 redirect to "${probeUri}"` });
  });

  it('absentRejected, statePreserved and implicitTokenInFragment name the response and their rules', () => {
    expect(R.absentRejected.evaluate(redirect(`${REG}?code=c`), true)).toMatchObject({ field: 'authorization response to a request without redirect_uri', reason: expect.stringContaining('(RFC 6749 §3.1.2.3)') });
    expect(R.statePreserved.evaluate(page(), 's')).toMatchObject({ field: '"state" in the authorization response', reason: expect.stringContaining('(RFC 6749 §4.1.2)') });
    expect(R.statePreserved.evaluate(redirect(`${REG}?code=c`), 's')).toMatchObject({ field: '"state" in the authorization response', reason: expect.stringContaining('(RFC 6749 §4.1.2)') });
    expect(R.implicitTokenInFragment.evaluate(page())).toMatchObject({ field: 'implicit authorization response', reason: expect.stringContaining('(RFC 6749 §4.2.2)') });
  });

  const find = (list: Array<R.RedirectProbe<R.RedirectAcceptedCheck | R.RedirectRejectedCheck>>, id: string) => list.find((p) => p.check.id === id)!;

  it('otherHost: only a dotted-decimal or bracketed host is an IP address', () => {
    const other = find(R.ATT_FAQ_EXAMPLES, 'redirect-uri.att-faq.no-match-other-host');
    expect(other.derive(new URL('https://app1/cb'))).toBe('https://app12/cb');
    expect(other.derive(new URL('https://1app.example.com/cb'))).toBe('https://1app.example2.com/cb');
    expect(other.derive(new URL('https://[::1]:8443/cb'))).toBeUndefined();
    expect(other.unavailable).toBe('the registered host is an IP address');
  });

  it('the sibling-path probe needs a path: none for "/", saying why', () => {
    const sibling = find(R.ATT_FAQ_EXAMPLES, 'redirect-uri.att-faq.no-match-other-path');
    expect(sibling.derive(new URL('https://yourdomain.com/'))).toBeUndefined();
    expect(sibling.unavailable).toBe('the registered path is "/", which every path extends');
  });

  it('the other-port probe picks 8080 for http, 8443 for https; the downgrade probe says why it has none for http', () => {
    expect(find(R.SECURITY_PROBES, 'redirect-uri.probe.other-port').derive(new URL('http://localhost/cb'))).toBe('http://localhost:8080/cb');
    expect(find(R.SECURITY_PROBES, 'redirect-uri.probe.other-port').derive(new URL('https://yourdomain.com/cb'))).toBe('https://yourdomain.com:8443/cb');
    expect(find(R.SECURITY_PROBES, 'redirect-uri.probe.scheme-downgrade').unavailable).toBe('the registered URI is not https');
  });

  it('unregisteredHostUri keeps scheme, path and query on a host nobody registered', () =>
    expect(R.unregisteredHostUri(new URL('https://yourdomain.com/abc?x=1'))).toBe('https://oauthgate-attacker.invalid/abc?x=1'));
});
