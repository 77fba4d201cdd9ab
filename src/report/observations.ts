/**
 * What a run observed of each provider (`<out>/observations.json`), derived from the results and their evidence,
 * for drift audits between runs (`oauthgate diff`): the token response's fields and their JSON types, `expires_in`,
 * `token_type`, Cache-Control / Pragma / Content-Type, the scope echo, the status and error code each check's
 * decisive exchange got, and each redirect-URI probe's decision. Values that are secrets never appear (the evidence
 * is redacted; only types, codes, lifetimes and decisions are kept).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../checks/check.ts';
import type { SpecRun } from '../runner/engine.ts';
import type { Evidence } from './evidence.ts';
import type { ReportContext, Reporter } from './reporter.ts';
import { writeFileAtomic, type Summary } from './summary.ts';

export const OBSERVATIONS_SCHEMA_VERSION = 1;

/** JSON type names as a client sees them. */
export type JsonType = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/** The successful token response as observed. */
export interface TokenResponseObservation {
  /** Check whose evidence it comes from. */
  from: string;
  status: number;
  /** Member name → JSON type. */
  fields: Record<string, JsonType>;
  tokenType?: string;
  /** `expires_in` in seconds (a numeric string is read as its number), when present and numeric. */
  expiresIn?: number;
  /** Response headers that matter to clients and caches (absent header: null). */
  headers: { 'cache-control': string | null; pragma: string | null; 'content-type': string | null };
  /** The `scope` member echoed, or null when the response has none. */
  scopeEcho: string | null;
}

/** The decisive response of a check: its status and RFC 6749 §5.2 error code. */
export interface CaseObservation {
  status: number;
  error?: string;
}

/** A redirect-URI probe's decision at the authorization endpoint. */
export interface RedirectObservation {
  decision: 'redirected' | 'rejected';
  status: number;
}

export interface SpecObservations {
  target: string;
  tokenResponse?: TokenResponseObservation;
  /** Check id → the status and error code its last answered exchange got. */
  cases: Record<string, CaseObservation>;
  /** Redirect-URI check id → decision. */
  redirects: Record<string, RedirectObservation>;
}

export interface Observations {
  schemaVersion: number;
  harness: { name: string; version: string };
  startedAt: string;
  specs: Record<string, SpecObservations>;
}

/** The JSON type of a value. */
export function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

const header = (e: Evidence, name: string): string | null => {
  const hit = Object.entries(e.responseHeaders).find(([k]) => k.toLowerCase() === name);
  return hit ? hit[1] : null;
};

/** The response body of an exchange when it is a JSON object. */
function jsonObject(e: Evidence): Record<string, unknown> | undefined {
  if (!e.responseBody || e.responseBodyLength !== undefined) return undefined;
  try {
    const v: unknown = JSON.parse(e.responseBody);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A successful token response in a check's evidence (2xx, a JSON object with `access_token`). */
function tokenResponseIn(r: CheckResult): TokenResponseObservation | undefined {
  for (const e of r.evidence ?? []) {
    if (e.status === undefined || e.status < 200 || e.status > 299) continue;
    const body = jsonObject(e);
    if (!body || !('access_token' in body)) continue;
    const fields = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, jsonType(v)])) as Record<string, JsonType>;
    const ei = body.expires_in;
    const seconds = typeof ei === 'number' ? ei : typeof ei === 'string' && /^\d+$/.test(ei) ? Number(ei) : undefined;
    const obs: TokenResponseObservation = {
      from: r.id,
      status: e.status,
      fields,
      headers: { 'cache-control': header(e, 'cache-control'), pragma: header(e, 'pragma'), 'content-type': header(e, 'content-type') },
      scopeEcho: typeof body.scope === 'string' ? body.scope : null,
    };
    if (typeof body.token_type === 'string') obs.tokenType = body.token_type;
    if (seconds !== undefined) obs.expiresIn = seconds;
    return obs;
  }
  return undefined;
}

/** Checks whose evidence is the plain token request, in order of preference. */
const TOKEN_RESPONSE_CHECKS = ['token.fields-match-spec', 'token.success-status-200', 'token.cache-control-no-store'];

/** The last exchange of a check that got a response. */
const lastAnswered = (r: CheckResult): Evidence | undefined => [...(r.evidence ?? [])].reverse().find((e) => e.status !== undefined);

/** A redirect-URI check's decision: the last exchange that carries a redirect_uri, redirected (3xx + Location) or not. */
function redirectDecision(r: CheckResult): RedirectObservation | undefined {
  const probe = [...(r.evidence ?? [])].reverse().find((e) => e.status !== undefined && /[?&]redirect_uri=/.test(e.url));
  if (!probe) return undefined;
  const redirected = probe.status! >= 300 && probe.status! < 400 && header(probe, 'location') !== null;
  return { decision: redirected ? 'redirected' : 'rejected', status: probe.status! };
}

/** What one spec's run observed. */
export function observeRun(run: SpecRun): SpecObservations {
  const out: SpecObservations = { target: run.target, cases: {}, redirects: {} };
  const ordered = [
    ...TOKEN_RESPONSE_CHECKS.map((id) => run.checks.find((c) => c.id === id)).filter((c): c is CheckResult => Boolean(c)),
    ...run.checks.filter((c) => c.suite === 'token-endpoint'),
    ...run.checks,
  ];
  for (const r of ordered) {
    const t = tokenResponseIn(r);
    if (t) {
      out.tokenResponse = t;
      break;
    }
  }
  for (const r of run.checks) {
    const decision = r.suite === 'redirect-uri' ? redirectDecision(r) : undefined;
    if (decision) {
      out.redirects[r.id] = decision;
      continue;
    }
    const last = lastAnswered(r);
    if (last) {
      const body = jsonObject(last);
      const c: CaseObservation = { status: last.status! };
      if (typeof body?.error === 'string') c.error = body.error;
      out.cases[r.id] = c;
    }
  }
  return out;
}

/** Observations of every spec in a summary. */
export function observe(summary: Summary): Observations {
  return {
    schemaVersion: OBSERVATIONS_SCHEMA_VERSION,
    harness: summary.harness,
    startedAt: summary.startedAt,
    specs: Object.fromEntries(summary.runs.map((r) => [r.spec, observeRun(r)])),
  };
}

/** Writes `observations.json`; returns its path. */
export function writeObservations(summary: Summary, ctx: Pick<ReportContext, 'outDir' | 'redactor'>): string {
  mkdirSync(ctx.outDir, { recursive: true });
  const file = join(ctx.outDir, 'observations.json');
  writeFileAtomic(file, `${ctx.redactor.redact(JSON.stringify(observe(summary), null, 2))}\n`);
  return file;
}

/** The drift-record reporter. */
export const observationsReporter: Reporter = {
  name: 'observations',
  finish: (summary, ctx) => [writeObservations(summary, ctx)],
};
