/**
 * Secret planting (issue 9 item 8): distinctive secrets — a client secret and a password with `!`, space, `"`,
 * `\` and non-ASCII characters, access and refresh tokens longer than any cap, a PoP private key — are given to
 * the command line against a loopback server that echoes every request back in every way it can (JSON
 * `error_description`, ASCII-escaped JSON, plain-text bodies, the decoded Basic header, echo headers, long
 * tokens in WWW-Authenticate). Then every byte printed and every file written under --out (recursively, so
 * every future reporter is covered) is searched for every encoding of every secret. Nothing may be found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { testKeyPair } from '../../providers/keys/test-keys.ts';

const CLIENT_ID = 'planted-client';
const CLIENT_SECRET = 'Pl4nted! se"cr\\et ünï€ (x)~\'*';
const PASSWORD = 'pässwörd! "q" \\z ~x-planted';
const ACCESS_TOKEN = `AT.${'k9Xq-_~'.repeat(600)}.end`; // 4206 characters: longer than every cap
const REFRESH_TOKEN = `RT.${'Zr8w_-'.repeat(500)}.end`;
// The project's shipped TAAP test key (no RSA generation: 0.2-0.8 s of blocking CPU); the run sees it only as the
// target file's private key, like any other.
const POP_PEM = testKeyPair('taap-client').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** One value form-urlencoded (URLSearchParams). */
const form = (v: string) => new URLSearchParams([['', v]]).toString().slice(1);
/** Inside a JSON string literal. */
const json = (v: string) => JSON.stringify(v).slice(1, -1);
const ascii = (v: string) => json(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every encoding in which a secret may be sent, echoed or written. */
function encodings(secret: string): string[] {
  return [secret, form(secret), encodeURIComponent(secret), json(secret), json(json(secret)), ascii(secret), Buffer.from(secret).toString('base64')];
}

/** What must never appear: name → text. */
const FORBIDDEN: Record<string, string> = {};
function forbid(name: string, secret: string): void {
  encodings(secret).forEach((e, i) => (FORBIDDEN[`${name} (encoding ${i})`] = e));
}
forbid('client secret', CLIENT_SECRET);
forbid('password', PASSWORD);
forbid('access token', ACCESS_TOKEN);
forbid('refresh token', REFRESH_TOKEN);
FORBIDDEN['access token prefix'] = ACCESS_TOKEN.slice(0, 40);
FORBIDDEN['access token suffix'] = ACCESS_TOKEN.slice(-40);
FORBIDDEN['refresh token prefix'] = REFRESH_TOKEN.slice(0, 40);
FORBIDDEN['Basic credentials (RFC 6749 form-encoded)'] = Buffer.from(`${form(CLIENT_ID)}:${form(CLIENT_SECRET)}`).toString('base64');
FORBIDDEN['Basic credentials (raw)'] = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
FORBIDDEN['decoded Basic header'] = `${form(CLIENT_ID)}:${form(CLIENT_SECRET)}`;
FORBIDDEN['PoP private key'] = POP_PEM.split('\n')[1]!; // a line of the key's base64 body
FORBIDDEN['PoP private key (JSON)'] = json(POP_PEM).slice(30, 90);

/** Reads a request body whole. */
async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

/** Fields of a form or JSON body. */
function fieldsOf(body: string): Record<string, string> {
  try {
    const v = JSON.parse(body) as unknown;
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
  } catch {
    // form
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/** A server that echoes each request back: the decoded Basic header, every header, the body, in three styles. */
function echoServer(): Server {
  let n = 0;
  return createServer((req: IncomingMessage, res: ServerResponse) => void (async () => {
    const body = await bodyOf(req);
    const auth = req.headers.authorization ?? '';
    const basic = /^Basic (.+)$/i.exec(auth);
    const decoded = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : '';
    const [rawId = '', rawSecret = ''] = decoded.split(/:(.*)/s);
    const f = fieldsOf(body);
    const secret = basic ? decodeURIComponent(rawSecret.replace(/\+/g, ' ')) : f.client_secret;
    // Credentials first: code that cuts a body before redacting it would leave their beginnings.
    const echo = [
      auth.replace(/^\S+\s+/, ''),
      body,
      `${req.method} ${req.url}`,
      ...Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`),
      `body: ${body}`,
      `basic decoded: ${decoded} (id ${decodeURIComponent(rawId.replace(/\+/g, ' '))}, secret ${secret})`,
      `fields: ${JSON.stringify(f)}`,
    ].join('\n');
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (/^[\x20-\x7e]*$/.test(body) && body.length < 4000) headers['x-echo-body'] = body;
    if (auth.length < 4000) headers['x-echo-authorization'] = auth;
    const style = n++ % 3;
    const error = (status: number, code: string) => {
      if (style === 2) return void res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(echo);
      const text = JSON.stringify({ error: code, error_description: echo, echoed_fields: f });
      res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(style === 1 ? text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text);
    };
    const path = (req.url ?? '').split('?')[0]!;
    if (/token/.test(path) && !/revoke/.test(path)) {
      const grant = f.grant_type ?? f['grant-type'];
      const granted = secret === CLIENT_SECRET && (grant === 'client_credentials' || (grant === 'password' && f.password === PASSWORD) || (grant === 'refresh_token' && f.refresh_token === REFRESH_TOKEN));
      if (!granted) return error(secret === CLIENT_SECRET ? 400 : 401, secret === CLIENT_SECRET ? 'invalid_grant' : 'invalid_client');
      const tok = { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600, refresh_token: REFRESH_TOKEN, scope: f.scope ?? 'read', echo };
      return void res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(tok));
    }
    if (/revoke/.test(path)) return void res.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end(echo);
    if (/authorize/.test(path)) return error(400, 'invalid_request');
    res.writeHead(401, { ...headers, 'www-authenticate': `Bearer error="invalid_token", error_description="${auth.length < 4000 ? auth.replace(/"/g, '') : 'long'}"`, 'content-type': 'text/plain' }).end(echo);
  })());
}

/** Every file under `dir`, recursively, as text. */
function filesUnder(dir: string): Array<[string, string]> {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [[p, readFileSync(p, 'utf8')] as [string, string]];
  });
}

