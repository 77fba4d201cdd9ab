/**
 * A controllable clock for mock servers: time starts at the real time and moves only when told to, so a
 * 172 800 s token lifetime is tested in milliseconds.
 */
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

  /** Moves the clock forward (or back, for skew tests) by `seconds`. */
  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }

  /** Total shift from real time, in seconds. */
  get offsetSeconds(): number {
    return this.#offsetMs / 1000;
  }
}
