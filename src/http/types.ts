/**
 * The HTTP exchange model every check reads: what was sent and what came back, or why nothing came back.
 * A client never throws on a hostile server; transport failures are data ({@link HttpFailure}).
 * @see https://www.rfc-editor.org/rfc/rfc9110
 */

/** A request as the harness sends it. Header names are sent as given. */
export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** The exact body bytes as text (already form- or JSON-encoded). */
  body?: string;
}

/** Why an exchange produced no usable response. Stable codes, for checks and reports. */
export type HttpFailureCode =
  | 'timeout' // no complete response within the deadline
  | 'connection_refused'
  | 'connection_reset' // socket closed or reset mid-exchange
  | 'too_large' // body exceeded maxBodyBytes
  | 'protocol' // not valid HTTP
  | 'network'; // anything else at the transport level

export interface HttpFailure {
  code: HttpFailureCode;
  message: string;
}

/** One request and its outcome. `status` is absent exactly when `failure` is present. */
export interface HttpExchange {
  request: HttpRequest;
  status?: number;
  /** Response headers, names lower-cased, repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The body decoded as UTF-8 (empty when there was none). */
  bodyText: string;
  /** The parsed body when it is valid JSON; undefined otherwise. */
  json?: unknown;
  /** Why JSON parsing failed, when the body was non-empty and not JSON. */
  jsonError?: string;
  failure?: HttpFailure;
  durationMs: number;
}

/** Options shared by every request of a client. */
export interface HttpClientOptions {
  /** Deadline for a whole exchange (connect, headers and body). Default 10 000 ms. */
  timeoutMs?: number;
  /** Largest response body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Connections kept alive per origin. Default 16. */
  connections?: number;
}
