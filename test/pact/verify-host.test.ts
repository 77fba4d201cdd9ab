/**
 * The verification worker is one long-lived process per parent process (its start-up costs more than a
 * verification): consecutive jobs share it, each job's log holds that job's console output only, a worker that
 * died is replaced by the next job (the job in flight fails with the reason), and an idle worker never keeps its
 * parent alive.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JOB_END, runInVerifyWorker, verifyWorkerPid, workerArgs, workerEnvKey } from '../../src/pact/verify-host.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import type { VerifyJob } from '../../src/pact/verify.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { verifyOnMock } from './support.ts';

/** A job with no pact file: the worker answers it without running Pact's Verifier, so it prints nothing. */
const emptyJob = (): VerifyJob => ({
  spec: loadSpec('att').spec,
  target: { kind: 'mock', label: 'unused', baseUrl: 'http://127.0.0.1:9', clientId: 'c', headers: {}, endpoints: {}, autoConsent: false },
  pactFiles: [],
  timeoutMs: 1_000,
});

describe('the verification worker', () => {
  it('serves consecutive jobs in one process; a job\'s log holds its own console output, never the one before it', async () => {
    const first = await verifyOnMock('att');
    const pid = verifyWorkerPid();
    expect(pid).toEqual(expect.any(Number));
    expect(first.log).toContain('Verifying a pact between oauthgate and att');
    expect(first.log).not.toContain(JOB_END.trim());
    const second = await runInVerifyWorker(emptyJob());
    expect(verifyWorkerPid()).toBe(pid);
    expect(second).toEqual({ files: [], secrets: [], log: '' });
  }, 90_000);

  it('a worker that dies fails the job in flight with its exit code; the next job gets a new worker', async () => {
    await runInVerifyWorker(emptyJob());
    const pid = verifyWorkerPid()!;
    const lost = runInVerifyWorker(emptyJob());
    process.kill(pid, 'SIGKILL');
    await expect(lost).rejects.toThrow(/^the Pact verification worker ended with code \d+ and no result/);
    expect(verifyWorkerPid()).toBeUndefined();
    expect(await runInVerifyWorker(emptyJob())).toMatchObject({ files: [] });
    expect(verifyWorkerPid()).not.toBe(pid);
  }, 60_000);

  it('an idle worker does not keep its parent alive: a process that verified once exits by itself, code 0', async () => {
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', loader, resolve(import.meta.dirname, '../support/verify-parent.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += String(c)));
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out).toMatch(/^\d+ 0\n$/);
  }, 60_000);

  it('starts the compiled worker while the bundle is fresh (the global setup builds it), the TypeScript source with OAUTHGATE_FROM_SOURCE=1', () => {
    expect(workerArgs({})).toEqual([join(PROJECT_ROOT, 'dist', 'verify-worker.mjs')]);
    expect(workerArgs({ OAUTHGATE_FROM_SOURCE: '1' })).toEqual(['--import', expect.stringMatching(/\/tsx\//), join(PROJECT_ROOT, 'src', 'pact', 'verify-worker.ts')]);
  });

  it('is replaced when a variable Pact, Node or a proxy reads changes, not when a test runner\'s per-file id does', () => {
    const env = { PACT_LOG_LEVEL: 'error', HTTPS_PROXY: 'http://proxy:3128', VITEST_WORKER_ID: '3', PATH: '/bin' };
    expect(workerEnvKey({ ...env, VITEST_WORKER_ID: '7' })).toBe(workerEnvKey(env));
    expect(workerEnvKey({ ...env, PACT_LOG_LEVEL: 'debug' })).not.toBe(workerEnvKey(env));
    expect(workerEnvKey({ ...env, HTTPS_PROXY: 'http://other:3128' })).not.toBe(workerEnvKey(env));
    expect(workerEnvKey({ ...env, NODE_EXTRA_CA_CERTS: '/ca.pem' })).not.toBe(workerEnvKey(env));
    expect(workerEnvKey({ ...env, __STRYKER_ACTIVE_MUTANT__: '12' })).not.toBe(workerEnvKey(env));
  });
});
