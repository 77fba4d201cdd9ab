import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import type { HttpClientOptions, HttpExchange, HttpFailure, HttpFailureCode, HttpRequest } from './types.ts';

/** Default deadline for a whole exchange, in milliseconds. */
const DEFAULT_TIMEOUT_MS = 10_000;
/** Default response body cap: 1 MiB. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default keep-alive connections per origin. */
const DEFAULT_CONNECTIONS = 16;
/** Longest `failure.message` / `jsonError` kept, in characters. */
const MAX_MESSAGE_CHARS = 300;

/** Raised internally when the exchange outgrows `maxBodyBytes`. */
class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body exceeded ${limit} bytes`);
  }
}

/** What the transport part of an exchange produced before it ended, successfully or not. */
interface Progress {
  status?: number;
  headers: Record<string, string>;
}

/**
 * An HTTP/1.1 client for the harness. All requests of one client share a single undici {@link Agent}
 * (keep-alive pool of `connections` sockets per origin). Redirects are never followed, so a `302` and its
 * `location` header are visible to checks.
 *
 * {@link HttpClient.send} never throws and never hangs: each exchange has one overall deadline (`timeoutMs`)
 * covering connect, response head and the whole body; the body is read incrementally and abandoned once it
 * exceeds `maxBodyBytes`. Transport problems are reported as {@link HttpFailure} data with a stable code.
 * @see https://www.rfc-editor.org/rfc/rfc9112
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.4 (redirects are reported, not followed)
 */
export class HttpClient {
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  #closing: Promise<void> | undefined;

  /**
   * @param opts deadline (`timeoutMs`, default 10 000), body cap (`maxBodyBytes`, default 1 MiB) and
   *   keep-alive connections per origin (`connections`, default 16).
   * @see https://www.rfc-editor.org/rfc/rfc9112#section-9.3 (persistent connections)
   */
  constructor(opts: HttpClientOptions = {}) {
    this.#timeoutMs = positive(opts.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.#maxBodyBytes = nonNegative(opts.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
    this.#agent = new Agent({
      connections: Math.max(1, Math.floor(positive(opts.connections, DEFAULT_CONNECTIONS))),
      pipelining: 1,
      // The per-exchange deadline below governs everything; undici's own timers are only a backstop.
      connect: { timeout: this.#timeoutMs },
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  /**
   * Sends one request and resolves with what happened. Never rejects: transport failures, the deadline and
   * an oversized body become `failure` (`timeout`, `connection_refused`, `connection_reset`, `too_large`,
   * `protocol`, `network`). Response header names are lower-cased and repeated headers joined with ", ".
   * A non-empty body is parsed as JSON into `json`, or the parse error is kept in `jsonError`.
   *
   * On failure `status` is absent and `bodyText` is empty, except for `too_large`, which still reports the
   * status; response headers are reported whenever they arrived.
   * @see https://www.rfc-editor.org/rfc/rfc9110#section-6
   * @see https://www.rfc-editor.org/rfc/rfc8259 (JSON)
   */
  async send(req: HttpRequest): Promise<HttpExchange> {
    const started = performance.now();
    const progress: Progress = { headers: {} };
    const controller = new AbortController();
    let deadlineHit = false;
    let timer: NodeJS.Timeout | undefined;
    // Resolves when the deadline passes, whether or not undici honours the abort promptly: `send` returns then.
    const deadline = new Promise<{ deadline: true }>((resolve) => {
      timer = setTimeout(() => {
        deadlineHit = true;
        controller.abort(new Error(`deadline of ${this.#timeoutMs} ms exceeded`));
        resolve({ deadline: true });
      }, this.#timeoutMs);
    });
    const work = this.#exchange(req, controller.signal, progress).then(
      (body) => ({ body }),
      (error: unknown) => ({ error }),
    );

    let outcome: { deadline: true } | { body: Buffer } | { error: unknown };
    try {
      outcome = await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }

    const exchange = (rest: Partial<HttpExchange>): HttpExchange => ({
      request: req,
      headers: progress.headers,
      bodyText: '',
      ...rest,
      durationMs: performance.now() - started,
    });

    if ('body' in outcome && !deadlineHit) {
      const bodyText = outcome.body.toString('utf8');
      const result = exchange({ bodyText, ...(progress.status !== undefined ? { status: progress.status } : {}) });
      if (bodyText.length > 0) {
        try {
          result.json = JSON.parse(bodyText) as unknown;
        } catch (error) {
          result.jsonError = oneLine(error instanceof Error ? error.message : String(error));
        }
      }
      return result;
    }
    if ('deadline' in outcome || deadlineHit) {
      return exchange({ failure: { code: 'timeout', message: `no complete response within ${this.#timeoutMs} ms` } });
    }
    const failure = classify('error' in outcome ? outcome.error : undefined);
    if (failure.code === 'too_large' && progress.status !== undefined) {
      return exchange({ status: progress.status, failure });
    }
    return exchange({ failure });
  }

  /**
   * Closes the pooled connections once in-flight exchanges have ended (each is bounded by its deadline).
   * Idempotent; later {@link HttpClient.send} calls resolve with a `network` failure.
   * @see https://www.rfc-editor.org/rfc/rfc9112#section-9.6 (tear-down)
   */
  close(): Promise<void> {
    this.#closing ??= this.#agent.close().catch(() => undefined);
    return this.#closing;
  }

  /** The transport part: sends, records the head in `progress`, and reads the body up to the cap. */
  async #exchange(req: HttpRequest, signal: AbortSignal, progress: Progress): Promise<Buffer> {
    const url = new URL(req.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`unsupported URL scheme ${url.protocol}`);
    }
    const res = await this.#agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: req.method,
      headers: req.headers ?? {},
      body: req.body ?? null,
      signal,
    });
    progress.headers = flattenHeaders(res.headers);
    progress.status = res.statusCode;

    const body = res.body;
    body.on('error', () => {}); // errors surface through the iterator below; never as an unhandled 'error'
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.#maxBodyBytes) {
        body.destroy();
        throw new BodyTooLargeError(this.#maxBodyBytes);
      }
      chunks.push(chunk);
    }
    // With pipelining 1, undici hands a finished socket back to the pool only after a full event-loop turn
    // (setImmediate). Yielding one turn here lets a caller's next, sequential request reuse the keep-alive
    // socket instead of opening a second connection.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return Buffer.concat(chunks, size);
  }
}

