/**
 * The verifier's request filter: every request Pact replays passes through it on its way to the provider. It
 * puts the target's real credentials and the provider states' tokens in place of the pact's placeholders, maps
 * the spec's paths to the target's, repairs form bodies (the pact-js proxy re-encodes parsed form bodies as JSON,
 * pact-js issue 884) and signs a fresh TAAP PoP token over the final request (a PoP is bound to one request and
 * cannot be stored in a pact). Responses are read on the way back so that every issued token is redacted.
 * @see https://docs.pact.io/implementation_guides/javascript/docs/provider#modify-requests-prior-to-verification-request-filters
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import { basicAuth } from '../http/client.ts';
import type { HttpExchange, HttpRequest } from '../http/types.ts';
import type { Redactor } from '../redact.ts';
import type { SuiteContext } from '../runner/suite.ts';
import { attachTaap, endpointUrl } from '../steps/requests.ts';
import { substitute, type RealValues } from './placeholders.ts';

/** What the filter needs: the run's context (spec, real target) and the values of the current provider states. */
export interface FilterContext {
  t: SuiteContext;
  values: () => RealValues;
  redactor: Redactor;
  /** Receives each replayed exchange (request as sent to the target, response as it came back), in order. */
  onExchange?: (ex: HttpExchange) => void;
}

/** Responses the proxy has not finished yet: {@link failInFlight} answers them when the target's connection fails. */
const inFlight = new Set<ServerResponse>();

/**
 * Answers every unfinished proxied response with a 502 naming the transport failure. The pact-js proxy has no error
 * handler of its own (a reset from the target would end the process), so the worker routes such errors here and
 * Pact records a mismatch for the interaction instead.
 */
export function failInFlight(error: Error & { code?: string }): number {
  let n = 0;
  for (const res of inFlight) {
    if (!res.headersSent) {
      const text = `oauthgate: the target failed at the transport level (${error.code ?? 'error'}: ${error.message})`;
      res.writeHead(502, { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
      n++;
    }
  }
  inFlight.clear();
  return n;
}

/** The request filter (an Express middleware for the pact-js verifier proxy). */
export function createRequestFilter(ctx: FilterContext): RequestHandler {
  return (req, res, next) => {
    if (req.path.startsWith('/_pact') || req.path === '/_messages') return next();
    inFlight.add(res);
    const t0 = performance.now();
    const ex: HttpExchange = { request: { method: req.method, url: req.url }, headers: {}, bodyText: '', durationMs: 0 };
    ctx.onExchange?.(ex);
    res.on('close', () => {
      inFlight.delete(res);
      ex.durationMs = performance.now() - t0;
      if (!res.writableFinished) ex.failure = { code: 'connection_reset', message: 'the exchange ended before the response was complete' };
    });
    captureResponse(res, ctx.redactor, (status, headers, bodyText) => Object.assign(ex, { status, headers, bodyText }));
    rewriteRequest(ctx, req).then(() => {
      ex.request = { method: req.method, url: new URL(req.url, ctx.t.target.baseUrl).toString(), headers: stringHeaders(req.headers), body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '' };
      next();
    }, (e: unknown) => next(e));
  };
}

/** The parts of an Express request the filter rewrites. */
interface FilterRequest {
  method: string;
  url: string;
  path: string;
  headers: IncomingHttpHeaders;
  body?: unknown;
}

/** Rewrites one replayed request in place: path, headers, body, PoP. */
export async function rewriteRequest(ctx: FilterContext, req: FilterRequest): Promise<void> {
  const { t } = ctx;
  const real = ctx.values();
  const search = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
  const path = mapPath(t, req.path);
  req.url = `${path}${search}`;
  // The harness never asks for compressed responses; a compressed body could not be read for redaction.
  delete req.headers['accept-encoding'];
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== 'string') continue;
    req.headers[name] = name === 'authorization' ? substituteAuthorization(value, real) : substitute(value, real);
  }
  const body = rewriteBody(t, req, real);
  req.body = Buffer.from(body);
  req.headers['content-length'] = String(Buffer.byteLength(body));
  const pop = t.spec.pop;
  if (pop?.profile === 'taap' && req.headers[pop.header.toLowerCase()] !== undefined) {
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const signed: HttpRequest = { method: req.method, url: new URL(req.url, t.target.baseUrl).toString(), headers, body };
    await attachTaap(t, signed);
    const value = signed.headers?.[pop.header];
    if (value) {
      delete req.headers[pop.header.toLowerCase()];
      req.headers[pop.header.toLowerCase()] = value;
    }
  }
}

