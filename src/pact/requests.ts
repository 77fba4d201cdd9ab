/**
 * The harness's own requests, captured instead of sent: a contract interaction is derived from exactly the
 * request the conformance suites send (same encoding, parameter names, client authentication, headers and PoP),
 * so a contract can never drift from what the harness does.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4
 */
import type { HttpExchange, HttpRequest } from '../http/types.ts';
import type { Sender } from '../http/breaker.ts';
import { Redactor } from '../redact.ts';
import { SuiteContext } from '../runner/suite.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import type { Target } from '../target/target.ts';

/** Runs `fn` against a context whose client records the last request instead of sending it; returns that request. */
export async function captureRequest(spec: ProviderSpec, target: Target, fn: (t: SuiteContext) => Promise<unknown>): Promise<HttpRequest> {
  let captured: HttpRequest | undefined;
  const http: Sender = {
    send: async (req: HttpRequest): Promise<HttpExchange> => {
      captured = { ...req, headers: { ...(req.headers ?? {}) } };
      return { request: req, status: 200, headers: {}, bodyText: '', durationMs: 0 };
    },
    close: async () => {},
  };
  await fn(new SuiteContext('pact', spec, target, http, new Redactor()));
  if (!captured) throw new Error('the request builder sent no request');
  return captured;
}
