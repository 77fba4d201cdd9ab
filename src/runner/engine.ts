/**
 * The run engine: every selected suite against every selected spec, each on its target (a fresh mock per
 * suite, or one live target), with a shared keep-alive HTTP client. It never throws on a broken server: a
 * suite that crashes is recorded as a failed check with the reason.
 */
import { performance } from 'node:perf_hooks';
import { HttpClient } from '../http/client.ts';
import { BreakerClient, type Sender } from '../http/breaker.ts';
import { Redactor } from '../redact.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import type { Target } from '../target/target.ts';
import type { CheckResult, Status } from '../checks/check.ts';
import { SuiteContext, defaultRunSettings, type RunSettings, type SuiteDef } from './suite.ts';

/** One spec and how to get a target for it. */
export interface RunPlan {
  spec: ProviderSpec;
  /** Label of the target for reports ("mock", or the live base URL). */
  targetLabel: string;
  /** Provides a target for one suite; `release` is called when the suite ends. */
  acquire: (suite: string) => Promise<{ target: Target; release: () => Promise<void> }>;
}

export interface RunOptions {
  suites: SuiteDef[];
  plans: RunPlan[];
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Suites run at once per spec (mocks only; live targets run one suite at a time). Default 4. */
  concurrency?: number;
  redactor?: Redactor;
  onResult?: (spec: string, r: CheckResult) => void;
  /** Seed and fuzzing limits; unset fields take the defaults for a mock or a live target. */
  settings?: Partial<RunSettings>;
  /** Called when a suite has finished on a spec. */
  onSuiteDone?: (spec: string, suite: string, results: CheckResult[]) => void;
}

export type Counts = Record<Status, number> & { total: number };

export interface SpecRun {
  spec: string;
  target: string;
  checks: CheckResult[];
  counts: Counts;
  durationMs: number;
}

export function countResults(checks: CheckResult[]): Counts {
  const c: Counts = { total: checks.length, passed: 0, failed: 0, deviation: 0, skipped: 0, not_applicable: 0 };
  for (const r of checks) c[r.status]++;
  return c;
}

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

/** The fields of `o` that are set. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Runs the plan; results keep suite order regardless of concurrency. */
export async function runConformance(opts: RunOptions): Promise<SpecRun[]> {
  const redactor = opts.redactor ?? new Redactor();
  const http = new BreakerClient(new HttpClient({ timeoutMs: opts.timeoutMs ?? 10_000, maxBodyBytes: opts.maxBodyBytes ?? 1 << 20 }));
  const out: SpecRun[] = [];
  try {
    for (const plan of opts.plans) {
      const t0 = performance.now();
      const bySuite = new Map<string, CheckResult[]>();
      const live = plan.targetLabel !== 'mock';
      await pool(opts.suites, live ? 1 : (opts.concurrency ?? 4), async (suite) => {
        const settings = { ...defaultRunSettings(live), ...definedOnly(opts.settings ?? {}) };
        const results = await runSuite(suite, plan, http, redactor, settings, opts.onResult);
        bySuite.set(suite.name, results);
        opts.onSuiteDone?.(plan.spec.id, suite.name, results);
      });
      const checks = opts.suites.flatMap((s) => bySuite.get(s.name) ?? []);
      out.push({ spec: plan.spec.id, target: plan.targetLabel, checks, counts: countResults(checks), durationMs: Math.round(performance.now() - t0) });
    }
  } finally {
    await http.close();
  }
  return out;
}

async function runSuite(suite: SuiteDef, plan: RunPlan, http: Sender, redactor: Redactor, settings: RunSettings, onResult?: (spec: string, r: CheckResult) => void): Promise<CheckResult[]> {
  const applies = suite.appliesTo ? suite.appliesTo(plan.spec) : true;
  const emit = (r: CheckResult) => onResult?.(plan.spec.id, r);
  if (applies !== true) {
    const r: CheckResult = { id: `${suite.name}.applicable`, suite: suite.name, title: `${suite.name} suite applies to this spec`, severity: 'MAY', status: 'not_applicable', reason: applies, requirement: 'provider spec', durationMs: 0 };
    emit(r);
    return [r];
  }
  let acquired: { target: Target; release: () => Promise<void> } | undefined;
  try {
    acquired = await plan.acquire(suite.name);
  } catch (e) {
    const r: CheckResult = { id: `${suite.name}.target`, suite: suite.name, title: 'Target could be prepared', severity: 'MUST', status: 'failed', reason: redactor.redact(`could not prepare the target: ${(e as Error).message}`), requirement: 'harness', durationMs: 0 };
    emit(r);
    return [r];
  }
  const ctx = new SuiteContext(suite.name, plan.spec, acquired.target, http, redactor, emit, settings);
  try {
    await suite.run(ctx);
  } catch (e) {
    const r: CheckResult = { id: `${suite.name}.completed`, suite: suite.name, title: 'Suite ran to completion', severity: 'MUST', status: 'failed', reason: redactor.redact(`suite stopped: ${(e as Error)?.message ?? String(e)}`), requirement: 'harness', durationMs: 0 };
    ctx.results.push(r);
    emit(r);
  } finally {
    await acquired.release().catch(() => {});
  }
  return ctx.results;
}
