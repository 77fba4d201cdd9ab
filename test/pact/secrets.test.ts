/**
 * No secret in any output: a spec's mock is put behind a loopback front that records every credential that
 * crosses it (client secrets, Basic and Bearer values, PoP tokens, codes, issued access, refresh and ID tokens).
 * `oauthgate pact --verify` runs against the front as a live target; then the pact file, summary.json, the
 * verification log, stdout and stderr are searched for each recorded value (and the secret's base64 form).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, summaryOf } from '../support/cli.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';
import { tempDir } from './support.ts';

const CREDENTIAL_FIELDS = ['client_secret', 'code', 'refresh_token', 'password', 'access_token', 'id_token'];

/** A pass-through front for `upstream` that records credential values in requests and responses. */
async function startRecordingFront(upstream: string): Promise<{ url: string; seen: Set<string>; close: () => Promise<void> }> {
  const seen = new Set<string>();
  const record = (v: unknown) => {
    // Placeholders (`oauthgate.client_secret` + "x" in the wrong-secret case) are public by design.
    if (typeof v === 'string' && v.length >= 8 && !v.startsWith('oauthgate.')) seen.add(v);
  };
  const fields = (o: Record<string, unknown>) => CREDENTIAL_FIELDS.forEach((k) => record(o[k]));
  const server: Server = createServer((req, res) => {
    let text = '';
    // A client (Pact's verifier) may reset its connection mid-request: that is no test failure.
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('data', (c) => (text += String(c)));
    req.on('end', () => void forward().catch(() => { if (!res.headersSent) res.writeHead(502); res.end(); }));
    const forward = async () => {
      for (const h of ['authorization', 'x-authorization']) {
        const v = req.headers[h];
        if (typeof v === 'string') {
          record(v);
          record(v.split(/\s+/)[1]);
        }
      }
      try {
        fields(text.trim().startsWith('{') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text)));
      } catch { /* not a body with fields */ }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      const r = await fetch(`${upstream}${req.url}`, { method: req.method, headers, ...(text ? { body: text } : {}), redirect: 'manual' });
      const body = await r.text();
      try {
        fields(JSON.parse(body));
      } catch { /* not JSON */ }
      const location = r.headers.get('location');
      if (location) record(new URL(location).searchParams.get('code'));
      res.writeHead(r.status, Object.fromEntries([...r.headers].filter(([k]) => !['content-length', 'transfer-encoding', 'connection'].includes(k))));
      res.end(body);
    };
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function runThroughFront(specId: string) {
  const { spec } = loadSpec(specId);
  const mock: MockServer = await startMockServer({ spec });
  closers.push(() => mock.close());
  const front = await startRecordingFront(mock.url);
  closers.push(front.close);
  const dir = tempDir();
  const c = mock.credentials;
  const lines = [`spec: ${specId}`, `baseUrl: ${front.url}`, `clientId: ${c.clientId}`, 'clientSecret: ${SECRET}', 'autoConsent: true', `headers: ${JSON.stringify(c.headers)}`];
  if (c.popPrivateKeyPem) {
    writeFileSync(join(dir, 'pop.pem'), c.popPrivateKeyPem);
    lines.push('popPrivateKey: pop.pem');
  }
  writeFileSync(join(dir, 'target.yaml'), lines.join('\n'));
  const { code, out, err } = await runCli(['pact', '--target-file', 'target.yaml', '--verify', '--out', 'out', '--timeout', '5'], dir, { SECRET: c.clientSecret });
  const files = (readdirSync(join(dir, 'out'), { recursive: true }) as string[]).sort();
  const text = [out, err, ...files.filter((f) => statSync(join(dir, 'out', f)).isFile()).map((f) => readFileSync(join(dir, 'out', f), 'utf8'))].join('\n');
  return { code, out, files, text, seen: front.seen, secret: c.clientSecret! };
}

describe('secrets stay out of pact files, summaries and logs', () => {
  for (const specId of ['att', 'tmobile-naas-v2']) {
    it(`${specId}: none of the credentials that crossed the wire appears in any output`, async () => {
      const { code, out, files, text, seen, secret } = await runThroughFront(specId);
      expect(summaryOf(out).runs[0]!.checks.filter((x) => x.status !== 'passed').map((x) => `${x.id}: ${x.reason}`)).toEqual([]);
      expect(code).toBe(0);
      expect(files).toEqual(expect.arrayContaining([`oauthgate-${specId}.json`, 'pact-verification.log', 'summary.json']));
      expect(seen.size).toBeGreaterThan(5);
      expect(seen.has(secret) || [...seen].some((v) => v.startsWith('Basic '))).toBe(true);
      for (const v of [...seen, secret, Buffer.from(secret).toString('base64')]) expect(text.includes(v), `output contains a recorded credential (${v.slice(0, 6)}…)`).toBe(false);
    }, 90_000);
  }
});
