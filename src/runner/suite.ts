/**
 * Suites and their context. A suite reads like a script: a short summary, then ordered named steps and
 * checks. The context records every check with its metadata and evidence (the exchanges that decided it), turns
 * failed prerequisites into skipped checks (so a dead target costs seconds, not one timeout per check) while
 * reporting the failed prerequisite itself once as a failed check, and reports documented deviations as such.
 */
import { performance } from 'node:perf_hooks';
import type { ProviderSpec } from '../spec/schema.ts';
import { deviationsForCheck } from '../spec/deviations.ts';
import { judgedFields } from '../spec/judged-fields.ts';
import { firstAssumption } from '../spec/provenance.ts';
import type { Target } from '../target/target.ts';
import type { Sender } from '../http/breaker.ts';
import type { HttpExchange } from '../http/types.ts';
import type { Redactor } from '../redact.ts';
import { toEvidence } from '../report/evidence.ts';
import { CheckAbort, skipped, type Check, type CheckMeta, type CheckResult, type Outcome, type Severity } from '../checks/check.ts';

/**
 * The result of a named step (or of an earlier check used as a prerequisite): its value, or why it failed,
 * with the exchanges it made.
 */
export type Prereq<T> = (
  | { ok: true; value: T }
  | {
      ok: false;
      reason: string;
      /**
       * `unavailable`: the harness could not attempt it with this spec or target (no consent, no key) — not the
       * server's fault. `reported`: the failure is already a failed check of its own.
       */
      kind: 'failed' | 'unavailable' | 'reported';
    }
) & { name: string; exchanges: HttpExchange[] };

/** The values of a list of prerequisites, in order (what a check body receives). */
export type PrereqValues<P extends readonly Prereq<unknown>[]> = { [K in keyof P]: P[K] extends Prereq<infer V> ? V : never };

