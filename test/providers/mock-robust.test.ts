/**
 * The mock never falls over (issue 9, items 9–11): every request line gets an HTTP answer, malformed JSON is a
 * 400 with a reason, an aborted upload logs nothing, the clock refuses absurd moves, and what has expired or
 * been revoked is evicted by the mock clock so that memory stays flat.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import fc from 'fast-check';
import { HttpClient, basicAuth, formEncode } from '../../src/http/client.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockServer, parseRequestTarget, clientGone, type MockServer } from '../../providers/mock-server.ts';
import { MockClock, MAX_CLOCK_SHIFT_SECONDS } from '../../providers/clock.ts';

const http = new HttpClient({ timeoutMs: 5000 });
let att: MockServer;
const started: MockServer[] = [];
const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(w.message);

beforeAll(async () => {
  att = await startMockServer({ spec: loadSpec('att').spec, adminApi: true });
  process.on('warning', onWarning);
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((m) => m.close()));
});
afterAll(async () => {
  process.off('warning', onWarning);
  await att.close();
  await http.close();
});

/** Sends raw bytes and resolves with everything the server wrote back before closing or after one response. */
function raw(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(Number(port), '127.0.0.1', () => s.write(text));
    let out = '';
    s.on('data', (d) => {
      out += String(d);
      if (/\r\n\r\n/.test(out)) s.end();
    });
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

const attToken = () => http.send({
  method: 'POST', url: `${att.url}/oauth/v4/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: formEncode({ grant_type: 'client_credentials', client_id: att.credentials.clientId, client_secret: att.credentials.clientSecret, scope: 'SMS' }),
});

describe('any request line gets an HTTP answer', () => {
  it.each(['GET // HTTP/1.1', 'GET http:// HTTP/1.1', 'GET http://[ HTTP/1.1', 'GET * HTTP/1.1', 'OPTIONS ftp://x/ HTTP/1.1', 'GET /%zz HTTP/1.1'])('%s', async (line) => {
    const out = await raw(att.url, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect((await attToken()).status).toBe(200);
  });

  it('parseRequestTarget reads origin-form and absolute-form targets and refuses the rest', () => {
    expect(parseRequestTarget('/a/b?x=1')?.pathname).toBe('/a/b');
    expect(parseRequestTarget('//')?.pathname).toBe('//');
    expect(parseRequestTarget('http://h/p?q=2')?.searchParams.get('q')).toBe('2');
    for (const bad of ['http://', '*', 'ftp://x/', '', undefined]) expect(parseRequestTarget(bad)).toBeUndefined();
  });

  it('parseRequestTarget reads every origin-form target as the WHATWG URL parser does (its fast path included)', () => {
    /** What the URL parser makes of an origin-form target: the reading the fast path must agree with. */
    const viaUrl = (raw: string) => {
      const u = new URL(`http://mock.invalid${raw}`);
      return { pathname: u.pathname, params: [...u.searchParams] };
    };
    // Mostly characters the fast path takes (so it is exercised), sometimes one the URL parser rewrites.
    const plain = fc.constantFrom('/', '/', '.', '..', 'a', 'Z9', '-', '_', '~', '%2e', '%41', '%', '?', '&', '=', '+', '"', "'", '<', ':', '@', ';');
    const odd = fc.constantFrom('#', ' ', '\\', 'é', '\t', '\x7f', '//');
    const target = fc.array(fc.oneof({ arbitrary: plain, weight: 12 }, { arbitrary: odd, weight: 1 }), { maxLength: 10 }).map((p) => `/${p.join('')}`);
    fc.assert(fc.property(target, (raw) => {
      const got = parseRequestTarget(raw);
      expect(got && { pathname: got.pathname, params: [...got.searchParams] }).toEqual(viaUrl(raw));
    }), { numRuns: 500, seed: 20261128 });
    // The fast path's own cases, each beside a near miss the URL parser rewrites.
    for (const [plain, rewritten] of [['/oauth/v4/token', '/oauth/./v4/token'], ['/a/b?x=1&y=%20+z', '/a/b?x=1#frag'], ['/v1.2/x_y~z/', '/a/../b'], ['/', '/a b']] as const) {
      expect(parseRequestTarget(plain)!.pathname).toBe(viaUrl(plain).pathname);
      expect(parseRequestTarget(rewritten)!.pathname).toBe(viaUrl(rewritten).pathname);
    }
    expect(parseRequestTarget('/a/../b')!.pathname).toBe('/b');
    expect([...parseRequestTarget('/a/b?x=1#frag')!.searchParams]).toEqual([['x', '1']]);
  });
});

