/**
 * The verification worker is one long-lived process per parent process (its start-up costs more than a
 * verification): consecutive jobs share it, each job's log holds that job's console output only, a worker that
 * died is replaced by the next job (the job in flight fails with the reason), and an idle worker never keeps its
 * parent alive.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { devNull } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JOB_END, runInVerifyWorker, verifyWorkerPid, workerArgs, workerEnv, workerEnvKey } from '../../src/pact/verify-host.ts';
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
    // The worker was started with workerEnv()'s certificate settings (below), whatever this process has.
    const environ = Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
    expect({ file: environ.SSL_CERT_FILE, dir: environ.SSL_CERT_DIR }).toEqual({ file: devNull, dir: undefined });
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

  it('gives Pact\'s Rust core an empty certificate store (it speaks plain HTTP to the local proxy), unless Node is told to use OpenSSL\'s', () => {
    const parent = { SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt', SSL_CERT_DIR: '/etc/ssl/certs', PATH: '/bin' };
    expect(workerEnv(parent)).toEqual({ SSL_CERT_FILE: devNull, PATH: '/bin', PACT_DO_NOT_TRACK: 'true' });
    expect(workerEnv({ PATH: '/bin', PACT_DO_NOT_TRACK: 'false' })).toEqual({ SSL_CERT_FILE: devNull, PATH: '/bin', PACT_DO_NOT_TRACK: 'false' });
    // Node reads SSL_CERT_FILE and SSL_CERT_DIR itself under --use-openssl-ca or --use-system-ca: the proxy's
    // connection to an HTTPS target needs them.
    for (const flag of ['--use-openssl-ca', '--use-system-ca']) {
      expect(workerEnv({ ...parent, NODE_OPTIONS: `--max-old-space-size=4096 ${flag}` })).toEqual({ ...parent, NODE_OPTIONS: `--max-old-space-size=4096 ${flag}`, PACT_DO_NOT_TRACK: 'true' });
    }
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
