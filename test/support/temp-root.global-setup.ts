/**
 * Global setup of vitest.config.ts: one temporary directory for the whole `npm test`, removed when it ends. Every
 * test (and every process a test starts) that makes a temporary directory makes it in the system's temporary
 * directory, which is this one for the run (TMPDIR, read by os.tmpdir() and inherited by the workers and their
 * children): one run used to leave ~80 directories of run output, pact files and Allure results behind. A day-old
 * directory of a run killed before its teardown is removed by the next run.
 *
 * Inside it, `shared-runs/` is where the workers leave the clean-mock runs of test/support/harness.ts for each
 * other (provided as `sharedRunsDir`): suites/conformance.test.ts runs every suite on every bundled mock in one
 * worker, and the coverage, deviation and kill-matrix files ask for the same runs in the other (~70 runs made twice).
 * @see https://nodejs.org/api/os.html#ostmpdir
 * @see https://vitest.dev/config/#globalsetup
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's directory where workers share clean-mock runs (see {@link setup}). */
    sharedRunsDir: string;
  }
}

/** Age after which another run's directory is taken for one whose run was killed before its teardown. */
const STALE_MS = 24 * 3600 * 1000;

export default function setup(project: Pick<TestProject, 'provide'>): () => void {
  const system = tmpdir();
  // Runs killed before their teardown (Ctrl-C twice, a CI timeout) left their directory: a day later, nothing uses it.
  for (const name of readdirSync(system)) {
    if (!name.startsWith('oauthgate-test-')) continue;
    const path = join(system, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // gone already, or not ours to remove
    }
  }
  const root = mkdtempSync(join(system, 'oauthgate-test-'));
  const sharedRuns = join(root, 'shared-runs');
  mkdirSync(sharedRuns);
  project.provide('sharedRunsDir', sharedRuns);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
