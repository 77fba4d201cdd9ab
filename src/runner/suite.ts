/**
 * Suites and their context. A suite reads like a script: a short summary, then ordered named steps and
 * checks. The context records every check with its metadata, turns failed prerequisites into skipped checks
 * (so a dead target costs seconds, not one timeout per check) and reports documented deviations as such.
 */
import { performance } from 'node:perf_hooks';
import type { ProviderSpec } from '../spec/schema.ts';
import { deviationsForCheck } from '../spec/deviations.ts';
import type { Target } from '../target/target.ts';
import type { Sender } from '../http/breaker.ts';
import type { Redactor } from '../redact.ts';
import { CheckAbort, skipped, type CheckMeta, type CheckResult, type Outcome, type Severity } from '../checks/check.ts';

/** The result of a named step: its value, or why it failed. */
export type Prereq<T> = { ok: true; value: T; name: string } | { ok: false; reason: string; name: string };

export interface CheckOptions {
  severity: Severity;
  /** Prerequisite steps: if any failed, the check is skipped with that reason. */
  needs?: Prereq<unknown>[];
  /**
   * Id(s) of spec deviations that, when documented, turn a failure of this check into `deviation`: the server
   * departs from the RFC exactly where the provider says it does.
   */
  deviation?: string | string[];
}

export interface SuiteDef {
  name: string;
  summary: string;
  /** `true`, or the reason the suite does not apply to this spec (recorded as not_applicable). */
  appliesTo?: (spec: ProviderSpec) => true | string;
  run: (t: SuiteContext) => Promise<void>;
}

/** A prerequisite that holds when check `r` passed: later checks mean nothing if their baseline failed. */
export function passed(r: CheckResult): Prereq<void> {
  const name = `check ${r.id} passes`;
  return r.status === 'passed' ? { ok: true, value: undefined, name } : { ok: false, name, reason: `${r.status}${r.reason ? `: ${r.reason}` : ''}` };
}

/** Declares a suite. */
export const defineSuite = (def: SuiteDef): SuiteDef => def;

export interface StepRecord {
  name: string;
  ok: boolean;
  reason?: string;
  durationMs: number;
}

/** What a suite's script works with. */
export class SuiteContext {
  readonly results: CheckResult[] = [];
  readonly steps: StepRecord[] = [];

  constructor(
    readonly suite: string,
    readonly spec: ProviderSpec,
    readonly target: Target,
    readonly http: Sender,
    readonly redactor: Redactor,
    readonly onResult: (r: CheckResult) => void = () => {},
  ) {}

  /** Runs a named, reusable step; a thrown error becomes a failed prerequisite with its message. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<Prereq<T>> {
    const t0 = performance.now();
    try {
      const value = await fn();
      this.steps.push({ name, ok: true, durationMs: performance.now() - t0 });
      return { ok: true, value, name };
    } catch (e) {
      const reason = this.redactor.redact(e instanceof Error ? e.message : String(e));
      this.steps.push({ name, ok: false, reason, durationMs: performance.now() - t0 });
      return { ok: false, reason, name };
    }
  }

  /** Runs one check and records its result. Never throws. */
  async check(meta: CheckMeta, opts: CheckOptions, body: () => Outcome | Promise<Outcome>): Promise<CheckResult> {
    const t0 = performance.now();
    let outcome: Outcome;
    const failedPrereq = opts.needs?.find((p) => !p.ok);
    if (failedPrereq && !failedPrereq.ok) {
      outcome = skipped(`prerequisite "${failedPrereq.name}" failed: ${failedPrereq.reason}`);
    } else {
      try {
        outcome = await body();
      } catch (e) {
        outcome = e instanceof CheckAbort ? e.outcome : { status: 'failed', reason: `check could not complete: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    return this.#record(meta, opts, outcome, performance.now() - t0);
  }

  /** Records a check that does not apply to this spec or target, with the reason. */
  notApplicable(meta: CheckMeta, severity: Severity, reason: string): CheckResult {
    return this.#record(meta, { severity }, { status: 'not_applicable', reason }, 0);
  }

  /** Whether the spec documents the deviation `id`. */
  documents(id: string): boolean {
    return this.spec.deviations.some((d) => d.id === id);
  }

  /**
   * Lets `seconds` pass: a mock's clock moves at once; a live target is waited for when the wait fits
   * waitBudgetSeconds, and otherwise the calling check ends as skipped with the reason.
   */
  async elapse(seconds: number): Promise<void> {
    if (this.target.advanceClock) return this.target.advanceClock(seconds);
    if (seconds > this.target.waitBudgetSeconds) {
      throw new CheckAbort(skipped(`needs ${seconds} s to pass on a live target; waitBudgetSeconds is ${this.target.waitBudgetSeconds}`));
    }
    await new Promise((r) => setTimeout(r, seconds * 1000));
  }

  #record(meta: CheckMeta, opts: CheckOptions, outcome: Outcome, durationMs: number): CheckResult {
    const r: CheckResult = {
      id: meta.id,
      suite: this.suite,
      title: meta.title,
      severity: opts.severity,
      status: outcome.status,
      requirement: meta.requirement,
      durationMs: Math.round(durationMs * 10) / 10,
    };
    if (outcome.status !== 'passed') r.reason = this.redactor.redact(outcome.reason);
    else if (outcome.note) r.reason = this.redactor.redact(outcome.note);
    if (outcome.status === 'failed') {
      if (outcome.expected !== undefined) r.expected = this.redactor.redact(outcome.expected);
      if (outcome.observed !== undefined) r.observed = this.redactor.redact(outcome.observed);
      // The registry (src/spec/deviations.ts) says which checks each deviation turns into a deviation.
      const ids = [...(opts.deviation === undefined ? [] : Array.isArray(opts.deviation) ? opts.deviation : [opts.deviation]), ...deviationsForCheck(meta.id)];
      const devs = this.spec.deviations.filter((d) => ids.includes(d.id));
      if (devs.length) {
        r.status = 'deviation';
        r.deviation = devs.map((d) => d.id).join(', ');
        const cite = devs.map((d) => `"${d.id}" from ${d.rfc} (${d.source.map((c) => `${c.doc} line ${c.line}`).join(', ')})`).join('; ');
        r.reason = `documented deviation ${cite}: ${r.reason}`;
      }
    }
    this.results.push(r);
    this.onResult(r);
    return r;
  }
}
