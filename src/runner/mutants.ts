/**
 * The kill matrix, measured: every mock fault injected into the mock of every spec it changes, every suite that
 * applies to that spec run against it, and each check that passed on the clean mock but failed with the fault
 * recorded as killed by it. A check no fault kills is a check that cannot fail (it proves nothing); a fault that
 * kills nothing is a misbehaviour the harness cannot see. `oauthgate mutants` prints this; test/kill-matrix/
 * keeps its hand-written tables in step with it.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ProviderSpec } from '../spec/schema.ts';
import type { SuiteDef } from './suite.ts';
import type { CheckResult } from '../checks/check.ts';
import { runConformance } from './engine.ts';
import { Redactor } from '../redact.ts';
import { startMockTarget } from '../target/mock-target.ts';
import { resolveSpec } from '../spec/resolve.ts';
import { cleanBehaviour } from '../../providers/behaviour.ts';
import { applyFaults, FAULT_NAMES, type FaultName } from '../../providers/faults.ts';

/**
 * Transport faults fail every check of a run at once (nothing answers), so counting them as killers would make
 * every check look killable. They are left out of the matrix; test/cli and test/http cover them.
 */
export const TRANSPORT_FAULTS: readonly FaultName[] = ['hang', 'reset', 'garbage'];

/** The faults the matrix runs by default: all but {@link TRANSPORT_FAULTS}. */
export const MATRIX_FAULTS: FaultName[] = FAULT_NAMES.filter((f) => !TRANSPORT_FAULTS.includes(f));

export interface MutantsOptions {
  specs: ProviderSpec[];
  suites: SuiteDef[];
  /** Default {@link MATRIX_FAULTS}. */
  faults?: FaultName[];
  /** Mock runs at once. Default 2. */
  concurrency?: number;
  /** Generated cases per fuzz property. Default 10. */
  fuzzRuns?: number;
  /** Called after each run (clean or faulted), for progress output. */
  onRun?: (spec: string, fault: FaultName | undefined) => void;
}

/** One check, where its clean mocks pass it, and the faults that make it fail (fault -> specs). */
export interface MatrixCheck {
  id: string;
  suite: string;
  /** Specs whose clean mock passes it: only there can a fault kill it. */
  passesOn: string[];
  killedBy: Record<string, string[]>;
}

/** One fault: the specs whose behaviour it changes, and the checks it fails (check -> specs). */
export interface MatrixFault {
  name: FaultName;
  appliesTo: string[];
  kills: Record<string, string[]>;
}

/** The measured kill matrix. */
export interface KillMatrix {
  specs: string[];
  suites: string[];
  faults: MatrixFault[];
  checks: MatrixCheck[];
  /** Checks that pass on some clean mock and that no fault kills. */
  unkilledChecks: string[];
  /** Checks that pass on no clean mock of the selection (not applicable or a deviation everywhere): no fault can kill them here. */
  neverPassing: string[];
  /** Faults that change some spec's mock but fail no check. */
  faultsKillingNothing: FaultName[];
  /** Faults that change no selected spec's mock (nothing was run). */
  faultsNotApplying: FaultName[];
}

/** Behaviour with sets turned into sorted arrays, so two behaviours compare by value. */
function comparable(v: unknown): unknown {
  if (v instanceof Set) return [...v].map(String).sort();
  if (Array.isArray(v)) return v.map(comparable);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, comparable(x)]));
  return v;
}

/**
 * The faults of `faults` that change what the mock of `spec` does (a patch that finds nothing to break is a no-op
 * there). The clean behaviour is built once for all of them: each patch returns a changed copy of it.
 */
export function faultsChanging(spec: ProviderSpec, faults: readonly FaultName[]): Set<FaultName> {
  const clean = cleanBehaviour(resolveSpec(spec));
  const before = comparable(clean);
  return new Set(faults.filter((f) => !isDeepStrictEqual(before, comparable(applyFaults(clean, [f])))));
}

