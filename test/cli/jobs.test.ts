/**
 * `run --jobs N` (issue 10, both cores): specs spread over child processes give the same verdicts, the same
 * output order, the same summary and the same exit code as a serial run; only durations (and random values the
 * mocks issue) differ.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli, summaryOf, type CliResult } from '../support/cli.ts';
import type { Summary } from '../../src/report/summary.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-jobs-'));
const bin = resolve(import.meta.dirname, '../../bin/oauthgate.mjs');

/** Every verdict of a summary, in order: spec, check id, severity, status. */
const verdicts = (s: Summary) => s.runs.map((r) => ({ spec: r.spec, target: r.target, counts: r.counts, checks: r.checks.map((c) => [c.id, c.severity, c.status]) }));

/** The spec blocks of the terminal output in order, each with its suites sorted (suites of one spec finish in any order, serial or not). */
const specOrder = (out: string) => [...out.matchAll(/^(\S+) on mock: (\d+) checks/gm)].map((m) => `${m[1]} ${m[2]}`);

/** The run of `args` with --jobs 1 and with --jobs 2; summary.json only (the parent writes every report alike either way). */
async function both(args: string[], name: string): Promise<[CliResult, CliResult]> {
  const serial = await runCli(['run', ...args, '--seed', '11', '--jobs', '1', '--reports', 'none', '--out', `${name}-serial`], dir);
  const parallel = await runCli(['run', ...args, '--seed', '11', '--jobs', '2', '--reports', 'none', '--out', `${name}-parallel`], dir);
  return [serial, parallel];
}

describe('run --jobs', () => {
  it.concurrent('clean mocks of three specs: the same verdicts, spec order, seed and exit code as --jobs 1', async () => {
    const [serial, parallel] = await both(['--spec', 'att', '--spec', 'rfc6749', '--spec', 'tmobile-apis-v6', '--suite', 'token-endpoint', '--suite', 'pop', '--suite', 'scope'], 'clean');
    expect(serial.code).toBe(0);
    expect(parallel.code).toBe(serial.code);
    expect(parallel.err).toBe(serial.err);
    const s = summaryOf(serial.out);
    const p = summaryOf(parallel.out);
    expect(verdicts(p)).toEqual(verdicts(s));
    expect(p.exitCode).toBe(s.exitCode);
    expect(p.options).toEqual(s.options);
    expect(specOrder(parallel.out)).toEqual(specOrder(serial.out));
    expect(specOrder(serial.out)).toHaveLength(3);
    // The children's mocks issued the credentials: none reaches the parent's summary or terminal output unredacted.
    const written = JSON.stringify(p) + parallel.out;
    expect(written).toContain('[redacted:');
    expect(written).not.toMatch(/Basic (?!\[redacted)[A-Za-z0-9+/]{16,}={0,2}/);
    expect(written).not.toMatch(/"client_secret":"(?!\[redacted)/);
  }, 120_000);

  // Concurrent with the clean-mocks test above: this one mostly waits on paced requests in its child, which left a
  // core idle for ~4 s; the other runs in this process meanwhile (and is the only one here that captures stderr).
  it.concurrent('Ctrl-C (SIGINT to the whole process group) mid-run: a partial summary and exit 130, never a crashed-worker error', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'oauthgate-jobs-int-'));
    // Work must be left when the signal lands. The child takes the first spec and starts cold, while this process
    // runs the next ones warm: CPU-bound specs (all suites, default fuzz runs) let the parent finish most of them
    // before the child's first lines, and cost ~10 s of CPU. Paced fuzzing (--max-rps) makes every spec last the
    // same seconds of waiting, warm or cold, with almost no CPU: when the first spec's lines are out, the others are
    // still waiting or have not started.
    const child = spawn(process.execPath, [bin, 'run', '--all', '--suite', 'fuzz', '--fuzz-runs', '5', '--max-rps', '10', '--jobs', '2', '--out', 'out'], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    // The first finished spec's suite lines are printed while the workers still wait on the others.
    await new Promise<void>((r) => child.stdout.on('data', (d) => {
      out += String(d);
      if (/^ +\S+ +\S+ +\d+ passed/m.test(out)) r();
    }));
    child.stderr.on('data', (d) => (err += String(d)));
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited, `${out}\n${err}`).toBe(130);
    expect(err).not.toMatch(/internal error|stopped .* before it finished/);
    const s = JSON.parse(readFileSync(join(cwd, 'out', 'summary.json'), 'utf8')) as Summary;
    expect(s.interrupted).toBe(true);
    expect(s.runs.length).toBeGreaterThan(0);
    // The signal landed mid-run: the six specs (one suite each) had not all finished, so fewer results arrived than
    // six times the fullest spec's.
    const counts = s.runs.map((r) => r.checks.length);
    expect(counts.reduce((a, b) => a + b, 0), JSON.stringify(counts)).toBeLessThan(6 * Math.max(...counts));
  }, 120_000);

  it('a fault that fails a MUST on every spec: the same failed checks and exit 1 both ways', async () => {
    const [serial, parallel] = await both(['--spec', 'att', '--spec', 'mobile-digital', '--suite', 'token-endpoint', '--fault', 'no-cache-control'], 'fault');
    expect(serial.code).toBe(1);
    expect(parallel.code).toBe(1);
    const s = summaryOf(serial.out);
    const p = summaryOf(parallel.out);
    expect(verdicts(p)).toEqual(verdicts(s));
    expect(p.runs.flatMap((r) => r.checks.filter((c) => c.status === 'failed').map((c) => c.id))).toContain('token.cache-control-no-store');
  }, 120_000);

  it('rejects --jobs 0 with one line and exit 2', async () => {
    const r = await runCli(['run', '--all', '--jobs', '0', '--out', 'bad'], dir);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('--jobs: expected a number from 1 to 64, observed "0"');
  });
});