/**
 * Encodes form fields as `application/x-www-form-urlencoded` exactly as WHATWG `URLSearchParams` does
 * (space as `+`, everything but `A-Z a-z 0-9 * - . _` percent-encoded as UTF-8). Undefined fields are skipped;
 * field order is preserved.
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 * @see https://url.spec.whatwg.org/#application/x-www-form-urlencoded
 */
export function formEncode(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) params.append(name, value);
  }
  return params.toString();
}

/**
 * The `Authorization` header value for HTTP Basic client authentication: client id and secret are each
 * form-urlencoded first (so a `:` or `%` in either survives), joined with `:`, then base64-encoded.
 * @example basicAuth('s6BhdRkqt3', 'gX1fBat3bV') === 'Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW'
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${formComponent(id)}:${formComponent(secret)}`, 'utf8').toString('base64')}`;
}

/** One value form-urlencoded on its own (RFC 6749 Appendix B). */
function formComponent(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** Lower-cased names; repeated headers (undici gives arrays) joined with ", ". */
function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(', ') : value;
    out[key] = out[key] === undefined ? joined : `${out[key]}, ${joined}`;
  }
  return out;
}

/** Error codes found on an error, its `cause` chain and (for AggregateError) its members. */
function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return [];
  const codes: string[] = [];
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') codes.push(code);
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) for (const e of errors) codes.push(...errorCodes(e, depth + 1));
  codes.push(...errorCodes((error as { cause?: unknown }).cause, depth + 1));
  return codes;
}

const RESET_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const PROTOCOL_CODES = new Set([
  'UND_ERR_INFO', 'UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_CHUNKED_ENCODING',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT',
]);

/** Maps a transport error to a stable {@link HttpFailureCode} and a one-line message. */
function classify(error: unknown): HttpFailure {
  const message = oneLine(describe(error));
  if (error instanceof BodyTooLargeError) return { code: 'too_large', message };
  const codes = errorCodes(error);
  const pick = (): HttpFailureCode => {
    if (codes.includes('ECONNREFUSED')) return 'connection_refused';
    if (codes.some((c) => TIMEOUT_CODES.has(c))) return 'timeout';
    if (isParserError(error) || codes.some((c) => c.startsWith('HPE_') || PROTOCOL_CODES.has(c))) return 'protocol';
    if (codes.some((c) => RESET_CODES.has(c))) return 'connection_reset';
    return 'network';
  };
  return { code: pick(), message };
}

/** undici's HTTPParserError (its `code` is not always set), anywhere in the cause chain. */
function isParserError(error: unknown, depth = 0): boolean {
  if (depth > 4 || !(error instanceof Error)) return false;
  return error.name === 'HTTPParserError' || isParserError(error.cause, depth + 1);
}

/** `message (CODE)` for an error, including a distinct cause's message. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let text = error.message;
  if (!text && error instanceof AggregateError && error.errors.length > 0) text = describe(error.errors[0]);
  if (!text) text = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && !text.includes(code)) text += ` (${code})`;
  const cause = error.cause;
  if (cause instanceof Error && cause.message && !text.includes(cause.message)) text += `: ${describe(cause)}`;
  return text;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 1)}…` : line;
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
