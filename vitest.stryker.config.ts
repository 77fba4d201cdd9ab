// The tests Stryker runs against mutants of src/checks and src/pop: the checks' and PoP library's self-tests, the
// rejection rule, and the kill matrix (each mock fault must fail the check meant to catch it).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/checks/**/*.test.ts', 'test/pop/**/*.test.ts', 'test/kill-matrix/**/*.test.ts', 'test/runner/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 20_000,
    pool: 'threads',
    isolate: false,
  },
});
