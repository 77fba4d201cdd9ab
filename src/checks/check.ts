import type { Evidence } from '../report/evidence.ts';

/**
 * The check model. A check is one small named assertion with stable metadata; it returns an {@link Outcome}
 * instead of throwing, and its failure message always states expected and observed.
 * Severity is chosen where a check is used (the suite), not inside it.
 * @see https://www.rfc-editor.org/rfc/rfc2119
 */

/** RFC 2119 level at which a check is applied. */
export type Severity = 'MUST' | 'SHOULD' | 'MAY';

/** Result status, as written to summary.json. */
export type Status = 'passed' | 'failed' | 'deviation' | 'skipped' | 'not_applicable';

/** Static metadata of a check. */
export interface CheckMeta {
  /** Stable id, `area.assertion`, e.g. `token.cache-control-no-store`. */
  id: string;
  title: string;
  /** Requirement it comes from: an RFC section or a provider document line. */
  requirement: string;
}

/**
 * A check: its metadata and its logic in one object, so names can't drift apart. `evaluate` is pure: it judges
 * what it is given (exchanges, spec values) and returns an {@link Outcome}; sending requests is the suite's job.
 */
export interface Check<A extends unknown[] = never[]> extends CheckMeta {
  evaluate(...args: A): Outcome;
}

/** Declares a check object. */
export function defineCheck<A extends unknown[]>(check: Check<A>): Check<A> {
  return Object.freeze(check);
}

/**
 * The one "client error" predicate: a 4xx status (RFC 9110 §15.5). A 5xx is a server failure, never a proper
 * rejection, and a 3xx or 2xx is no rejection at all.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.5
 */
export function isClientError(status: number | undefined): status is number {
  return status !== undefined && status >= 400 && status <= 499;
}

/** What a check observed. */
export type Outcome =
  | { status: 'passed'; note?: string }
  | { status: 'failed'; reason: string; field?: string; expected?: string; observed?: string }
  | { status: 'not_applicable'; reason: string }
  | { status: 'skipped'; reason: string };

/** A passing outcome. */
export const pass = (note?: string): Outcome => (note ? { status: 'passed', note } : { status: 'passed' });

/**
 * Renders any value for a message: strings quoted, absent values named. Never cuts: a message is redacted when
 * it is recorded and cut only where it is displayed or written, so a cut can never leave part of a secret.
 */
export function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** The response body when it is a JSON object (not an array, not a scalar); undefined otherwise. */
export function bodyObject(ex: { json?: unknown }): Record<string, unknown> | undefined {
  return ex.json && typeof ex.json === 'object' && !Array.isArray(ex.json) ? (ex.json as Record<string, unknown>) : undefined;
}

/** Names a JSON value's type with the value, for "observed" parts of messages: `the string "3599"`. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${show(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return `${typeof v} ${show(v)}`;
}

/**
 * A failing outcome whose message names the field, the expectation (with its requirement) and the observation:
 * `"expires_in" in token response: expected a number (RFC 6749 §5.1), observed the string "3599"`.
 */
export function fail(field: string, expected: string, observed: string, requirement?: string): Outcome {
  const req = requirement ? ` (${requirement})` : '';
  return { status: 'failed', field, expected, observed, reason: `${field}: expected ${expected}${req}, observed ${observed}` };
}

/** Not applicable, with the reason (never a silent pass). */
export const notApplicable = (reason: string): Outcome => ({ status: 'not_applicable', reason });

/** Skipped, with the reason (a prerequisite failed, or a wait exceeds the budget). */
export const skipped = (reason: string): Outcome => ({ status: 'skipped', reason });

/** Thrown inside a check body to end it as skipped or not applicable. */
export class CheckAbort extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.status === 'passed' ? 'passed' : outcome.reason);
  }
}

/** One recorded check result, as it appears in summary.json. */
export interface CheckResult {
  id: string;
  suite: string;
  title: string;
  severity: Severity;
  status: Status;
  reason?: string;
  requirement: string;
  durationMs: number;
  /** Set when status is `deviation`: the spec's deviation id. */
  deviation?: string;
  expected?: string;
  observed?: string;
  /** The field or header the check judged, when it judged one (`"Cache-Control" header`). */
  field?: string;
  /** The exchanges that decided the verdict, redacted (summary.json schemaVersion 2). */
  evidence?: Evidence[];
}
