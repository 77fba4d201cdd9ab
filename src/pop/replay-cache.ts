/**
 * A bounded replay cache of one-time token identifiers (`jti`), shared by the TAAP and DPoP verifiers.
 * Re-exported from `./taap.ts` (the public entry point); this module only keeps the class in one place.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */

/**
 * Construction options of {@link ReplayCache}.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export interface ReplayCacheOptions {
  /** Upper bound on remembered identifiers. Default 100 000. */
  maxEntries?: number;
}

/**
 * Remembers each `jti` until its token can no longer be accepted, so a second presentation is detected.
 *
 * Memory stays bounded in two ways:
 * 1. entries whose expiry (`expEpochSeconds`) has passed are evicted lazily on every {@link ReplayCache.seen} call
 *    (a min-heap ordered by expiry makes this O(log n) amortised per call);
 * 2. if the cache is still full after that, the entries that expire SOONEST are evicted to make room.
 *
 * Trade-off of (2): an evicted, still-unexpired `jti` is forgotten, so a replay of that token during the rest of
 * its lifetime would NOT be detected. Evicting the soonest-expiring entries keeps that exposure window as short as
 * possible; the alternative (refusing new tokens while full, i.e. failing closed) would let a flood of valid tokens
 * deny service to every client. Size `maxEntries` above (request rate x token lifetime) and neither case arises.
 * {@link ReplayCache.evictedUnexpired} counts how often (2) happened, for reports.
 *
 * @see https://github.com/tmobile/tmobile-api-security-lib
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
 */
export class ReplayCache {
  readonly #max: number;
  /** jti -> expiry (epoch seconds) of the live entry. */
  readonly #entries = new Map<string, number>();
  /**
   * Min-heap on expiry, exactly one pair per entry: an entry is deleted only when its pair is popped, and a jti is
   * recorded only when it has no entry (see {@link ReplayCache.seen}), so no stale pair can arise.
   */
  readonly #heap: Array<[exp: number, jti: string]> = [];
  #evictedUnexpired = 0;

  constructor(opts: ReplayCacheOptions = {}) {
    const max = opts.maxEntries ?? 100_000;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`ReplayCache maxEntries: expected a positive integer, observed ${max}`);
    this.#max = max;
  }

  /**
   * Returns true if `jti` is already present and unexpired (a replay); otherwise records it until
   * `expEpochSeconds` and returns false. An entry counts as unexpired while `now < exp`.
   * @param jti the token identifier
   * @param expEpochSeconds when the token stops being acceptable (callers add their clock-skew allowance)
   * @param now the current time, epoch seconds
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-11.1
   */
  seen(jti: string, expEpochSeconds: number, now: number): boolean {
    if (!Number.isFinite(expEpochSeconds) || !Number.isFinite(now)) {
      throw new TypeError(`ReplayCache.seen: expected finite epoch seconds, observed exp=${expEpochSeconds} now=${now}`);
    }
    this.#evictExpired(now);
    // Every entry expiring at or before `now` is gone, so a known jti is an unexpired one.
    if (this.#entries.has(jti)) return true;
    while (this.#entries.size >= this.#max) this.#evictSoonest();
    this.#entries.set(jti, expEpochSeconds);
    this.#push([expEpochSeconds, jti]);
    return false;
  }

  /** Number of live (recorded, not yet evicted) identifiers. */
  get size(): number {
    return this.#entries.size;
  }

  /** How many still-unexpired identifiers were evicted because the cache was full (see the class trade-off). */
  get evictedUnexpired(): number {
    return this.#evictedUnexpired;
  }

  #evictExpired(now: number): void {
    for (let top = this.#heap[0]; top !== undefined && top[0] <= now; top = this.#heap[0]) {
      this.#pop();
      this.#entries.delete(top[1]);
    }
  }

  /** Evicts the entry that expires soonest; called only while the cache is full, so the heap is not empty. */
  #evictSoonest(): void {
    const top = this.#pop()!;
    this.#entries.delete(top[1]);
    this.#evictedUnexpired++;
  }

  #push(item: [number, string]): void {
    const h = this.#heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]![0] <= h[i]![0]) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  #pop(): [number, string] | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined || h.length === 0) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]![0] < h[m]![0]) m = l;
      if (r < h.length && h[r]![0] < h[m]![0]) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i]!, h[m]!];
      i = m;
    }
    return top;
  }
}
