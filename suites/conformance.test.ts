/**
 * The suites as vitest tests, one vitest test per check, so a conformance run shows up in vitest's reporters
 * (its JUnit reporter, and Allure through allure-vitest) like any other test:
 *
 *   npx vitest run suites/                                               every bundled spec against its mock
 *   OAUTHGATE_TARGET=t.yaml npx vitest run suites/                       a live target (a target file)
 *   OAUTHGATE_TARGET=t.yaml npx vitest run suites/ --config vitest.allure.config.ts    … with Allure results
 *
 * OAUTHGATE_SEED and OAUTHGATE_FUZZ_RUNS set the fuzz suite's seed and cases per property (`--seed`, `--fuzz-runs`).
 *
 * A check that fails fails its test; deviations and not-applicable checks pass; a check a live target skipped (a wait
 * beyond waitBudgetSeconds) is a skipped test, while on a mock a skip fails. Under allure-vitest
 * each test carries the same labels, requirement links, stable ids and evidence steps as `oauthgate run`'s
 * `<out>/allure-results`.
 */
import { describe, expect, it } from 'vitest';
import { loadAllSpecs } from '../src/spec/load.ts';
import { runConformance, type RunPlan } from '../src/runner/engine.ts';
import { defaultRunSettings } from '../src/runner/suite.ts';
import type { CheckResult } from '../src/checks/check.ts';
import { allSuitesOnMock } from '../test/support/harness.ts';
import { loadTargetFile } from '../src/target/load.ts';
import { fetchJwks } from '../src/cli/main.ts';
import { Redactor } from '../src/redact.ts';
import { readSpecSource, type SpecSource } from '../src/report/links.ts';
import { sha256Hex } from '../src/report/specs.ts';
import { annotateCheck } from '../src/report/allure-runtime.ts';
import { SUITES } from './index.ts';
import { readFileSync } from 'node:fs';

const redactor = new Redactor();
const sources = new Map<string, SpecSource>();

/** The plan for the target file named by OAUTHGATE_TARGET. */
async function targetPlan(file: string): Promise<RunPlan> {
  const loaded = loadTargetFile(file, { redactor });
  if (loaded.jwksUri) loaded.target.jwks = await fetchJwks(loaded.jwksUri, 10);
  sources.set(loaded.spec.spec.id, specSource(loaded.spec.spec.id, loaded.spec.file));
  return { spec: loaded.spec.spec, targetLabel: loaded.target.label, acquire: async () => ({ target: loaded.target, release: async () => {} }) };
}

/**
 * Every suite on every bundled spec's mock (a fresh mock per suite, the mock's secrets redacted): the runs
 * test/support/harness.ts shares within a vitest worker and, under `npm test`, between its workers, so the kill-matrix,
 * coverage and deviation files judge these same clean runs instead of making them again.
 */
async function mockRuns(settings: { seed: number; fuzzRuns?: number }): Promise<Array<{ spec: string; target: string; checks: CheckResult[] }>> {
  const out = [];
  for (const { spec, file } of loadAllSpecs()) {
    sources.set(spec.id, specSource(spec.id, file));
    out.push({ spec: spec.id, target: 'mock', checks: await allSuitesOnMock(spec.id, { seed: settings.seed, fuzzRuns: settings.fuzzRuns ?? defaultRunSettings(false).fuzzRuns }) });
  }
  return out;
}

function specSource(id: string, file: string): SpecSource {
  return readSpecSource({ id, file, sha256: sha256Hex(readFileSync(file)) }, process.cwd(), sha256Hex);
}

/** True when allure-vitest's setup is loaded (vitest.allure.config.ts): only then are tests annotated. */
const allureActive = (): boolean => typeof (globalThis as Record<string, unknown>).allureTestRuntime === 'function';

/** Fixed, so a fuzz case that breaks a mock fails every run the same way; OAUTHGATE_SEED tries another. */
const seed = Number(process.env.OAUTHGATE_SEED ?? 20261127);
/**
 * Cases per fuzz property: OAUTHGATE_FUZZ_RUNS when set (vitest.config.ts sets 25 for `npm test`), else the run's
 * default for the target (as `oauthgate run`).
 */
function fuzzRunsSetting(): { fuzzRuns?: number } {
  const raw = process.env.OAUTHGATE_FUZZ_RUNS;
  if (raw === undefined || raw === '') return {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`OAUTHGATE_FUZZ_RUNS: expected a whole number from 1 to 100000, observed "${raw}"`);
  return { fuzzRuns: n };
}
const target = process.env.OAUTHGATE_TARGET;
const runs = target
  ? await runConformance({ suites: SUITES, settings: { seed, ...fuzzRunsSetting() }, plans: [await targetPlan(target)], redactor })
  : await mockRuns({ seed, ...fuzzRunsSetting() });

for (const run of runs) {
  const live = run.target !== 'mock';
  // The describe names become allure-vitest's parentSuite and suite labels: the spec id and the suite name.
  describe(run.spec, () => {
    for (const suite of SUITES) {
      describe(suite.name, () => {
        const checks = run.checks.filter((c) => c.suite === suite.name);
        it.for(checks.map((c) => [`${c.id} [${c.severity}]`, c] as const))('%s', async ([, c], ctx) => {
          if (allureActive()) await annotateCheck(run.spec, c, sources.get(run.spec), redactor);
          // A live target may skip with a reason (a wait beyond waitBudgetSeconds); a mock never should.
          if (live && c.status === 'skipped') return ctx.skip(c.reason);
          expect(c.status, `${c.reason} (seed ${seed})`).not.toBe('failed');
          expect(c.status, `${c.reason} (seed ${seed})`).not.toBe('skipped');
        });
      });
    }
    // The harness's own promise (issue 7: results carry what decided them), tested on the bundled mocks only, so that
    // a live target's tests stay about the server.
    if (!live) {
      it('every applicable check carries the exchanges that decided it', () => {
        expect(run.checks.filter((c) => c.status !== 'not_applicable' && !c.evidence?.length).map((c) => c.id)).toEqual([]);
      });
    }
  });
}
