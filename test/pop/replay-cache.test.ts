// ReplayCache against a plain reference model (RFC 9449 §11.1: a jti is remembered while its token can still be
// accepted). The model keeps a Map and scans it; the cache keeps a min-heap. With distinct expiries the two must
// agree on every verdict, on the size and on which entry a full cache evicts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayCache } from '../../src/pop/replay-cache.ts';

const NOW = 1_700_000_000;

/** The documented behaviour, written the slow, obvious way. */
class ModelCache {
  readonly entries = new Map<string, number>();
  evictedUnexpired = 0;
  constructor(readonly max: number) {}

  seen(jti: string, exp: number, now: number): boolean {
    for (const [k, e] of this.entries) if (e <= now) this.entries.delete(k);
    if (this.entries.has(jti)) return true;
    while (this.entries.size >= this.max) {
      let soonest: [string, number] | undefined;
      for (const entry of this.entries) if (!soonest || entry[1] < soonest[1]) soonest = entry;
      this.entries.delete(soonest![0]);
      this.evictedUnexpired++;
    }
    this.entries.set(jti, exp);
    return false;
  }
}

interface Step {
  jti: string;
  exp: number;
  now: number;
}

/** Steps with a clock that never goes back and expiries that are all different (so "soonest" is one entry). */
const steps = fc
  .array(fc.record({ jti: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), ttl: fc.integer({ min: 1, max: 40 }), advance: fc.nat(12) }), {
    minLength: 1,
    maxLength: 60,
  })
  .map((raw) => {
    let now = NOW;
    return raw.map(({ jti, ttl, advance }, i): Step => {
      now += advance;
      // the fraction keeps every expiry distinct while the integer part is the token's lifetime
      return { jti, exp: now + ttl + i / 1000, now };
    });
  });

describe('ReplayCache against a reference model', () => {
  it('agrees on every verdict, the size and the evictions, for any sequence (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), steps, (max, sequence) => {
        const cache = new ReplayCache({ maxEntries: max });
        const model = new ModelCache(max);
        for (const [i, { jti, exp, now }] of sequence.entries()) {
          const want = { seen: model.seen(jti, exp, now), size: model.entries.size, evictedUnexpired: model.evictedUnexpired };
          const got = { seen: cache.seen(jti, exp, now), size: cache.size, evictedUnexpired: cache.evictedUnexpired };
          // An expect where they disagree, not three per step of every sequence (expect's bookkeeping was most of the test).
          if (got.seen !== want.seen || got.size !== want.size || got.evictedUnexpired !== want.evictedUnexpired) {
            expect(got, `step ${i}: seen(${jti}, ${exp}, ${now})`).toEqual(want);
          }
        }
      }),
      { numRuns: 400, seed: 9449 },
    );
  });

  it('evicts the soonest-expiring entry when full, whatever order the entries arrived in', () => {
    const cache = new ReplayCache({ maxEntries: 3 });
    cache.seen('late', NOW + 300, NOW);
    cache.seen('soon', NOW + 100, NOW);
    cache.seen('middle', NOW + 200, NOW);
    cache.seen('new', NOW + 400, NOW); // full: "soon" goes
    expect(cache.evictedUnexpired).toBe(1);
    expect(cache.seen('late', NOW + 300, NOW)).toBe(true);
    expect(cache.seen('middle', NOW + 200, NOW)).toBe(true);
    expect(cache.seen('new', NOW + 400, NOW)).toBe(true);
    expect(cache.seen('soon', NOW + 100, NOW)).toBe(false);
  });

  it('evicts expired entries wherever they sit in the heap, and only those', () => {
    const cache = new ReplayCache();
    for (const [jti, ttl] of [['e', 50], ['a', 10], ['d', 40], ['b', 20], ['c', 30]] as const) cache.seen(jti, NOW + ttl, NOW);
    cache.seen('probe', NOW + 100, NOW + 25); // a and b have expired; c, d, e have not
    expect(cache.size).toBe(4);
    for (const jti of ['c', 'd', 'e']) expect(cache.seen(jti, NOW + 100, NOW + 25), jti).toBe(true);
    for (const jti of ['a', 'b']) expect(cache.seen(jti, NOW + 100, NOW + 25), jti).toBe(false);
  });
});

describe('ReplayCache boundaries', () => {
  it('treats exp as the first instant the entry is gone (unexpired while now < exp)', () => {
    const cache = new ReplayCache();
    cache.seen('x', NOW + 10, NOW);
    expect(cache.seen('x', NOW + 10, NOW + 9)).toBe(true);
    const again = new ReplayCache();
    again.seen('x', NOW + 10, NOW);
    expect(again.seen('x', NOW + 10, NOW + 10)).toBe(false);
  });

  it('works with room for one entry, which the next new jti replaces', () => {
    const cache = new ReplayCache({ maxEntries: 1 });
    expect(cache.seen('a', NOW + 10, NOW)).toBe(false);
    expect(cache.seen('a', NOW + 10, NOW)).toBe(true);
    expect(cache.seen('b', NOW + 10, NOW)).toBe(false);
    expect(cache.size).toBe(1);
    expect(cache.evictedUnexpired).toBe(1);
  });

  it('refuses a maxEntries that is not a positive integer, naming the value', () => {
    expect(() => new ReplayCache({ maxEntries: 2 })).not.toThrow();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new ReplayCache({ maxEntries: bad }), String(bad)).toThrow(RangeError);
    }
    expect(() => new ReplayCache({ maxEntries: 1.5 })).toThrow('ReplayCache maxEntries: expected a positive integer, observed 1.5');
  });

  it('refuses a non-finite exp or now, naming both', () => {
    const cache = new ReplayCache();
    expect(cache.seen('x', NOW + 10, NOW)).toBe(false);
    expect(() => cache.seen('y', Number.POSITIVE_INFINITY, NOW)).toThrow(TypeError);
    expect(() => cache.seen('y', NOW + 10, Number.NaN)).toThrow('ReplayCache.seen: expected finite epoch seconds, observed exp=1700000010 now=NaN');
    expect(cache.size).toBe(1);
  });
});
