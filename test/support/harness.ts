/**
 * Shared helpers for the harness's own tests: run one suite against a bundled spec's mock (optionally with
 * injected faults) and look up check results by id.
 */
import { expect, inject, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { loadSpec } from '../../src/spec/load.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import type { FaultName } from '../../providers/faults.ts';
import type { SuiteDef } from '../../src/runner/suite.ts';
import type { CheckResult } from '../../src/checks/check.ts';
import { Redactor } from '../../src/redact.ts';
import { SUITES } from '../../suites/index.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';

const parsedSpecs = new Map<string, ProviderSpec>();

/**
 * Bundled spec `id`, read and validated once per worker (YAML and zod cost ~40 ms a load; the kill matrices load a
 * spec for each of hundreds of runs); each caller gets its own deep copy, so no run sees another's changes.
 */
export function bundledSpec(id: string): ProviderSpec {
  let spec = parsedSpecs.get(id);
  if (!spec) {
    spec = loadSpec(id).spec;
    parsedSpecs.set(id, spec);
  }
  return structuredClone(spec);
}

const bundledRuns = new Map<string, Promise<CheckResult[]>>();

/** How {@link runOnMock} runs a suite besides its spec and faults. */
export interface MockRunOptions {
  /** Judge only these checks (RunSettings.checks); default all. */
  checks?: readonly string[];
  /** Seed of the generated cases (only the fuzz suite reads it); default 20261127. */
  seed?: number;
  /** Generated cases per fuzz property (only the fuzz suite reads it); default 25. */
  fuzzRuns?: number;
}

/**
 * The check results of `suite` against a mock of bundled spec `specId` (or a spec object) with `faults`. On a bundled
 * spec the run is made once per worker and shared by every test file that asks for the same suite, spec, faults
 * (in the same order) and options: the seed is fixed, so a second run would judge the same behaviour again (the
 * kill-matrix rows, their clean runs, the coverage and deviation tests and the tests beside them asked for many runs
 * twice). A clean run (no fault) is also shared with the other workers of the same `npm test` ({@link acrossWorkers}).
 * Each caller gets its own array; the results in it are shared and must not be changed. A spec object always gets a
 * fresh run.
 */
export function runOnMock(suite: SuiteDef, specId: string | ProviderSpec, faults: FaultName[] = [], opts: MockRunOptions = {}): Promise<CheckResult[]> {
  if (typeof specId !== 'string') return freshRunOnMock(suite, specId, faults, opts);
  const key = `${suite.name}|${specId}|${faults.join(',')}|${opts.checks ? [...opts.checks].sort().join(',') : '*'}|${opts.seed ?? SEED}|${opts.fuzzRuns ?? FUZZ_RUNS}`;
  let run = bundledRuns.get(key);
  if (!run) {
    const fresh = () => freshRunOnMock(suite, bundledSpec(specId), faults, opts);
    run = faults.length ? fresh() : acrossWorkers(key, fresh);
    bundledRuns.set(key, run);
  }
  return run.then((results) => [...results]);
}

/** This `npm test`'s directory for runs shared between workers (test/support/temp-root.global-setup.ts), if any. */
const SHARED_RUNS_DIR: string | undefined = (() => {
  try {
    return inject('sharedRunsDir');
  } catch {
    return undefined;
  }
})();

/**
 * The clean run `key` as another worker of this `npm test` left it, else `compute()`'s, left for the others: the
 * clean runs are what two workers asked for alike (fault runs belong to one kill-matrix file each). Structured-clone
 * serialisation (node:v8) keeps every value a result holds. A run that is not there yet is made here, as before.
 */
async function acrossWorkers(key: string, compute: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  if (!SHARED_RUNS_DIR) return compute();
  const file = join(SHARED_RUNS_DIR, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.v8`);
  try {
    return deserialize(readFileSync(file)) as CheckResult[];
  } catch {
    // not made yet by another worker
  }
  const results = await compute();
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, serialize(results));
  renameSync(partial, file);
  return results;
}

/** The fixed seed of these runs, and their fuzz cases per property (they test the other suites; test/fuzz tests the fuzz suite). */
const SEED = 20261127;
const FUZZ_RUNS = 25;

/** Runs `suite` against a new mock of `spec` with `faults`; the mock's secrets are redacted, as `oauthgate run` does. */
async function freshRunOnMock(suite: SuiteDef, spec: ProviderSpec, faults: FaultName[], opts: MockRunOptions): Promise<CheckResult[]> {
  const redactor = new Redactor();
  const acquire = async () => {
    const m = await startMockTarget(spec, faults);
    redactor.add(m.target.clientSecret);
    redactor.add(m.target.password);
    return { target: m.target, release: m.close };
  };
  const [run] = await runConformance({
    suites: [suite],
    plans: [{ spec, targetLabel: 'mock', acquire }],
    timeoutMs: 5_000,
    redactor,
    settings: { seed: opts.seed ?? SEED, fuzzRuns: opts.fuzzRuns ?? FUZZ_RUNS, ...(opts.checks ? { checks: opts.checks } : {}) },
  });
  return run!.checks;
}

/**
 * Every suite's results on the clean mock of bundled spec `specId`, in registry order: the shared runs of
 * {@link runOnMock}, which the kill-matrix, coverage and deviation files and suites/conformance.test.ts of the same
 * worker ask for alike. `fuzz` (seed, cases per property) goes to the fuzz suite only, the one suite that reads it, so
 * every other suite's run is shared whatever it is. Four suites run at a time, as `oauthgate run` does.
 */
export async function allSuitesOnMock(specId: string, fuzz: Pick<MockRunOptions, 'seed' | 'fuzzRuns'> = {}): Promise<CheckResult[]> {
  const bySuite = new Map<string, CheckResult[]>();
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < SUITES.length) {
      const suite = SUITES[next++]!;
      bySuite.set(suite.name, await runOnMock(suite, specId, [], suite.name === 'fuzz' ? fuzz : {}));
    }
  }));
  return SUITES.flatMap((s) => bySuite.get(s.name)!);
}

/** The result with `id`; throws with the ids that exist when it is missing (so typos fail loudly). */
export function result(results: CheckResult[], id: string): CheckResult {
  const r = results.find((x) => x.id === id);
  if (!r) throw new Error(`no check "${id}" in results; have: ${results.map((x) => x.id).join(', ')}`);
  return r;
}

/** Ids of checks with status failed. */
export const failedIds = (results: CheckResult[]) => results.filter((r) => r.status === 'failed').map((r) => r.id);

/** Checks that are neither passed, not_applicable nor deviation, formatted for assertion messages. */
export const problems = (results: CheckResult[]) =>
  results.filter((r) => r.status === 'failed' || r.status === 'skipped').map((r) => `${r.status} ${r.id}: ${r.reason}`);

/** The suite's results on the clean mock of bundled spec `specId` (one shared run, see {@link runOnMock}). */
export function cleanRun(suite: SuiteDef, specId: string): Promise<CheckResult[]> {
  return runOnMock(suite, specId);
}

/** Options of {@link killMatrix}. */
export interface KillMatrixOptions {
  /**
   * Where given, each fault run judges only the checks of the rows with that spec and fault, plus these: the checks
   * the suite makes them need (through `passed`), which must be judged for the others to run (RunSettings.checks).
   * Only for a suite whose checks reach their verdicts from their own probes, those baselines and its steps, never
   * from state another check leaves on the mock; a missing baseline fails the row (its check ends skipped).
   */
  baselines?: readonly string[];
}

/** The checks the fault run of each `spec|fault` judges: its rows' checks and the baselines. */
function judgedChecks(cases: ReadonlyArray<readonly [string, FaultName, string]>, baselines: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [spec, fault, check] of cases) {
    const list = out.get(`${spec}|${fault}`) ?? [...baselines];
    if (!list.includes(check)) list.push(check);
    out.set(`${spec}|${fault}`, list);
  }
  return out;
}

/**
 * Registers the kill matrix of `suite`: for each `[spec, fault, check]` case, the clean mock passes `check`
 * and the mock with `fault` fails it with a message naming expected and observed; and for every spec in
 * `specs`, the clean mock passes the whole suite (no failed or skipped check).
 */
export function killMatrix(suite: SuiteDef, cases: ReadonlyArray<readonly [string, FaultName, string]>, specs: readonly string[], opts: KillMatrixOptions = {}): void {
  const judged = opts.baselines && judgedChecks(cases, opts.baselines);
  for (const [spec, fault, check] of cases) {
    it(`${spec}: fault "${fault}" fails ${check}`, async () => {
      const ok = result(await cleanRun(suite, spec), check);
      expect(ok.status, ok.reason).toBe('passed');
      // Rows that share a spec and a fault (one fault caught by several checks) share one run (runOnMock).
      const checks = judged?.get(`${spec}|${fault}`);
      const r = result(await runOnMock(suite, spec, [fault], checks ? { checks } : {}), check);
      expect(r.status, `expected ${check} to fail with ${fault}: ${r.reason}`).toBe('failed');
      expect(r.reason).toMatch(/expected .+ observed/);
    });
  }
  it.each(specs)(`%s: clean mock passes every check of the ${suite.name} suite`, async (spec) => {
    expect(problems(await cleanRun(suite, spec))).toEqual([]);
  });
}