export interface CheckOptions<P extends readonly Prereq<unknown>[] = readonly Prereq<unknown>[]> {
  severity: Severity;
  /** Prerequisites: if any failed, the check is skipped with that reason; their values are the body's arguments. */
  needs?: P;
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

/**
 * Thrown by a step that the harness cannot attempt with this spec or target (the authorization-code flow without
 * auto-consent, TAAP without a key). Checks that need it are skipped; nothing is blamed on the server.
 */
export class Unavailable extends Error {
  override name = 'Unavailable';
}

/** A prerequisite that holds when check `r` passed: later checks mean nothing if their baseline failed. */
export function passed(r: CheckResult): Prereq<void> {
  const name = `check ${r.id} passes`;
  const exchanges = decidingExchanges.get(r) ?? [];
  if (r.status === 'passed') return { ok: true, value: undefined, name, exchanges };
  return { ok: false, name, reason: `${r.status}${r.reason ? `: ${r.reason}` : ''}`, kind: r.status === 'failed' ? 'reported' : 'unavailable', exchanges };
}

/**
 * The exchanges each recorded result was decided by, unredacted (its evidence is their redacted form), so a check
 * that needs it and sends nothing itself carries them, as it carries a step's.
 */
const decidingExchanges = new WeakMap<CheckResult, HttpExchange[]>();

/** Declares a suite. */
export const defineSuite = (def: SuiteDef): SuiteDef => def;

export interface StepRecord {
  name: string;
  ok: boolean;
  reason?: string;
  durationMs: number;
}

/**
 * Settings of a run that suites read: the fuzzing seed and budget (issue 11). A live target gets a small run count,
 * a request-rate cap and a total request budget, so the harness never floods a carrier's endpoint.
 */
export interface RunSettings {
  /** Seed for generated cases; the same seed gives the same cases. */
  seed: number;
  /** Generated cases per fuzz property. */
  fuzzRuns: number;
  /** Requests per second a fuzz property may send (0 = no cap). */
  maxRps: number;
  /** Most requests all fuzz properties of one spec may send. */
  fuzzBudget: number;
  /** Requests in flight at once while fuzzing. */
  fuzzConcurrency: number;
  /**
   * Ids of the only checks to judge (unset: all). A check left out is neither run nor recorded: its body (with
   * the probes it sends) is skipped; steps still run. A selected check that needs an unselected one (through
   * {@link passed}) is skipped with the reason, so select the baseline checks it builds on too. A fuzz property
   * alone draws the same cases (its seed derives from the run's seed and its own id), and may use more of the shared
   * {@link fuzzBudget}. Whether a check alone reaches the verdict it reaches in the whole suite depends on the suite:
   * some read what earlier checks collected (the token-endpoint error checks), and judge nothing alone.
   */
  checks?: readonly string[];
}

/** Defaults for a mock (fast, at least 1,000 generated requests per spec) and for a live target (gentle). */
export function defaultRunSettings(live: boolean, seed = Date.now() % 2_147_483_647): RunSettings {
  return live
    ? { seed, fuzzRuns: 10, maxRps: 10, fuzzBudget: 100, fuzzConcurrency: 1 }
    : { seed, fuzzRuns: 250, maxRps: 0, fuzzBudget: 5_000, fuzzConcurrency: 16 };
}

/** Most exchanges kept as one check's evidence (the last ones). */
const MAX_EVIDENCE = 8;

/** Stable id segment for a step name. */
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

/** What a suite's script works with. */
export class SuiteContext {
  readonly results: CheckResult[] = [];
  readonly steps: StepRecord[] = [];
  /** Failed steps already reported as a failed check. */
  readonly #reportedSteps = new Set<Prereq<unknown>>();
  /**
   * The evidence lists of the steps and check bodies running, innermost last: a suite runs its steps and checks one
   * after another (each awaited; requests inside one may be concurrent), so the list on top is the one running.
   * Kept per context rather than in an AsyncLocalStorage, which in Node 20 adds a hook to every promise the process
   * creates (~5 % of a fuzz run's CPU), and which let the exchanges of another context that a check drives (the
   * PoP suite's capturing dry run) land in the check's evidence as requests with no response.
   */
  readonly #recording: HttpExchange[][] = [];

  constructor(
    readonly suite: string,
    readonly spec: ProviderSpec,
    readonly target: Target,
    readonly http: Sender,
    readonly redactor: Redactor,
    readonly onResult: (r: CheckResult) => void = () => {},
    readonly settings: RunSettings = defaultRunSettings(target.kind === 'live', 1),
  ) {}

  /** Notes an exchange as evidence of the step or check that is running (called by every sender). */
  observe(ex: HttpExchange): void {
    this.#recording.at(-1)?.push(ex);
  }

  /**
   * Runs `fn` and returns the exchanges it made apart from those of the running step or check: for a part of a check
   * that runs alone (a fuzz property's shrinking judges one case at a time), to tell which exchanges a value caused.
   */
  async collect<T>(fn: () => Promise<T>): Promise<{ value: T; exchanges: HttpExchange[] }> {
    const exchanges: HttpExchange[] = [];
    const value = await this.#recordInto(exchanges, fn);
    return { value, exchanges };
  }

  /**
   * Names the exchanges that decided the running check (a fuzz property's counterexample), which become its evidence
   * in place of the ones it recorded. Called inside a check's body; outside one it does nothing.
   */
  decidedBy(exchanges: HttpExchange[]): void {
    const running = this.#recording.at(-1);
    if (running) running.splice(0, running.length, ...exchanges);
  }

  /** Runs `fn` with `exchanges` as the list {@link observe} adds to; an overlapping step or check is a suite bug. */
  async #recordInto<T>(exchanges: HttpExchange[], fn: () => T | Promise<T>): Promise<T> {
    this.#recording.push(exchanges);
    try {
      return await fn();
    } finally {
      const top = this.#recording.pop();
      if (top !== exchanges) {
        throw new Error(`suite ${this.suite}: steps or checks overlapped (each must be awaited before the next starts), so their evidence cannot be told apart`);
      }
    }
  }