/** Whether `fault` changes what the mock of `spec` does (see {@link faultsChanging}). */
export function faultChanges(spec: ProviderSpec, fault: FaultName): boolean {
  return faultsChanging(spec, [fault]).has(fault);
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

async function runMock(spec: ProviderSpec, suites: SuiteDef[], faults: FaultName[], fuzzRuns: number): Promise<CheckResult[]> {
  const [run] = await runConformance({
    suites,
    plans: [{ spec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(spec, faults); return { target: m.target, release: m.close }; } }],
    timeoutMs: 5_000,
    redactor: new Redactor(),
    concurrency: 2,
    settings: { seed: 20261127, fuzzRuns },
  });
  return run!.checks;
}

const add = (m: Record<string, string[]>, k: string, v: string) => { (m[k] ??= []).push(v); };

/**
 * Measures the kill matrix of `suites` over `specs` and `faults`: a clean run per spec, then one run per
 * (spec, fault) where the fault changes that spec's mock, with only the suites that applied on the clean run.
 */
export async function measureKillMatrix(opts: MutantsOptions): Promise<KillMatrix> {
  const faults = opts.faults ?? MATRIX_FAULTS;
  const fuzzRuns = opts.fuzzRuns ?? 10;
  const concurrency = opts.concurrency ?? 2;
  const checks = new Map<string, MatrixCheck>();
  const faultRows = new Map<FaultName, MatrixFault>(faults.map((f) => [f, { name: f, appliesTo: [], kills: {} }]));
  const passedClean = new Map<string, Set<string>>();
  const applicable = new Map<string, SuiteDef[]>();

  await pool(opts.specs, concurrency, async (spec) => {
    const results = await runMock(spec, opts.suites, [], fuzzRuns);
    opts.onRun?.(spec.id, undefined);
    const passed = new Set<string>();
    for (const r of results) {
      const c = checks.get(r.id) ?? { id: r.id, suite: r.suite, passesOn: [], killedBy: {} };
      checks.set(r.id, c);
      if (r.status === 'passed') {
        passed.add(r.id);
        c.passesOn.push(spec.id);
      }
    }
    passedClean.set(spec.id, passed);
    // A suite applies where it recorded more than a single not-applicable result.
    applicable.set(spec.id, opts.suites.filter((s) => results.some((r) => r.suite === s.name && r.status !== 'not_applicable')));
  });

  const jobs: Array<[ProviderSpec, FaultName]> = [];
  for (const spec of opts.specs) {
    if (!applicable.get(spec.id)!.length) continue;
    const changing = faultsChanging(spec, faults);
    for (const f of faults) if (changing.has(f)) jobs.push([spec, f]);
  }
  await pool(jobs, concurrency, async ([spec, fault]) => {
    faultRows.get(fault)!.appliesTo.push(spec.id);
    const results = await runMock(spec, applicable.get(spec.id)!, [fault], fuzzRuns);
    opts.onRun?.(spec.id, fault);
    const passed = passedClean.get(spec.id)!;
    for (const r of results) {
      if (r.status !== 'failed' || !passed.has(r.id)) continue;
      add(faultRows.get(fault)!.kills, r.id, spec.id);
      add(checks.get(r.id)!.killedBy, fault, spec.id);
    }
  });

  const specOrder = (a: string, b: string) => opts.specs.findIndex((s) => s.id === a) - opts.specs.findIndex((s) => s.id === b);
  const sortLists = (m: Record<string, string[]>) => Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k]!.sort(specOrder)]));
  const checkList = [...checks.values()]
    .map((c) => ({ ...c, passesOn: c.passesOn.sort(specOrder), killedBy: sortLists(c.killedBy) }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const faultList = faults.map((f) => { const r = faultRows.get(f)!; return { ...r, appliesTo: r.appliesTo.sort(specOrder), kills: sortLists(r.kills) }; });
  return {
    specs: opts.specs.map((s) => s.id),
    suites: opts.suites.map((s) => s.name),
    faults: faultList,
    checks: checkList,
    unkilledChecks: checkList.filter((c) => c.passesOn.length > 0 && Object.keys(c.killedBy).length === 0).map((c) => c.id),
    neverPassing: checkList.filter((c) => c.passesOn.length === 0).map((c) => c.id),
    faultsKillingNothing: faultList.filter((f) => f.appliesTo.length > 0 && Object.keys(f.kills).length === 0).map((f) => f.name),
    faultsNotApplying: faultList.filter((f) => f.appliesTo.length === 0).map((f) => f.name),
  };
}
