/**
 * No report holds a secret: a run against live-style targets (a target file whose secrets come from the
 * environment), gated, signed and merged, then every file under every output folder is searched for the client
 * secret, the password, Basic credentials, tokens (JWTs) and private keys, in plain, URL and base64 encodings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-secrets-'));
const mocks: MockServer[] = [];

/** Every file under a folder, with its text. */
function filesUnder(root: string): { file: string; text: string }[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => ({ file: join(e.parentPath, e.name), text: readable(join(e.parentPath, e.name)) }));
}

/** A file's text; a compact JWS (evidence.jws) is itself a JWT-shaped string, so its header and payload are decoded. */
function readable(file: string): string {
  const text = readFileSync(file, 'utf8');
  if (!file.endsWith('.jws')) return text;
  const [h, p, sig] = text.trim().split('.');
  expect(sig, file).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  return [h, p].map((x) => Buffer.from(x!, 'base64url').toString('utf8')).join('\n');
}

/** Writes a target file for a mock of `spec`; its secret and password come from the environment. */
async function target(spec: string, env: NodeJS.ProcessEnv): Promise<string> {
  const mock = await startMockServer({ spec: loadSpec(spec).spec });
  mocks.push(mock);
  const c = mock.credentials;
  const upper = spec.toUpperCase().replace(/-/g, '_');
  env[`${upper}_SECRET`] = c.clientSecret;
  env[`${upper}_PASSWORD`] = c.password;
  const lines = [
    `spec: ${spec}`, `baseUrl: ${mock.url}`, `clientId: ${c.clientId}`, `clientSecret: \${${upper}_SECRET}`, `username: ${c.username}`, `password: \${${upper}_PASSWORD}`,
    `autoConsent: true`, `headers: ${JSON.stringify(c.headers)}`, `jwksUri: ${mock.url}/.well-known/jwks.json`, `issuer: ${c.issuer}`,
    ...(c.redirectUri ? [`redirectUri: ${c.redirectUri}`] : []),
  ];
  if (c.popPrivateKeyPem) {
    writeFileSync(join(dir, `${spec}-pop.pem`), c.popPrivateKeyPem);
    lines.push(`popPrivateKey: ${spec}-pop.pem`);
  }
  writeFileSync(join(dir, `${spec}.yaml`), lines.join('\n'));
  return `${spec}.yaml`;
}

const env: NodeJS.ProcessEnv = {};
const outputs: string[] = [];

beforeAll(async () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'sign.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'baseline.yaml'), '- { spec: tangoe, check: token.none, reason: r, expires: 2099-01-01 }\n');
  for (const spec of ['tmobile-apis-v6', 'tangoe', 'att']) {
    // --max-rps 0: every live-target fuzz case is sent (10 per property), without the 10-a-second pacing of a live
    // target that made most of this file's time; pacing is not what this test reads.
    const r = await runCli(['run', '--target-file', await target(spec, env), '--out', `out-${spec}`, '--verbose', '--sign-key', 'sign.pem', '--fail-on', 'should', '--baseline', 'baseline.yaml', '--max-rps', '0'], dir, { ...env, GITHUB_ACTIONS: 'true' });
    expect(r.err, spec).toBe('');
    outputs.push(r.out);
  }
  const m = await runCli(['merge', 'out-tmobile-apis-v6', 'out-tangoe', 'out-att', '--out', 'merged', '--sign-key', 'sign.pem'], dir);
  expect(m.err).toBe('');
  outputs.push(m.out);
}, 120_000);

afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
});

describe('secrets in reports', () => {
  it('appear in no file of any format (summary, JUnit, Markdown, Allure results and attachments, observations, evidence.jws)', () => {
    const files = ['out-tmobile-apis-v6', 'out-tangoe', 'out-att', 'merged'].flatMap((o) => filesUnder(join(dir, o)));
    const names = files.map((f) => f.file.slice(dir.length + 1));
    for (const format of [/summary\.json$/, /junit\.xml$/, /certification-[a-z0-9-]+\.md$/, /observations\.json$/, /evidence\.jws$/, /allure-results\/[^/]+-result\.json$/, /allure-results\/environment\.properties$/]) {
      expect(names.some((n) => format.test(n)), String(format)).toBe(true);
    }
    const forbidden: string[] = [];
    for (const m of mocks) {
      const c = m.credentials;
      for (const s of [c.clientSecret!, c.password]) forbidden.push(s, encodeURIComponent(s), Buffer.from(s).toString('base64'));
      forbidden.push(Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64'));
    }
    // Every leak of every file at once (one expect per file and secret cost ~0.5 s of vitest bookkeeping here).
    const leaks: string[] = [];
    for (const { file, text } of [...files, ...outputs.map((text, i) => ({ file: `stdout ${i}`, text }))]) {
      for (const [i, s] of forbidden.entries()) if (text.includes(s)) leaks.push(`${file} holds secret #${i}`);
      if (/eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/.test(text)) leaks.push(`${file} holds a JWT (access, id or PoP token)`);
      if (/BEGIN [A-Z ]*PRIVATE KEY|MII[A-Za-z0-9+/]{40}/.test(text)) leaks.push(`${file} holds a private key`);
    }
    expect(leaks).toEqual([]);
  });
});