  /** Runs a named, reusable step; a thrown error becomes a failed prerequisite with its message. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<Prereq<T>> {
    const t0 = performance.now();
    const exchanges: HttpExchange[] = [];
    try {
      const value = await this.#recordInto(exchanges, fn);
      this.steps.push({ name, ok: true, durationMs: performance.now() - t0 });
      return { ok: true, value, name, exchanges };
    } catch (e) {
      const reason = this.redactor.redact(e instanceof Error ? e.message : String(e));
      this.steps.push({ name, ok: false, reason, durationMs: performance.now() - t0 });
      return { ok: false, reason, name, exchanges, kind: e instanceof Unavailable ? 'unavailable' : 'failed' };
    }
  }

  /**
   * Runs check `check` on the inputs that `inputs` produces from the prerequisites' values (sending any request
   * it needs), and records the result with the exchanges made as evidence. Never throws. `inputs` may throw
   * {@link CheckAbort} to end the check as skipped or not applicable.
   */
  async check<A extends unknown[], const P extends readonly Prereq<unknown>[]>(
    check: Check<A>,
    opts: CheckOptions<P>,
    inputs: (...values: PrereqValues<P>) => readonly [...A] | Promise<readonly [...A]>,
  ): Promise<CheckResult> {
    return this.judge(check, opts, async (...values) => check.evaluate(...(await inputs(...values))));
  }

  /**
   * Runs a check whose body composes several judgements (or picks one by spec): `body` returns the outcome
   * directly. Prefer {@link check} with a check object.
   */
  async judge<const P extends readonly Prereq<unknown>[]>(
    meta: CheckMeta,
    opts: CheckOptions<P>,
    body: (...values: PrereqValues<P>) => Outcome | Promise<Outcome>,
  ): Promise<CheckResult> {
    if (!this.selects(meta.id)) return this.#unselected(meta, opts.severity);
    const t0 = performance.now();
    const needs = (opts.needs ?? []) as readonly Prereq<unknown>[];
    const failed = needs.find((p) => !p.ok);
    if (failed && !failed.ok) {
      const reported = this.#reportPrerequisite(failed, opts.severity);
      const outcome = skipped(`prerequisite "${failed.name}" failed${reported ? ` (reported as ${reported})` : ''}: ${failed.reason}`);
      return this.#record(meta, opts, outcome, performance.now() - t0, failed.exchanges);
    }
    const exchanges: HttpExchange[] = [];
    let outcome: Outcome;
    try {
      const values = needs.map((p) => (p.ok ? p.value : undefined)) as unknown as PrereqValues<P>;
      outcome = await this.#recordInto(exchanges, () => body(...values));
    } catch (e) {
      outcome = e instanceof CheckAbort ? e.outcome : { status: 'failed', reason: `check could not complete: ${e instanceof Error ? e.message : String(e)}` };
    }
    // With no request of its own, a check was decided by what its prerequisites observed (each exchange once: a
    // step and a check that needed it can hold the same one).
    const evidence = exchanges.length ? exchanges : [...new Set(needs.flatMap((p) => p.exchanges))];
    return this.#record(meta, opts, outcome, performance.now() - t0, evidence);
  }

  /** Records a check that does not apply to this spec or target, with the reason. */
  notApplicable(meta: CheckMeta, severity: Severity, reason: string): CheckResult {
    if (!this.selects(meta.id)) return this.#unselected(meta, severity);
    return this.#record(meta, { severity }, { status: 'not_applicable', reason }, 0, []);
  }

  /** Whether the run judges check `id` ({@link RunSettings.checks}). */
  selects(id: string): boolean {
    return this.settings.checks === undefined || this.settings.checks.includes(id);
  }

