import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import { Agent, type Dispatcher } from 'undici';
import { BoundedCache } from '../bounded-cache.ts';
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

/** How an exchange ended: a whole body, a transport error, or the deadline. */
type Outcome = { body: Buffer } | { error: unknown } | { deadline: true };

/** One exchange waiting for its deadline in a {@link DeadlineQueue}. */
interface Pending {
  /** When the deadline passes, on the `performance.now()` clock. */
  readonly at: number;
  /** Set once the exchange ended or expired: the queue skips it. */
  done: boolean;
  readonly expire: () => void;
}

/**
 * The deadlines of one client's exchanges behind a single timer. Every exchange of a client gets the same
 * `timeoutMs`, so deadlines fall due in the order exchanges start: the queue is that order, and one timer armed
 * for the oldest open deadline replaces a timer (and an abort signal) per request. Ended exchanges are only
 * marked and dropped when the timer passes them; with nothing in flight the timer is cleared, so an idle client
 * keeps no timer alive.
 */
class DeadlineQueue {
  readonly #ms: number;
  #queue: Pending[] = [];
  #head = 0;
  #open = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  /** Starts the deadline of an exchange; `expire` runs once it passes unless {@link end} came first. */
  start(expire: () => void): Pending {
    const p: Pending = { at: performance.now() + this.#ms, done: false, expire };
    this.#queue.push(p);
    this.#open++;
    this.#timer ??= setTimeout(() => this.#fire(), this.#ms);
    return p;
  }

  /** Marks an exchange as ended before its deadline. */
  end(p: Pending): void {
    if (p.done) return;
    p.done = true;
    if (--this.#open === 0) this.#reset();
  }

  #reset(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
  }

  /** Expires every due exchange, then re-arms for the oldest one still open. */
  #fire(): void {
    this.#timer = undefined;
    const now = performance.now();
    while (this.#head < this.#queue.length) {
      const p = this.#queue[this.#head]!;
      if (!p.done && p.at > now) break;
      this.#head++;
      if (p.done) continue;
      p.done = true;
      this.#open--;
      p.expire();
    }
    if (this.#open === 0) return this.#reset();
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    const next = this.#queue[this.#head]!;
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, Math.ceil(next.at - now)));
  }
}

/** Where a request URL goes, parsed once per distinct URL (a run sends few distinct URLs many times). */
interface UrlTarget {
  origin: string;
  /** Path and query, as sent on the request line. */
  path: string;
  protocol: string;
}

/** Distinct URLs kept parsed (512 at most). */
const urlTargets = new BoundedCache<UrlTarget>(512);

/**
 * The origin, request path and scheme of `url` (WHATWG URL parsing, cached by the URL's text). Throws for a
 * string that is not a URL, as `new URL` does.
 * @see https://url.spec.whatwg.org/#concept-url-parser
 */
export function urlTarget(url: string): UrlTarget {
  return urlTargets.get(url, () => {
    const u = new URL(url);
    return { origin: u.origin, path: `${u.pathname}${u.search}`, protocol: u.protocol };
  });
}

