/**
 * A memo of at most `max` computed values, by string key, the oldest dropped first (a Map keeps insertion order):
 * for values a run derives again and again from few distinct inputs (parsed URLs, resolved endpoints, decoded
 * credentials, parsed spec files), where a long-lived process must not grow without bound.
 */
export class BoundedCache<V> {
  readonly #max: number;
  readonly #values = new Map<string, V>();

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`BoundedCache max: expected a positive integer, observed ${max}`);
    this.#max = max;
  }

  /** The value kept for `key`, else `compute()`'s, kept (a throw is not: the next call computes again). */
  get(key: string, compute: () => V): V {
    const known = this.#values.get(key);
    if (known !== undefined || this.#values.has(key)) return known as V;
    const value = compute();
    if (this.#values.size >= this.#max) this.#values.delete(this.#values.keys().next().value!);
    this.#values.set(key, value);
    return value;
  }

  /** Values kept. */
  get size(): number {
    return this.#values.size;
  }
}