  /** The result a check left out of {@link RunSettings.checks} returns to the suite: not run, not recorded. */
  #unselected(meta: CheckMeta, severity: Severity): CheckResult {
    return { id: meta.id, suite: this.suite, title: meta.title, severity, status: 'not_applicable', reason: 'not selected (the run judges only the checks it names)', requirement: meta.requirement, durationMs: 0 };
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

  /**
   * A step that failed through the server (not one the harness could not attempt) is itself a failed check, once,
   * at the severity of the first check that needed it: a skipped MUST check must not let a run pass.
   * Returns the id it was reported under, if any.
   */
  #reportPrerequisite(p: Prereq<unknown>, severity: Severity): string | undefined {
    if (p.ok || p.kind !== 'failed') return undefined;
    const id = `${this.suite}.step.${slug(p.name)}`;
    if (this.#reportedSteps.has(p)) return id;
    this.#reportedSteps.add(p);
    const meta: CheckMeta = { id, title: `Prerequisite step succeeds: ${p.name}`, requirement: 'harness: the checks that follow depend on this step' };
    this.#record(meta, { severity }, { status: 'failed', reason: `${p.name}: ${p.reason}` }, 0, p.exchanges);
    return id;
  }

  #record(meta: CheckMeta, opts: CheckOptions<readonly Prereq<unknown>[]>, outcome: Outcome, durationMs: number, exchanges: HttpExchange[]): CheckResult {
    // A check judging a value the spec only assumes is at most a SHOULD (src/spec/judged-fields.ts).
    const assumed = opts.severity === 'MAY' ? undefined : firstAssumption(this.spec, judgedFields(meta.id));
    const r: CheckResult = {
      id: meta.id,
      suite: this.suite,
      title: meta.title,
      severity: assumed ? 'SHOULD' : opts.severity,
      status: outcome.status,
      requirement: meta.requirement,
      durationMs: Math.round(durationMs * 10) / 10,
    };
    if (outcome.status !== 'passed') r.reason = this.redactor.redact(outcome.reason);
    else if (outcome.note) r.reason = this.redactor.redact(outcome.note);
    const noResponse = exchanges.find((e) => e.failure);
    if (outcome.status === 'failed') {
      if (outcome.field !== undefined) r.field = this.redactor.redact(outcome.field);
      if (outcome.expected !== undefined) r.expected = this.redactor.redact(outcome.expected);
      if (outcome.observed !== undefined) r.observed = this.redactor.redact(outcome.observed);
      // The registry (src/spec/deviations.ts) says which checks each deviation turns into a deviation.
      const ids = [...(opts.deviation === undefined ? [] : Array.isArray(opts.deviation) ? opts.deviation : [opts.deviation]), ...deviationsForCheck(meta.id)];
      const devs = this.spec.deviations.filter((d) => ids.includes(d.id));
      // A deviation is a documented behaviour that was observed: no response at all is a plain failure.
      if (devs.length && !noResponse) {
        r.status = 'deviation';
        r.deviation = devs.map((d) => d.id).join(', ');
        const cite = devs.map((d) => `"${d.id}" from ${d.rfc} (${d.source.map((c) => `${c.doc} line ${c.line}`).join(', ')})`).join('; ');
        r.reason = `documented deviation ${cite}: ${r.reason}`;
      }
    }
    if (assumed && (r.status === 'failed' || r.status === 'deviation')) {
      const capped = opts.severity === 'MUST' ? 'SHOULD, not MUST: ' : '';
      r.reason = `${r.reason}; ${capped}spec assumption (${assumed.path}): ${this.redactor.redact(assumed.assumption ?? '')}`;
    }
    if (exchanges.length) r.evidence = exchanges.slice(-MAX_EVIDENCE).map((e) => toEvidence(e, this.redactor));
    decidingExchanges.set(r, exchanges);
    this.results.push(r);
    this.onResult(r);
    return r;
  }
}
