/**
 * Spec variants for tests: a bundled spec, changed by a function and validated again exactly as the loader
 * validates a file (schema, then the cross-field rules of the resolved view).
 */
import { stringify } from 'yaml';
import { loadSpec, parseSpec } from '../../src/spec/load.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { SUITES } from '../../suites/index.ts';
import type { CheckResult } from '../../src/checks/check.ts';
import type { FaultName } from '../../providers/faults.ts';
import { runConformance } from '../../src/runner/engine.ts';
import type { SuiteDef } from '../../src/runner/suite.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import { Redactor } from '../../src/redact.ts';

/** A deep copy of bundled spec `id` changed by `change`, validated as a spec file named `variant:<id>`. */
export function variantOf(id: string, change: (s: ProviderSpec) => void): ProviderSpec {
  const copy = structuredClone(loadSpec(id).spec);
  change(copy);
  return parseSpec(stringify(copy), `variant:${id}`);
}

/**
 * Every suite against a fresh mock of `spec` (with `faults`), results in suite order. The fuzz suite runs a few
 * generated cases per property with a fixed seed: here it is one suite among ten, not the point.
 */
export function runAllSuites(spec: ProviderSpec, faults: FaultName[] = [], fuzz = { seed: 7, fuzzRuns: 10 }): Promise<CheckResult[]> {
  return runSuites(spec, SUITES, faults, fuzz);
}

/** `suites` (in the order given) against a fresh mock of `spec` (with `faults`), as {@link runAllSuites} runs them all. */
export async function runSuites(spec: ProviderSpec, suites: SuiteDef[], faults: FaultName[] = [], fuzz = { seed: 7, fuzzRuns: 10 }): Promise<CheckResult[]> {
  const [run] = await runConformance({
    suites,
    plans: [{ spec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(spec, faults); return { target: m.target, release: m.close }; } }],
    timeoutMs: 5_000,
    redactor: new Redactor(),
    settings: fuzz,
  });
  return run!.checks;
}
