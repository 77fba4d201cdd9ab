/**
 * Runs one fuzz property against a target: generated cases (fast-check, from a seed) are sent concurrently over the
 * run's keep-alive pool, within a request-rate cap and a request budget; when a case fails, fast-check replays the
 * same seed sequentially to shrink it to a minimal counterexample and its path, so the failure can be reproduced
 * with `oauthgate run --seed <seed> --fuzz-runs <runs>`.
 * @see https://fast-check.dev/docs/advanced/fake-data/ (seeds and paths)
 */
import fc from 'fast-check';

/** What a predicate says about one generated case: `undefined` when it holds, else why not. */
export type Verdict = string | undefined;

/** Limits shared by every property of one spec's fuzz run. */
export class FuzzBudget {
  #left: number;
  #nextAt = 0;
  readonly #intervalMs: number;

  readonly #paced: () => boolean;

  /**
   * @param paced whether the next request will reach the target: the rate cap protects a target, so requests that
   *   fail at once unsent (an open circuit to a dead target) are not spaced out
   */
  constructor(totalRequests: number, maxRps: number, paced: () => boolean = () => true) {
    this.#left = totalRequests;
    this.#intervalMs = maxRps > 0 ? 1000 / maxRps : 0;
    this.#paced = paced;
  }

  /** Requests still allowed. */
  get left(): number {
    return this.#left;
  }

  /** Takes `n` requests from the budget and waits for the rate cap; false when the budget is spent. */
  async take(n: number): Promise<boolean> {
    if (this.#left < n) return false;
    this.#left -= n;
    if (this.#intervalMs > 0 && this.#paced()) {
      const now = Date.now();
      const at = Math.max(now, this.#nextAt);
      this.#nextAt = at + this.#intervalMs * n;
      if (at > now) await new Promise((r) => setTimeout(r, at - now));
    }
    return true;
  }
}

export interface PropertyRun<T, E = unknown> {
  /** Cases generated and judged. */
  runs: number;
  /** Requests sent (including the shrinking phase). */
  requests: number;
  seed: number;
  /**
   * The first failing case as generated, its verdict, and the shrunk counterexample when shrinking ran, with what
   * {@link PropertyOptions.capture} collected while the counterexample was judged (its exchanges).
   */
  failure?: { original: T; verdict: string; shrunk?: T; shrunkVerdict?: string; shrunkEvidence?: E; path?: string; shrinkRuns?: number };
  /** Set when the budget ran out before `runs` cases were judged. */
  budgetExhausted?: boolean;
}

export interface PropertyOptions<E = unknown> {
  seed: number;
  runs: number;
  concurrency: number;
  budget: FuzzBudget;
  /** Requests one case sends (for the budget). */
  requestsPerCase: number;
  /** Most shrinking steps (each sends `requestsPerCase` requests). */
  maxShrinkRuns?: number;
  /**
   * Wraps each judgement of the shrinking phase, which runs one case at a time, to collect what it produced (the
   * exchanges it made): the counterexample's is returned as `failure.shrunkEvidence`.
   */
  capture?: (judge: () => Promise<Verdict>) => Promise<{ verdict: Verdict; evidence: E }>;
}

/**
 * Judges `runs` cases of `arb` with `predicate`. Cases are sampled from `seed` (the same seed gives the same cases),
 * judged concurrently; on a failure the property is replayed sequentially from the same seed to shrink it.
 */
export async function runProperty<T, E = unknown>(arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<Verdict>, opts: PropertyOptions<E>): Promise<PropertyRun<T, E>> {
  const cases = fc.sample(arb, { seed: opts.seed, numRuns: opts.runs });
  let requests = 0;
  let judged = 0;
  let exhausted = false;
  let first: { index: number; value: T; verdict: string } | undefined;
  let next = 0;
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, cases.length)) }, async () => {
    while (next < cases.length) {
      const index = next++;
      if (first && index > first.index) return;
      if (!(await opts.budget.take(opts.requestsPerCase))) {
        exhausted = true;
        return;
      }
      requests += opts.requestsPerCase;
      const value = cases[index]!;
      const verdict = await predicate(value);
      judged++;
      if (verdict !== undefined && (!first || index < first.index)) first = { index, value, verdict };
    }
  }));
  const out: PropertyRun<T, E> = { runs: judged, requests, seed: opts.seed, ...(exhausted ? { budgetExhausted: true } : {}) };
  if (!first) return out;
  out.failure = { original: first.value, verdict: first.verdict };

  // Shrink: replay from the same seed, sequentially, within the budget; the last failing value is the counterexample.
  let shrinkRuns = 0;
  const maxShrink = opts.maxShrinkRuns ?? 200;
  const verdicts = new Map<T, { verdict: string; evidence?: E }>();
  const details = await fc.check(
    fc.asyncProperty(arb, async (v) => {
      if (shrinkRuns >= maxShrink || !(await opts.budget.take(opts.requestsPerCase))) return true; // out of budget: stop shrinking here
      shrinkRuns++;
      requests += opts.requestsPerCase;
      const judged: { verdict: Verdict; evidence?: E } = opts.capture ? await opts.capture(() => predicate(v)) : { verdict: await predicate(v) };
      if (judged.verdict !== undefined) verdicts.set(v, { ...judged, verdict: judged.verdict });
      return judged.verdict === undefined;
    }),
    { seed: opts.seed, numRuns: first.index + 1, endOnFailure: false },
  );
  if (details.failed && details.counterexample) {
    const shrunk = details.counterexample[0];
    out.failure.shrunk = shrunk;
    const v = verdicts.get(shrunk);
    if (v !== undefined) {
      out.failure.shrunkVerdict = v.verdict;
      if ('evidence' in v) out.failure.shrunkEvidence = v.evidence;
    }
    out.failure.path = details.counterexamplePath ?? undefined;
  }
  out.failure.shrinkRuns = shrinkRuns;
  out.requests = requests;
  return out;
}
