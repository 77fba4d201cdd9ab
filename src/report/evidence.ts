/**
 * Evidence: the HTTP exchanges that decided a check, as they appear in summary.json and every report. Built from
 * an {@link HttpExchange} by redacting first and cutting second, so a secret is never half-printed.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.3
 */
import type { HttpExchange } from '../http/types.ts';
import type { Redactor } from '../redact.ts';

/** Largest body excerpt kept per exchange, in characters (after redaction). */
export const EVIDENCE_BODY_CHARS = 2048;

/** One request and its response (or why there was none), redacted. */
export interface Evidence {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  /** Request body excerpt; absent when the request had no body. */
  requestBody?: string;
  /** Absent exactly when `failure` is present. */
  status?: number;
  responseHeaders: Record<string, string>;
  /** Response body excerpt; absent when the response had no body. */
  responseBody?: string;
  /** Set when the body was longer than the excerpt: its full length in characters. */
  responseBodyLength?: number;
  /** Transport failure (timeout, reset, refused...), when no response came. */
  failure?: { code: string; message: string };
  durationMs: number;
}

/** Cuts text that has already been redacted. */
function cut(text: string, max = EVIDENCE_BODY_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…[${text.length - max} more characters]` : text;
}

/** Turns an exchange into evidence: every header, URL and body passes through the redactor before it is cut. */
export function toEvidence(ex: HttpExchange, redactor: Redactor): Evidence {
  const reqBody = ex.request.body ? redactor.redactBody(ex.request.body) : '';
  const resBody = ex.bodyText ? redactor.redactBody(ex.bodyText) : '';
  const e: Evidence = {
    method: ex.request.method,
    url: redactor.redactUrl(ex.request.url),
    requestHeaders: redactor.headers(ex.request.headers),
    responseHeaders: redactor.headers(ex.headers),
    durationMs: Math.round(ex.durationMs * 10) / 10,
  };
  if (reqBody) e.requestBody = cut(reqBody);
  if (ex.status !== undefined) e.status = ex.status;
  if (resBody) {
    e.responseBody = cut(resBody);
    if (resBody.length > EVIDENCE_BODY_CHARS) e.responseBodyLength = resBody.length;
  }
  if (ex.failure) e.failure = { code: ex.failure.code, message: redactor.redact(ex.failure.message) };
  return e;
}
