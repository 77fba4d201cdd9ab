import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import FrontLoadSequencer from './test/support/sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'suites/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // suites/conformance.test.ts runs every suite on every bundled mock while it is collected; at the default 250
    // cases per fuzz property that run alone took 14.6 s of CPU (7 s at 25), the most of any file. npm test fuzzes at
    // 25 there, as test/support/harness.ts and `run --all` in test/cli do; test/fuzz fuzzes each clean mock at 60, and
    // `oauthgate run --all` (or OAUTHGATE_FUZZ_RUNS=250 npx vitest run suites/) keeps the full default.
    env: { OAUTHGATE_FUZZ_RUNS: process.env.OAUTHGATE_FUZZ_RUNS ?? '25' },
    // Builds dist/ when stale, so child processes of bin/oauthgate.mjs start the bundle, not tsx (as after npm ci);
    // makes one temporary directory for the run's temporary files, removed at its end, with a directory in it where
    // the workers share clean-mock runs (test/support/harness.ts).
    globalSetup: ['test/support/bundle.global-setup.ts', 'test/support/temp-root.global-setup.ts'],
    // Test files of a worker share one module registry: importing the harness, vitest's API and fast-check once per
    // worker instead of once per file took npm test from 3 min 19 s to 2 min 16 s (CPU 325 s -> 198 s) here. A test
    // resets what it changes globally (env, spies) itself.
    isolate: false,
    // Every core: vitest's default leaves one idle, half of a 2-core machine (294 s vs 203 s for the whole suite here).
    maxWorkers: availableParallelism(),
    // Files that work while being collected (the conformance run) start first instead of making the tail.
    sequence: { sequencer: FrontLoadSequencer },
  },
});
