// Re-checking survivors after new tests (docs/mutation.md): the test files named in MUTATE_TESTS (comma-separated),
// else the fast set. Sound only for mutants that survived the full set (a kill by a subset is a kill; a survivor of
// a subset says nothing), so use it with --mutate on the survivors' lines and keep the earlier verdicts of the rest.
import { defineConfig } from 'vitest/config';

const named = process.env.MUTATE_TESTS?.split(',').map((s) => s.trim()).filter(Boolean);

export default defineConfig({
  test: {
    include: named?.length ? named : ['test/checks/**/*.test.ts', 'test/pop/**/*.test.ts', 'test/runner/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 20_000,
    pool: 'threads',
    isolate: false,
  },
});
