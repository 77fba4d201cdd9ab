// The fast test set for mutation runs of single files (docs/mutation.md): the checks' and PoP library's
// self-tests and the runner, without the kill matrix (which starts mocks and runs whole suites per mutant).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/checks/**/*.test.ts', 'test/pop/**/*.test.ts', 'test/runner/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 20_000,
    pool: 'threads',
  },
});
