/**
 * Global setup of vitest.config.ts: a directory, new for each `npm test`, where the workers leave the clean-mock runs
 * of test/support/harness.ts for each other. suites/conformance.test.ts runs every suite on every bundled mock in
 * one worker, and the coverage, deviation and kill-matrix files ask for the same runs in the other: made twice, they
 * were ~70 runs of one `npm test`. Removed when the run ends.
 * @see https://vitest.dev/config/#globalsetup
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory of {@link setup}, where workers share clean-mock runs. */
    sharedRunsDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'oauthgate-shared-runs-'));
  project.provide('sharedRunsDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