/** The target's path for a spec path (a live target may override token, authorize, revoke and resource). */
function mapPath(t: SuiteContext, path: string): string {
  const { spec } = t;
  const names = ['token', 'authorize', 'revoke'] as const;
  for (const n of names) if (spec.endpoints[n]?.path === path) return new URL(endpointUrl(t, n)).pathname;
  if (spec.resource.path === path) return new URL(endpointUrl(t, 'resource')).pathname;
  return path;
}

/** Basic credentials are decoded, each part substituted and re-encoded; a Bearer placeholder becomes the state's token. */
export function substituteAuthorization(value: string, real: RealValues): string {
  const basic = /^basic\s+(\S+)$/i.exec(value);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return value;
    const part = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return basicAuth(substitute(part(decoded.slice(0, i)), real), substitute(part(decoded.slice(i + 1)), real));
  }
  const scheme = /^(\S+)\s+(\S+)$/.exec(value);
  return scheme ? `${scheme[1]} ${substitute(scheme[2]!, real)}` : value;
}

/** The body as the provider must receive it, placeholders replaced, in the encoding the Content-Type names. */
function rewriteBody(t: SuiteContext, req: FilterRequest, real: RealValues): string {
  const ct = String(req.headers['content-type'] ?? '').toLowerCase();
  const b = req.body;
  if (b === undefined || b === null) return '';
  if (Buffer.isBuffer(b)) return b.toString('utf8');
  if (typeof b !== 'object') return String(b);
  const registered = t.spec.redirectUri?.registered;
  const value = (k: string, v: unknown): unknown => {
    if (typeof v !== 'string') return v;
    if (k === 'redirect_uri' && v === registered && t.target.redirectUri) return t.target.redirectUri;
    return substitute(v, real);
  };
  const entries = Object.entries(b as Record<string, unknown>).map(([k, v]) => [k, value(k, v)] as const);
  if (ct.includes('application/x-www-form-urlencoded')) {
    const p = new URLSearchParams();
    for (const [k, v] of entries) p.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    return p.toString();
  }
  if (entries.length === 0 && Number(req.headers['content-length'] ?? 0) === 0) return '';
  return JSON.stringify(Object.fromEntries(entries));
}

/** Header values that are strings (repeated headers joined), names lower-case. */
function stringHeaders(h: IncomingHttpHeaders | ReturnType<ServerResponse['getHeaders']>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/** Reads the provider's response as it streams back to Pact, registering every credential it carries. */
function captureResponse(res: Parameters<RequestHandler>[1], redactor: Redactor, done: (status: number, headers: Record<string, string>, body: string) => void): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => unknown;
  const keep = (c: unknown) => {
    if (typeof c === 'string') chunks.push(Buffer.from(c));
    else if (Buffer.isBuffer(c)) chunks.push(c);
    else if (c instanceof Uint8Array) chunks.push(Buffer.from(c));
  };
  (res as { write: unknown }).write = (...a: unknown[]) => {
    keep(a[0]);
    return write(...a);
  };
  (res as { end: unknown }).end = (...a: unknown[]) => {
    if (typeof a[0] !== 'function') keep(a[0]);
    const text = Buffer.concat(chunks).toString('utf8');
    done(res.statusCode, stringHeaders(res.getHeaders()), text);
    try {
      redactor.addFromFields(JSON.parse(text));
    } catch {
      // not JSON: nothing to register
    }
    return end(...a);
  };
}
