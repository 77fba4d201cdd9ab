/**
 * Shared helpers for the harness's own tests: run one suite against a bundled spec's mock (optionally with
 * injected faults) and look up check results by id.
 */
import { expect, it } from 'vitest';
import { loadSpec } from '../../src/spec/load.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import type { FaultName } from '../../providers/faults.ts';
import type { SuiteDef } from '../../src/runner/suite.ts';
import type { CheckResult } from '../../src/checks/check.ts';
import { Redactor } from '../../src/redact.ts';
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

/** Runs `suite` against a fresh mock of bundled spec `specId` (or a spec object) with `faults`; returns its check results. */
export async function runOnMock(suite: SuiteDef, specId: string | ProviderSpec, faults: FaultName[] = []): Promise<CheckResult[]> {
  const spec = typeof specId === 'string' ? bundledSpec(specId) : specId;
  const [run] = await runConformance({
    suites: [suite],
    plans: [{ spec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(spec, faults); return { target: m.target, release: m.close }; } }],
    timeoutMs: 5_000,
    redactor: new Redactor(),
    // A fixed seed, and few fuzz cases: these runs test the other suites (test/fuzz tests the fuzz suite itself).
    settings: { seed: 20261127, fuzzRuns: 25 },
  });
  return run!.checks;
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

const cleanCache = new Map<string, Promise<CheckResult[]>>();

/** The suite's results on the clean mock of `specId`, run once per test file and shared by its tests. */
export function cleanRun(suite: SuiteDef, specId: string): Promise<CheckResult[]> {
  const key = `${suite.name}:${specId}`;
  if (!cleanCache.has(key)) cleanCache.set(key, runOnMock(suite, specId));
  return cleanCache.get(key)!;
}

/**
 * Registers the kill matrix of `suite`: for each `[spec, fault, check]` case, the clean mock passes `check`
 * and the mock with `fault` fails it with a message naming expected and observed; and for every spec in
 * `specs`, the clean mock passes the whole suite (no failed or skipped check).
 */
export function killMatrix(suite: SuiteDef, cases: ReadonlyArray<readonly [string, FaultName, string]>, specs: readonly string[]): void {
  // Rows that share a spec and a fault (one fault caught by several checks) share one run: the run is the same
  // (fixed seed), each row asserts on its own check.
  const faulted = new Map<string, Promise<CheckResult[]>>();
  const faultedRun = (spec: string, fault: FaultName) => {
    const key = `${spec}:${fault}`;
    if (!faulted.has(key)) faulted.set(key, runOnMock(suite, spec, [fault]));
    return faulted.get(key)!;
  };
  for (const [spec, fault, check] of cases) {
    it(`${spec}: fault "${fault}" fails ${check}`, async () => {
      const ok = result(await cleanRun(suite, spec), check);
      expect(ok.status, ok.reason).toBe('passed');
      const r = result(await faultedRun(spec, fault), check);
      expect(r.status, `expected ${check} to fail with ${fault}: ${r.reason}`).toBe('failed');
      expect(r.reason).toMatch(/expected .+ observed/);
    });
  }
  it.each(specs)(`%s: clean mock passes every check of the ${suite.name} suite`, async (spec) => {
    expect(problems(await cleanRun(suite, spec))).toEqual([]);
  });
}
