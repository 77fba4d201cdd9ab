// The test set for mutation runs of src/pop (docs/mutation.md): the PoP library's own tests and the TAAP checks'
// tests, the only test files of the fast set that import src/pop. Fewer tests per mutant than the fast set (and so
// a shorter timeout for the heap loops' endless-loop mutants); a test elsewhere could only add kills.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/pop/**/*.test.ts', 'test/checks/pop.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 20_000,
    pool: 'threads',
    isolate: false,
  },
});
