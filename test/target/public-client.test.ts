/**
 * A public client (RFC 6749 §2.1: clientAuth.methods [none]) checked live: a target file without clientSecret
 * against a server that knows the client by its client_id alone. The suites pass, and nothing asks for a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';
import { runCli, summaryOf } from '../support/cli.ts';
import { variantOf } from '../support/spec-variant.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-public-'));
let mock: MockServer;

beforeAll(async () => {
  const spec = variantOf('tangoe', (s) => { s.clientAuth.methods = ['none']; });
  writeFileSync(join(dir, 'public-spec.yaml'), stringify(spec));
  mock = await startMockServer({ spec });
  const c = mock.credentials;
  expect(c.clientSecret).toBeUndefined();
  writeFileSync(join(dir, 'target.yaml'), [
    'spec: ./public-spec.yaml', `baseUrl: ${mock.url}`, `clientId: ${c.clientId}`, `username: ${c.username}`, 'password: ${PUBLIC_PASSWORD}',
    `headers: ${JSON.stringify(c.headers)}`, 'autoConsent: true',
  ].join('\n'));
});
afterAll(() => mock.close());

describe('a public client against a live target', () => {
  it('runs without a clientSecret and passes the token, grant and revocation suites', async () => {
    const { code, out, err } = await runCli(['run', '--target-file', 'target.yaml', '--suite', 'token-endpoint', '--suite', 'grant-types', '--suite', 'revocation', '--out', 'out'], dir, { PUBLIC_PASSWORD: mock.credentials.password });
    expect(err).toBe('');
    expect(code, out).toBe(0);
    const checks = summaryOf(out).runs[0]!.checks;
    expect(checks.filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    expect(checks.find((c) => c.id === 'grant.password.end-to-end')?.status).toBe('passed');
    expect(checks.find((c) => c.id === 'error.wrong-secret')?.status).toBe('not_applicable');
  });
});
