/**
 * Running the harness against a third-party server the way a vendor would (a target file, the command line),
 * and reading the verdict documents in docs/verdicts/ that justify each failure it pins.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, summaryOf } from '../cli.ts';
import type { CheckResult } from '../../../src/checks/check.ts';

/** One harness run: its exit code, what it printed and every check of its one spec run. */
export interface VendorRun {
  code: number;
  out: string;
  err: string;
  checks: CheckResult[];
}

/**
 * Writes `targetLines` as target.yaml in a fresh directory and runs `oauthgate run --target-file target.yaml`
 * with `args` (suites, fuzz runs…); `env` holds the secrets the target file references as `${NAME}`. Only
 * summary.json is written (`--reports none`): the verdicts are the subject here, the reports are tested elsewhere.
 */
export async function runVendor(targetLines: string[], args: string[], env: Record<string, string>): Promise<VendorRun> {
  const dir = mkdtempSync(join(tmpdir(), 'oauthgate-vendor-'));
  writeFileSync(join(dir, 'target.yaml'), targetLines.join('\n'));
  const r = await runCli(['run', '--target-file', 'target.yaml', '--out', 'out', '--timeout', '5', '--reports', 'none', ...args], dir, env);
  const checks = /summary: /.test(r.out) ? summaryOf(r.out).runs[0]!.checks : [];
  if (process.env.OAUTHGATE_DEBUG) for (const c of checks) console.log(c.status, c.severity, c.id, c.reason ?? '');
  return { ...r, checks };
}

/** Sorted ids of the checks with `status`. */
export const idsWith = (checks: CheckResult[], status: CheckResult['status']): string[] =>
  checks.filter((c) => c.status === status).map((c) => c.id).sort();

/** The text of docs/verdicts/<name>.md. */
export function verdictDoc(name: string): string {
  return readFileSync(new URL(`../../../docs/verdicts/${name}.md`, import.meta.url), 'utf8');
}

/**
 * The check ids a verdict document justifies: every backquoted check id in a level-3 heading
 * (`### \`token.pragma-no-cache\` — …`; one heading may name several ids that share one justification).
 */
export function justifiedIds(doc: string): string[] {
  return doc.split('\n').filter((l) => l.startsWith('### ')).flatMap((l) => [...l.matchAll(/`([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+)`/g)].map((m) => m[1]!));
}

/**
 * The fuzz settings of every vendor run: small and seeded, so the same cases run every time, and unpaced (the
 * server is the test's own on loopback; the live-target default of 10 requests a second only made each run wait).
 */
export const VENDOR_FUZZ = ['--fuzz-runs', '5', '--seed', '1', '--max-rps', '0'];

/** Lines of a target file for `spec: rfc6749` against `url`, with the client secret in `${SECRET}`. */
export function rfc6749Target(url: string, clientId: string, extra: string[]): string[] {
  return ['spec: rfc6749', `baseUrl: ${url}`, `clientId: ${clientId}`, 'clientSecret: ${SECRET}', 'autoConsent: true', ...extra];
}