describe('malformed bodies are 400 with a reason', () => {
  it('invalid JSON to the revoke endpoint', async () => {
    const ex = await http.send({ method: 'POST', url: `${att.url}/oauth/v4/revoke`, headers: { 'Content-Type': 'application/json' }, body: '{"token": ' });
    expect(ex.status).toBe(400);
    expect(ex.json).toMatchObject({ error: 'invalid_request', error_description: 'body is not valid JSON' });
  });

  it.each([
    ['{"advance": ', 'body is not valid JSON'],
    ['{"advance": "60"}', '"advance": expected a number of seconds, observed string'],
    ['{"advance": 1e308}', 'expected a total shift within'],
  ])('clock %s', async (body, message) => {
    const before = att.clock.offsetSeconds;
    const ex = await http.send({ method: 'POST', url: `${att.url}/__oauthgate/clock`, headers: { 'Content-Type': 'application/json' }, body });
    expect(ex.status).toBe(400);
    expect(String((ex.json as { error_description: string }).error_description)).toContain(message);
    expect(att.clock.offsetSeconds).toBe(before);
  });

  it('the clock itself refuses non-finite and out-of-range moves and stays usable', () => {
    const c = new MockClock();
    expect(() => c.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => c.advance(Number.NaN)).toThrow(RangeError);
    expect(() => c.advance(MAX_CLOCK_SHIFT_SECONDS + 1)).toThrow(/total shift within/);
    c.advance(MAX_CLOCK_SHIFT_SECONDS);
    expect(() => c.advance(1)).toThrow(RangeError);
    expect(Number.isFinite(c.now())).toBe(true);
  });
});

describe('a client that aborts mid-body', () => {
  it('leaves no warning and the mock keeps serving', async () => {
    warnings.length = 0;
    const { port } = new URL(att.url);
    await new Promise<void>((resolve) => {
      const s = connect(Number(port), '127.0.0.1', () => {
        s.write('POST /oauth/v4/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=cl', () => s.destroy());
      });
      s.on('close', () => resolve());
    });
    for (let i = 0; i < 3; i++) expect((await attToken()).status).toBe(200);
    expect(warnings).toEqual([]);
  });
});

