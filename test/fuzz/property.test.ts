/** The fuzz property runner: reproducible by seed, shrinking to a minimal counterexample, bounded by its budget. */
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { FuzzBudget, runProperty } from '../../src/fuzz/property.ts';

const opts = (seed: number, runs = 200, budget = new FuzzBudget(10_000, 0)) => ({ seed, runs, concurrency: 8, budget, requestsPerCase: 1 });

describe('runProperty', () => {
  it('passes when every case holds, counting cases and requests', async () => {
    const r = await runProperty(fc.nat(1000), async () => undefined, opts(1));
    expect(r).toMatchObject({ runs: 200, requests: 200, seed: 1 });
    expect(r.failure).toBeUndefined();
  });

  it('shrinks a failure to the minimal counterexample with a path', async () => {
    const r = await runProperty(fc.nat(100_000), async (n) => (n >= 1234 ? `${n} is too big` : undefined), opts(7));
    expect(r.failure?.verdict).toMatch(/too big/);
    expect(r.failure?.shrunk).toBe(1234);
    expect(r.failure?.shrunkVerdict).toBe('1234 is too big');
    expect(r.failure?.path).toMatch(/^\d+(:\d+)*$/);
  });

  it('returns what the capture collected while the shrunk counterexample was judged, and nothing without a capture', async () => {
    let judging = -1;
    const capture = async (judge: () => Promise<string | undefined>) => ({ verdict: await judge(), evidence: `exchanges of ${judging}` });
    const predicate = async (n: number) => {
      judging = n;
      return n >= 1234 ? `${n} is too big` : undefined;
    };
    const r = await runProperty(fc.nat(100_000), predicate, { ...opts(7), capture });
    expect(r.failure?.shrunk).toBe(1234);
    expect(r.failure?.shrunkEvidence).toBe('exchanges of 1234');
    expect((await runProperty(fc.nat(100_000), predicate, opts(7))).failure).not.toHaveProperty('shrunkEvidence');
  });

  it('gives the same cases and verdicts for the same seed, and other cases for another seed', async () => {
    const seen = async (seed: number) => {
      const values: number[] = [];
      const r = await runProperty(fc.nat(1_000_000), async (n) => { values.push(n); return n % 97 === 0 ? 'multiple of 97' : undefined; }, { ...opts(seed, 300), concurrency: 1 });
      return { values, failure: r.failure };
    };
    const a = await seen(42);
    const b = await seen(42);
    expect(b).toEqual(a);
    expect((await seen(43)).values).not.toEqual(a.values);
  });

  it('stops at the request budget and says so', async () => {
    const budget = new FuzzBudget(30, 0);
    const r = await runProperty(fc.nat(), async () => undefined, opts(3, 100, budget));
    expect(r.runs).toBe(30);
    expect(r.budgetExhausted).toBe(true);
    expect(budget.left).toBe(0);
  });

  it('does not space out requests that will not be sent (an open circuit), and still counts them', async () => {
    vi.useFakeTimers();
    try {
      let reachable = true;
      const budget = new FuzzBudget(10, 1, () => reachable);
      await budget.take(1);
      let second = false;
      void budget.take(1).then(() => { second = true; });
      await vi.advanceTimersByTimeAsync(500);
      expect(second).toBe(false); // paced: 1 request a second
      await vi.advanceTimersByTimeAsync(600);
      expect(second).toBe(true);
      reachable = false;
      let third = false;
      void budget.take(1).then(() => { third = true; });
      await vi.advanceTimersByTimeAsync(0);
      expect(third).toBe(true); // unsent: no wait
      expect(budget.left).toBe(7);
    } finally {
      vi.useRealTimers();
    }
  });

  it('spaces requests by the rate cap (measured by the budget clock, not asserted as a wall time)', async () => {
    const budget = new FuzzBudget(100, 1000);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await budget.take(1);
    // Five requests at 1000/s need at least 4 intervals of 1 ms after the first.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(3);
  });
});
