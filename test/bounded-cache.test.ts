/** The bounded memo behind the URL, endpoint, Basic-credential and spec-parse caches (src/bounded-cache.ts). */
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../src/bounded-cache.ts';

describe('BoundedCache', () => {
  it('computes a key once and serves the kept value after', () => {
    const c = new BoundedCache<number>(4);
    let calls = 0;
    expect(c.get('a', () => ++calls)).toBe(1);
    expect(c.get('a', () => ++calls)).toBe(1);
    expect(calls).toBe(1);
  });

  it('keeps undefined as a value, not as a miss', () => {
    const c = new BoundedCache<undefined>(2);
    let calls = 0;
    c.get('a', () => void calls++);
    c.get('a', () => void calls++);
    expect(calls).toBe(1);
  });

  it('drops the oldest key once full, and only that one', () => {
    const c = new BoundedCache<string>(2);
    c.get('a', () => 'A');
    c.get('b', () => 'B');
    c.get('c', () => 'C');
    expect(c.size).toBe(2);
    expect(c.get('b', () => 'B2')).toBe('B');
    expect(c.get('a', () => 'A2')).toBe('A2');
  });

  it('does not keep a throw: the next call computes again', () => {
    const c = new BoundedCache<number>(2);
    expect(() => c.get('a', () => { throw new Error('no'); })).toThrow('no');
    expect(c.size).toBe(0);
    expect(c.get('a', () => 7)).toBe(7);
  });

  it('refuses a size that keeps nothing', () => expect(() => new BoundedCache(0)).toThrow(RangeError));
});
