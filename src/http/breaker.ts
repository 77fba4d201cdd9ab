/**
 * A circuit breaker in front of the HTTP client: after `threshold` consecutive transport failures to one
 * origin (timeouts, refused or reset connections, non-HTTP answers), further requests to that origin fail at
 * once with the reason, so a dead target costs a couple of timeouts instead of one per check.
 * Any HTTP response, whatever its status, closes the circuit again.
 */
import type { HttpExchange, HttpFailureCode, HttpRequest } from './types.ts';
import { urlTarget, type HttpClient } from './client.ts';

const TRANSPORT = new Set(['timeout', 'connection_refused', 'connection_reset', 'protocol']);

/** Anything that sends requests the way {@link HttpClient} does. */
export interface Sender {
  send(req: HttpRequest): Promise<HttpExchange>;
  close(): Promise<void>;
  /** False when a request to `url` would fail at once without being sent (an open circuit). */
  wouldSend?(url: string): boolean;
}

export class BreakerClient implements Sender {
  readonly #inner: Sender;
  readonly #threshold: number;
  readonly #state = new Map<string, { failures: number; last?: string; code?: HttpFailureCode }>();

  constructor(inner: Sender, threshold = 2) {
    this.#inner = inner;
    this.#threshold = threshold;
  }

  async send(req: HttpRequest): Promise<HttpExchange> {
    let origin: string;
    try {
      origin = urlTarget(req.url).origin;
    } catch {
      return this.#inner.send(req);
    }
    let s = this.#state.get(origin);
    if (s === undefined) this.#state.set(origin, (s = { failures: 0 }));
    if (s.failures >= this.#threshold) {
      return {
        request: req, headers: {}, bodyText: '', durationMs: 0,
        failure: { code: s.code ?? 'network', message: `not sent: the previous ${s.failures} requests to ${origin} failed at the transport level (last: ${s.last})` },
      };
    }
    const ex = await this.#inner.send(req);
    if (ex.failure && TRANSPORT.has(ex.failure.code)) {
      s.failures++;
      s.code = ex.failure.code;
      s.last = `${ex.failure.code}: ${ex.failure.message}`;
    } else if (ex.status !== undefined) s.failures = 0;
    return ex;
  }

  /** False once the circuit to `url`'s origin is open: a request there fails at once, unsent. */
  wouldSend(url: string): boolean {
    let origin: string;
    try {
      origin = urlTarget(url).origin;
    } catch {
      return true;
    }
    return (this.#state.get(origin)?.failures ?? 0) < this.#threshold;
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
