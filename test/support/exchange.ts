/** Builds synthetic exchanges for check self-tests, and asserts on outcomes. */
import { expect } from 'vitest';
import type { HttpExchange } from '../../src/http/types.ts';
import type { Outcome } from '../../src/checks/check.ts';

export function exchange(status: number, body?: unknown, headers: Record<string, string> = {}): HttpExchange {
  const bodyText = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    json = undefined;
  }
  return {
    request: { method: 'POST', url: 'http://127.0.0.1/token' },
    status,
    headers: { 'content-type': 'application/json', ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) },
    bodyText,
    ...(json !== undefined ? { json } : {}),
    ...(json === undefined && bodyText ? { jsonError: 'Unexpected token' } : {}),
    durationMs: 1,
  };
}

export const transportFailure = (code: 'timeout' | 'connection_reset' = 'timeout'): HttpExchange => ({
  request: { method: 'POST', url: 'http://127.0.0.1/token' }, headers: {}, bodyText: '', durationMs: 1, failure: { code, message: `${code} after 1 ms` },
});

/** Asserts a failure whose message states the expectation and the observation, matching both. */
export function expectFailure(o: Outcome, expected: RegExp, observed: RegExp): void {
  expect(o.status).toBe('failed');
  if (o.status !== 'failed') return;
  expect(o.reason).toMatch(/: expected .+, observed /);
  expect(o.expected).toMatch(expected);
  expect(o.observed).toMatch(observed);
  expect(o.reason).toContain(o.observed!);
}