describe('eviction by the mock clock', () => {
  it('expired access tokens, refresh tokens and codes are dropped; live ones kept', async () => {
    const m = await startMockServer({ spec: loadSpec('rfc6749').spec });
    started.push(m);
    const c = m.credentials;
    const token = (body: Record<string, string | undefined>) => http.send({
      method: 'POST', url: `${m.url}/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basicAuth(c.clientId, c.clientSecret!) }, body: formEncode(body),
    });
    for (let i = 0; i < 40; i++) expect((await token({ grant_type: 'client_credentials' })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const u = new URL(`${m.url}/authorize`);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: c.clientId, redirect_uri: c.redirectUri!, state: 's' })) u.searchParams.set(k, v);
      const a = await http.send({ method: 'GET', url: u.toString() });
      const code = new URL(a.headers.location!).searchParams.get('code')!;
      if (i < 3) expect((await token({ grant_type: 'authorization_code', code, redirect_uri: c.redirectUri })).status).toBe(200);
    }
    const before = m.storeSizes();
    expect(before).toMatchObject({ accessTokens: 43, refreshTokens: 3, codes: 5 });

    m.clock.advance(m.behaviour.lifetimes.authorizationCode + 1);
    expect(m.storeSizes()).toMatchObject({ accessTokens: 43, refreshTokens: 3, codes: 0 });
    m.clock.advance(m.behaviour.lifetimes.accessToken);
    expect(m.storeSizes()).toMatchObject({ accessTokens: 0, refreshTokens: 3 });
    m.clock.advance(m.behaviour.lifetimes.refreshToken!);
    expect(m.storeSizes()).toMatchObject({ accessTokens: 0, refreshTokens: 0, codes: 0 });
  });

  it('revoked tokens are dropped at once, and a dropped token is still rejected', async () => {
    const m = await startMockServer({ spec: loadSpec('att').spec });
    started.push(m);
    const c = m.credentials;
    const ex = await http.send({
      method: 'POST', url: `${m.url}/oauth/v4/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: formEncode({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret, scope: 'SMS' }),
    });
    const { access_token: at, refresh_token: rt } = ex.json as { access_token: string; refresh_token: string };
    expect(m.storeSizes()).toMatchObject({ accessTokens: 1, refreshTokens: 1 });
    const revoke = await http.send({ method: 'POST', url: `${m.url}/oauth/v4/revoke`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode({ token: rt, client_id: c.clientId, client_secret: c.clientSecret }) });
    expect(revoke.status).toBe(200);
    expect(m.storeSizes()).toMatchObject({ accessTokens: 0, refreshTokens: 0 });
    const resource = await http.send({ method: 'POST', url: `${m.url}${m.behaviour.resource.path}`, headers: { Authorization: `Bearer ${at}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect(resource.status).toBe(401);
  });

  it('each store is capped, dropping the oldest entries first', async () => {
    const m = await startMockServer({ spec: loadSpec('mobile-digital').spec, maxStoreEntries: 5 });
    started.push(m);
    const c = m.credentials;
    const tokens: string[] = [];
    for (let i = 0; i < 8; i++) {
      const ex = await http.send({
        method: 'POST', url: `${m.url}/prod/oauth2/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basicAuth(c.clientId, c.clientSecret!) },
        body: formEncode({ grant_type: 'client_credentials', scope: 'write' }),
      });
      tokens.push((ex.json as { access_token: string }).access_token);
    }
    expect(m.storeSizes().accessTokens).toBe(5);
    const call = (t: string) => http.send({ method: 'POST', url: `${m.url}/prod/sendSMS`, headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect((await call(tokens[0]!)).status).toBe(401);
    expect((await call(tokens[7]!)).status).toBe(200);
  });
});

describe('GET /__oauthgate/stats (what the benchmark reads to tell retained memory from garbage)', () => {
  it('reports the store sizes after eviction and the memory, only with the admin API', async () => {
    const m = await startMockServer({ spec: loadSpec('mobile-digital').spec, adminApi: true });
    const plain = await startMockServer({ spec: loadSpec('mobile-digital').spec });
    started.push(m, plain);
    const c = m.credentials;
    const stats = async () => (await http.send({ method: 'GET', url: `${m.url}/__oauthgate/stats` })).json as {
      stores: Record<string, number>; memory: { heapUsedBytes: number; rssBytes: number; afterGc: boolean };
    };
    expect((await stats()).stores).toMatchObject({ accessTokens: 0 });
    for (let i = 0; i < 3; i++) {
      const ex = await http.send({
        method: 'POST', url: `${m.url}/prod/oauth2/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basicAuth(c.clientId, c.clientSecret!) },
        body: formEncode({ grant_type: 'client_credentials', scope: 'write' }),
      });
      expect(ex.status).toBe(200);
    }
    const s = await stats();
    expect(s.stores).toEqual(m.storeSizes());
    expect(s.stores.accessTokens).toBe(3);
    expect(s.memory.heapUsedBytes).toBeGreaterThan(0);
    expect(s.memory.rssBytes).toBeGreaterThanOrEqual(s.memory.heapUsedBytes);
    expect(s.memory.afterGc).toBe(typeof (globalThis as { gc?: unknown }).gc === 'function');
    m.clock.advance(m.behaviour.lifetimes.accessToken);
    expect((await stats()).stores.accessTokens).toBe(0);
    expect((await http.send({ method: 'GET', url: `${plain.url}/__oauthgate/stats` })).status).toBe(404);
  });
});

describe('clientGone: who is owed an answer after a handler fails', () => {
  const socket = (destroyed: boolean) => ({ destroyed }) as unknown as import('node:net').Socket;
  it('a request whose body was read to the end (req.destroyed by autoDestroy) on a live socket is still answered', () => {
    // Regression: `req.destroyed` counted as "gone" and such requests were left unanswered when the handler threw.
    const readToTheEnd = { socket: socket(false), destroyed: true, complete: true };
    expect(clientGone(readToTheEnd, { destroyed: false }, new TypeError('bug in a handler'))).toBe(false);
  });
  it('a reset or destroyed socket, an aborted upload or a destroyed response is gone', () => {
    const live = { socket: socket(false) };
    expect(clientGone({ socket: socket(true) }, { destroyed: false }, new Error('x'))).toBe(true);
    expect(clientGone(live, { destroyed: true }, new Error('x'))).toBe(true);
    expect(clientGone(live, { destroyed: false }, Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(clientGone(live, { destroyed: false }, new Error('aborted'))).toBe(true);
    expect(clientGone(live, { destroyed: false }, new Error('x'))).toBe(false);
  });
});