/**
 * Receives one exchange from undici's dispatcher (the handler interface `request()` builds on, without its body
 * stream, abort-signal listener and async resource): records the status and headers, collects the body up to the
 * cap, and reports how the exchange ended exactly once.
 * @see https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatcherdispatchoptions-handler
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  status: number | undefined;
  headers: Record<string, string> = {};
  readonly #maxBodyBytes: number;
  readonly #settle: (outcome: Outcome) => void;
  #chunks: Buffer[] = [];
  #size = 0;
  #abort: ((reason: Error) => void) | undefined;
  #abortReason: Error | undefined;
  #settled = false;

  constructor(maxBodyBytes: number, settle: (outcome: Outcome) => void) {
    this.#maxBodyBytes = maxBodyBytes;
    this.#settle = settle;
  }

  /** Ends the exchange with `outcome`; later reports (an abort's error, say) are ignored. */
  settle(outcome: Outcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#chunks = [];
    this.#settle(outcome);
  }

  /** Aborts the exchange now, or as soon as undici hands it a connection. */
  abort(reason: Error): void {
    if (this.#abort) this.#abort(reason);
    else this.#abortReason = reason;
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.#abortReason) abort(this.#abortReason);
    else this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    if (statusCode < 200) return true; // an interim 1xx response: the final one follows
    this.status = statusCode;
    this.headers = joinRawHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#size += chunk.length;
    if (this.#size > this.#maxBodyBytes) {
      const error = new BodyTooLargeError(this.#maxBodyBytes);
      this.settle({ error });
      this.abort(error);
      return false;
    }
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.#settled) return; // the deadline came first
    const body = Buffer.concat(this.#chunks, this.#size);
    // With pipelining 1, undici hands a finished socket back to the pool in a setImmediate it schedules right
    // after this call returns. Ending in an immediate queued behind that one (so: from a microtask) lets a caller's
    // next, sequential request reuse the keep-alive socket instead of opening a second connection.
    queueMicrotask(() => setImmediate(() => this.settle({ body })));
  }

  onError(error: Error): void {
    this.settle({ error });
  }
}

/** Response headers from undici's raw name/value list: names lower-cased, repeated headers joined with ", ". */
function joinRawHeaders(raw: Array<Buffer | string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = latin1(raw[i]!).toLowerCase();
    const value = latin1(raw[i + 1]!);
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

/** Header bytes as text, one character per byte (as undici decodes them). */
function latin1(v: Buffer | string): string {
  return typeof v === 'string' ? v : v.toString('latin1');
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
  readonly #deadlines: DeadlineQueue;
  #closing: Promise<void> | undefined;

  /**
   * @param opts deadline (`timeoutMs`, default 10 000), body cap (`maxBodyBytes`, default 1 MiB) and
   *   keep-alive connections per origin (`connections`, default 16).
   * @see https://www.rfc-editor.org/rfc/rfc9112#section-9.3 (persistent connections)
   */
  constructor(opts: HttpClientOptions = {}) {
    this.#timeoutMs = positive(opts.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.#maxBodyBytes = nonNegative(opts.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
    this.#deadlines = new DeadlineQueue(this.#timeoutMs);
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
    let handler!: ExchangeHandler;
    // Resolves once: with the body, a transport error, or when the deadline passes, whether or not undici
    // honours the abort promptly (`send` returns then).
    const outcome = await new Promise<Outcome>((resolve) => {
      const pending = this.#deadlines.start(() => {
        handler.settle({ deadline: true });
        handler.abort(new Error(`deadline of ${this.#timeoutMs} ms exceeded`));
      });
      handler = new ExchangeHandler(this.#maxBodyBytes, (o) => {
        this.#deadlines.end(pending);
        resolve(o);
      });
      this.#dispatch(req, handler);
    });

    const exchange = (rest: Partial<HttpExchange>): HttpExchange => ({
      request: req,
      headers: handler.headers,
      bodyText: '',
      ...rest,
      durationMs: performance.now() - started,
    });

    if ('body' in outcome) {
      const bodyText = outcome.body.toString('utf8');
      const result = exchange({ bodyText, ...(handler.status !== undefined ? { status: handler.status } : {}) });
      if (bodyText.length > 0) {
        try {
          result.json = JSON.parse(bodyText) as unknown;
        } catch (error) {
          result.jsonError = oneLine(error instanceof Error ? error.message : String(error));
        }
      }
      return result;
    }
    if ('deadline' in outcome) {
      return exchange({ failure: { code: 'timeout', message: `no complete response within ${this.#timeoutMs} ms` } });
    }
    const failure = classify(outcome.error);
    if (failure.code === 'too_large' && handler.status !== undefined) {
      return exchange({ status: handler.status, failure });
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

  /** The transport part: hands the request to the pool; `handler` hears how it went (an invalid URL included). */
  #dispatch(req: HttpRequest, handler: ExchangeHandler): void {
    try {
      const target = urlTarget(req.url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new Error(`unsupported URL scheme ${target.protocol}`);
      }
      this.#agent.dispatch({
        origin: target.origin,
        path: target.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers ?? {},
        body: req.body ?? null,
      }, handler);
    } catch (error) {
      handler.onError(error as Error);
    }
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
  let out = '';
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out += `${out ? '&' : ''}${formEncodePair(name, value)}`;
  }
  return out;
}

/**
 * Encodes name/value pairs (repeats and order kept) as `application/x-www-form-urlencoded`, exactly as
 * `new URLSearchParams(pairs).toString()` does.
 * @see https://url.spec.whatwg.org/#concept-urlencoded-serializer
 */
export function formEncodePairs(pairs: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  for (let i = 0; i < pairs.length; i++) out += `${i ? '&' : ''}${formEncodePair(pairs[i]![0], pairs[i]![1])}`;
  return out;
}

/**
 * One `name=value` of a form body; a body is these joined with `&` ({@link formEncodePairs}).
 * @see https://url.spec.whatwg.org/#concept-urlencoded-serializer
 */
export function formEncodePair(name: string, value: string): string {
  return `${formComponent(name)}=${formComponent(value)}`;
}

/**
 * The `Authorization` header value for HTTP Basic client authentication: client id and secret are each
 * form-urlencoded first (so a `:` or `%` in either survives), joined with `:`, then base64-encoded.
 * @example basicAuth('s6BhdRkqt3', 'gX1fBat3bV') === 'Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW'
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
export function basicAuth(id: string, secret: string): string {
  if (lastBasic.id !== id || lastBasic.secret !== secret) {
    lastBasic = { id, secret, value: `Basic ${Buffer.from(`${formComponent(id)}:${formComponent(secret)}`, 'utf8').toString('base64')}` };
  }
  return lastBasic.value;
}

/** The last credentials {@link basicAuth} encoded: a run sends the same client's again and again. */
let lastBasic = { id: '', secret: '', value: `Basic ${Buffer.from(':').toString('base64')}` };

/** What `encodeURIComponent` leaves or writes that the form serializer writes otherwise. */
const FORM_FIXUPS: Record<string, string> = { '%20': '+', '!': '%21', "'": '%27', '(': '%28', ')': '%29', '~': '%7E' };

/**
 * One value form-urlencoded on its own (RFC 6749 Appendix B), as the WHATWG serializer writes it: the native
 * `encodeURIComponent` with the serializer's differences patched (space as `+`; `!'()~` percent-encoded). A string
 * with a lone surrogate, which `encodeURIComponent` refuses, goes through `URLSearchParams` (it becomes U+FFFD).
 * @see https://url.spec.whatwg.org/#urlencoded-serializing
 */
export function formComponent(value: string): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(value);
  } catch {
    return new URLSearchParams([['', value]]).toString().slice(1);
  }
  return encoded.replace(/%20|[!'()~]/g, (c) => FORM_FIXUPS[c]!);
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
