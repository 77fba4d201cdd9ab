/**
 * A controllable clock for mock servers: time starts at the real time and moves only when told to, so a
 * 172 800 s token lifetime is tested in milliseconds. Moves are bounded: no single step and no total shift
 * beyond {@link MAX_CLOCK_SHIFT_SECONDS}, so the clock always stays a finite, representable time.
 */

/** Largest shift from real time, either way, in seconds (about 1000 years). */
export const MAX_CLOCK_SHIFT_SECONDS = 1000 * 366 * 86400;

export class MockClock {
  #offsetMs = 0;

  /** Current time in epoch milliseconds. */
  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  /** Current time in whole epoch seconds. */
  now(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /**
   * Moves the clock forward (or back, for skew tests) by `seconds`. Throws a RangeError, leaving the clock
   * as it was, when `seconds` is not a finite number or the total shift would exceed the bound.
   */
  advance(seconds: number): void {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) throw new RangeError(`clock advance: expected a finite number of seconds, observed ${String(seconds)}`);
    const next = this.#offsetMs + seconds * 1000;
    if (Math.abs(next) > MAX_CLOCK_SHIFT_SECONDS * 1000) {
      throw new RangeError(`clock advance: expected a total shift within ±${MAX_CLOCK_SHIFT_SECONDS} s, observed ${this.offsetSeconds + seconds} s`);
    }
    this.#offsetMs = next;
  }

  /** Total shift from real time, in seconds. */
  get offsetSeconds(): number {
    return this.#offsetMs / 1000;
  }
}
