/**
 * Self-tests of the redirect-URI checks and probe derivations: each check with a conforming and a violating
 * exchange, asserting the status and that a failure states what was expected and what was observed; the AT&T
 * FAQ examples derived from the registered URI are compared with the FAQ's own text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectFailure } from '../support/exchange.ts';
import { fc, test as fcTest } from '@fast-check/vitest';
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

describe('checkRedirectAccepted', () => {
  it('passes a redirect to the URI with a code (or a token in the fragment)', () => {
    expect(R.checkRedirectAccepted(redirect(`${REG}?code=c0de&state=s`), REG, 'code').status).toBe('passed');
    expect(R.checkRedirectAccepted(redirect(`${REG}#access_token=t0k&state=s`), REG, 'token').status).toBe('passed');
  });
  it('fails an error page', () => expectFailure(R.checkRedirectAccepted(page(), `${REG}?query=abcd`, 'code', 'att-faq line 126'), /redirect to it carrying "code"/, /HTTP 400/));
  it('fails a redirect elsewhere', () => expectFailure(R.checkRedirectAccepted(redirect('https://yourdomain.com/other?code=c'), REG, 'code'), /redirect to it/, /yourdomain\.com\/other/));
  it('fails a redirect carrying an error instead of a code', () => expectFailure(R.checkRedirectAccepted(redirect(`${REG}?error=access_denied`), REG, 'code'), /"code" in the query/, /error=access_denied/));
  it('fails a 3xx without Location', () => expectFailure(R.checkRedirectAccepted(redirect(undefined), REG, 'code'), /redirect/, /without a Location/));
});

describe('checkRedirectUriRejected', () => {
  const probe = 'https://evilyourdomain.com/abc';
  it('passes an error page and a redirect elsewhere', () => {
    expect(R.checkRedirectUriRejected(page(), probe, 'RFC 9700 §4.1').status).toBe('passed');
    expect(R.checkRedirectUriRejected(redirect('https://yourdomain.com/login-error'), probe, 'RFC 9700 §4.1').status).toBe('passed');
    expect(R.checkRedirectUriRejected(page(200), probe, 'RFC 9700 §4.1').status).toBe('passed');
  });
  it('fails a redirect carrying a code to the probe, saying it was accepted', () =>
    expectFailure(R.checkRedirectUriRejected(redirect(`${probe}?code=c0de`), probe, 'RFC 9700 §4.1'), /no redirect to that URI/, /evilyourdomain.*\(accepted/));
  it('fails an error redirected to the probe (RFC 6749 §4.1.2.1)', () =>
    expectFailure(R.checkRedirectUriRejected(redirect(`${probe}?error=invalid_request`), probe, 'RFC 6749 §4.1.2.1'), /no redirect/, /\(the error went there\)/));
  it('regression (false positive): an error sent to the registered URI is not a redirect to a fragment probe', () =>
    expect(R.checkRedirectUriRejected(redirect(`${REG}?error=invalid_request`), `${REG}#oauthgate`, 'RFC 6749 §3.1.2').status).toBe('passed'));
  it('regression (false negative): a dot-segment probe accepted and normalised by the server still fails', () =>
    expectFailure(R.checkRedirectUriRejected(redirect('https://yourdomain.com/def?code=c'), `${REG}/../def`, 'RFC 3986 §5.2.4'), /no redirect/, /\/def/));
});

describe('checkAbsentRedirectUriRejected', () => {
  it('passes an error page or an error redirect', () => {
    expect(R.checkAbsentRedirectUriRejected(page()).status).toBe('passed');
    expect(R.checkAbsentRedirectUriRejected(redirect(`${REG}?error=invalid_request`)).status).toBe('passed');
  });
  it('fails a redirect with a code', () => expectFailure(R.checkAbsentRedirectUriRejected(redirect(`${REG}?code=c0de`)), /no code or token/, /code=c0de/));
});

describe('checkStatePreserved', () => {
  const state = 'oauthgate-state 1/2+3=4&5?';
  it('passes state unchanged in the query or the fragment', () => {
    expect(R.checkStatePreserved(redirect(`${REG}?code=c&state=${encodeURIComponent(state)}`), state).status).toBe('passed');
    expect(R.checkStatePreserved(redirect(`${REG}#access_token=t&state=${encodeURIComponent(state)}`), state).status).toBe('passed');
  });
  it('fails a dropped state', () => expectFailure(R.checkStatePreserved(redirect(`${REG}?code=c`), state), /oauthgate-state/, /\(absent\)/));
  it('fails an altered state', () => expectFailure(R.checkStatePreserved(redirect(`${REG}?code=c&state=oauthgate-state`), state), /1\/2\+3/, /"oauthgate-state"/));
  it('fails when nothing was redirected', () => expectFailure(R.checkStatePreserved(page(), state), /on a redirect/, /HTTP 400/));
});

describe('checkImplicitTokenInFragment', () => {
  it('passes a token in the fragment', () => expect(R.checkImplicitTokenInFragment(redirect(`${REG}#access_token=t0k&token_type=Bearer`)).status).toBe('passed'));
  it('fails a token in the query', () => expectFailure(R.checkImplicitTokenInFragment(redirect(`${REG}?access_token=t0k&token_type=Bearer`)), /fragment and none in the query/, /"access_token" in the query/));
  it('fails a redirect without a token and a page', () => {
    expectFailure(R.checkImplicitTokenInFragment(redirect(`${REG}#error=access_denied`)), /fragment/, /no "access_token" in the fragment/);
    expectFailure(R.checkImplicitTokenInFragment(page()), /fragment/, /HTTP 400/);
  });
});

describe('probes derived from the registered URI', () => {
  const att = new URL(loadSpec('att').spec.redirectUri!.registered);
  const derive = (list: R.RedirectProbe[], id: string, r: URL = att) => list.find((p) => p.meta.id === id)!.derive(r);

  it('reproduce the AT&T FAQ examples word for word from the registered URI (att-faq lines 126-132)', () => {
    const faq = readFileSync(join(SPECS_DIR, 'sources', '000_fed5f3f0ecd0583f.txt'), 'utf8').split('\n');
    const line = (n: number) => faq[n - 1]!.replace(/^\s*•\s*/, '').trim();
    const byLine: Record<number, string> = { 126: 'att-faq.match-query', 127: 'att-faq.match-subpath', 128: 'att-faq.match-exact', 129: 'att-faq.match-subpath-query', 131: 'att-faq.no-match-other-host', 132: 'att-faq.no-match-other-path' };
    for (const [n, id] of Object.entries(byLine)) {
      const p = R.ATT_FAQ_EXAMPLES.find((x) => x.meta.id === `redirect-uri.${id}`)!;
      expect(p.derive(att), id).toBe(line(Number(n)));
      expect(p.meta.requirement).toBe(`att-faq line ${n}`);
      expect(p.expect).toBe(Number(n) <= 129 ? 'match' : 'no-match');
    }
  });

  it('give the security probes of RFC 9700 §4.1 for https://yourdomain.com/abc', () => {
    const got = Object.fromEntries(R.SECURITY_PROBES.map((p) => [p.meta.id.replace('redirect-uri.probe.', ''), p.derive(att)]));
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
    for (const p of [...R.SECURITY_PROBES, ...R.EXACT_EXTENSIONS]) expect(p.derive(r), p.meta.id).not.toBe(r.href);
    expect(derive(R.SECURITY_PROBES, 'redirect-uri.probe.dot-segments', r)).toBe('https://yourdomain.com/def/../oauthgate');
  });

  it('say why no probe can be derived', () => {
    const root = new URL('https://yourdomain.com/');
    const p = R.SECURITY_PROBES.find((x) => x.meta.id === 'redirect-uri.probe.path-suffix')!;
    expect(p.derive(root)).toBeUndefined();
    expect(p.unavailable).toMatch(/"\/"/);
    expect(derive(R.SECURITY_PROBES, 'redirect-uri.probe.scheme-downgrade', new URL('http://localhost:8080/cb'))).toBeUndefined();
    expect(derive(R.ATT_FAQ_EXAMPLES, 'redirect-uri.att-faq.no-match-other-host', new URL('https://10.0.0.1/cb'))).toBeUndefined();
  });
});

describe('no check throws on an arbitrary Location', () => {
  fcTest.prop([fc.integer({ min: 200, max: 599 }), fc.option(fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true, withFragments: true })), { nil: undefined })])('status %s', (status, location) => {
    const e = redirect(location, status);
    const all = [
      R.checkRedirectAccepted(e, REG, 'code'), R.checkRedirectAccepted(e, REG, 'token'), R.checkRedirectUriRejected(e, REG, 'RFC 9700 §4.1'),
      R.checkAbsentRedirectUriRejected(e), R.checkStatePreserved(e, 's'), R.checkImplicitTokenInFragment(e),
    ];
    for (const o of all) if (o.status === 'failed') expect(o.reason).toMatch(/expected .+ observed/);
  });
});
