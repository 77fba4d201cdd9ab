/**
 * The suites as vitest tests: every registered suite against every bundled spec's mock, one vitest test per
 * check, so the conformance run shows up in vitest's reporters (and later Allure) like any other test.
 * A MUST or SHOULD check that fails fails its test; deviations and not-applicable checks pass with their
 * reason in the test name's annotation.
 */
import { describe, expect, it } from 'vitest';
import { loadAllSpecs } from '../src/spec/load.ts';
import { runConformance } from '../src/runner/engine.ts';
import { startMockTarget } from '../src/target/mock-target.ts';
import { SUITES } from './index.ts';

const specs = loadAllSpecs();
/** Fixed, so a fuzz case that breaks a mock fails every run the same way; OAUTHGATE_SEED tries another. */
const seed = Number(process.env.OAUTHGATE_SEED ?? 20261127);
const runs = await runConformance({
  suites: SUITES,
  settings: { seed },
  plans: specs.map(({ spec }) => ({
    spec,
    targetLabel: 'mock',
    acquire: async () => {
      const m = await startMockTarget(spec);
      return { target: m.target, release: m.close };
    },
  })),
});

for (const run of runs) {
  describe(`${run.spec} (mock, seed ${seed})`, () => {
    for (const suite of SUITES) {
      describe(suite.name, () => {
        const checks = run.checks.filter((c) => c.suite === suite.name);
        it.each(checks.map((c) => [`${c.id} [${c.severity}]`, c] as const))('%s', (_name, c) => {
          expect(c.status, c.reason).not.toBe('failed');
          expect(c.status, c.reason).not.toBe('skipped');
        });
      });
    }
  });
}