/** The names of forbidden texts found in `text`. */
const leaks = (text: string) => Object.entries(FORBIDDEN).filter(([, v]) => text.includes(v)).map(([k]) => k);

let server: Server;
let url = '';
const dir = mkdtempSync(join(tmpdir(), 'oauthgate-planting-'));
beforeAll(async () => {
  server = echoServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  writeFileSync(join(dir, 'pop.pem'), POP_PEM);
  writeFileSync(join(dir, 'sign.pem'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const TARGETS: Record<string, string[]> = {
  rfc6749: ['spec: rfc6749', 'autoConsent: true'],
  tangoe: ['spec: tangoe', 'username: planted-user', 'password: ${PLANTED_PASSWORD}', 'headers: { X-TNGO-TENANT: XYZ, client_id: planted-client }', 'autoConsent: true'],
  'tmobile-apis-v6': ['spec: tmobile-apis-v6', 'popPrivateKey: pop.pem'],
};

describe('planted secrets never reach any output, in any encoding', () => {
  it('the planted values are distinctive (each forbidden text is long enough to mean something)', () => {
    for (const [name, text] of Object.entries(FORBIDDEN)) expect(text.length, name).toBeGreaterThanOrEqual(20);
  });

  it.each(Object.keys(TARGETS))('%s: terminal, stderr and every file under --out', async (spec) => {
    writeFileSync(join(dir, `${spec}.yaml`), [...TARGETS[spec]!, `baseUrl: ${url}`, `clientId: ${CLIENT_ID}`, 'clientSecret: ${PLANTED_SECRET}'].join('\n'));
    const out = `out-${spec}`;
    // Every report format: the gate (--fail-on), GitHub annotations, signed evidence, and a merged re-render.
    // --max-rps 0: the live-target fuzz cases (10 per property) are all sent and echoed, without the 10-a-second
    // pacing that made most of this test's time.
    const r = await runCli(['run', '--target-file', `${spec}.yaml`, '--out', out, '--verbose', '--timeout', '5', '--fail-on', 'should', '--sign-key', 'sign.pem', '--max-rps', '0'], dir, { PLANTED_SECRET: CLIENT_SECRET, PLANTED_PASSWORD: PASSWORD, GITHUB_ACTIONS: 'true' });
    expect([0, 1], `${r.err}\n${r.out.slice(0, 2000)}`).toContain(r.code);
    const merged = await runCli(['merge', out, '--out', `${out}-merged`], dir);
    expect(merged.err).toBe('');
    const files = [...filesUnder(join(dir, out)), ...filesUnder(join(dir, `${out}-merged`))];
    const names = files.map(([p]) => p.slice(dir.length + 1));
    for (const f of ['summary.json', 'junit.xml', `certification-${spec}.md`, 'observations.json', 'evidence.jws']) expect(names).toContain(`${out}/${f}`);
    expect(names.some((n) => /^out-[^/]+\/allure-results\/.+-attachment\.txt$/.test(n))).toBe(true);
    const found = Object.fromEntries([['stdout', r.out] as const, ['stderr', r.err] as const, ['merge stdout', merged.out] as const, ...files].map(([where, text]) => [where, leaks(text)]).filter(([, l]) => l!.length));
    expect(found).toEqual({});
    // The server did echo the secrets: the run saw them and had to mask them.
    expect(r.out).toMatch(/\[redacted:[0-9a-f]{8}\]/);
  }, 120_000);
});
