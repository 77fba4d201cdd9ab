/**
 * The CI gate: which failures fail the run (`--fail-on must|should`) and which known failures a team has accepted
 * for now (`--baseline <file>`, a YAML or JSON list of `{spec, check, reason, expires}`). An accepted failure does
 * not fail the gate and is shown as "accepted"; an accepted check that passes now is a warning (drop the entry);
 * an entry past its expiry date fails the gate, so a baseline cannot quietly become permanent.
 * @see https://www.rfc-editor.org/rfc/rfc2119
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { formatIssues } from '../spec/load.ts';
import type { CheckResult, Severity } from '../checks/check.ts';
import type { SpecRun } from '../runner/engine.ts';
import type { Summary } from './summary.ts';

/** Lowest severity whose failures fail the gate. */
export type FailOn = 'must' | 'should';

/** A baseline entry: a known failure accepted until `expires` (a date, YYYY-MM-DD, inclusive). */
export const BaselineEntry = z
  .object({
    spec: z.string().min(1),
    check: z.string().min(1).describe('check id, e.g. token.cache-control-no-store'),
    reason: z.string().min(1),
    expires: z.union([z.string(), z.date()]).transform((v, ctx) => {
      const s = v instanceof Date ? v.toISOString().slice(0, 10) : v;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) {
        ctx.addIssue({ code: 'custom', message: `expected a date YYYY-MM-DD, observed "${s}"` });
        return z.NEVER;
      }
      return s;
    }),
  })
  .strict();
export type BaselineEntry = z.infer<typeof BaselineEntry>;

const Baseline = z.array(BaselineEntry);

/** Parses a baseline file (YAML or JSON: a list, or `{accepted: [...]}`); bad input is one line per problem. */
export function loadBaseline(file: string, display = file): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${display}: cannot read baseline: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new UserError(`${display}: not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data && typeof data === 'object' && !Array.isArray(data) && 'accepted' in data) data = (data as { accepted: unknown }).accepted;
  const parsed = Baseline.safeParse(data ?? []);
  if (!parsed.success) throw new UserError(formatIssues(display, parsed.error.issues));
  return parsed.data;
}

/** A failure the baseline accepted. */
export interface AcceptedFailure {
  spec: string;
  check: string;
  reason: string;
  expires: string;
}

/** The gate's verdict, recorded in summary.json as `gate`. */
export interface GateRecord {
  failOn: FailOn;
  /** Exit status of the gate: 1 when a failure at or above the threshold is not accepted, or an entry expired. */
  exitCode: 0 | 1;
  /** Failures at or above the threshold that nothing accepted: `spec check-id`. */
  failing: string[];
  accepted: AcceptedFailure[];
  /** Baseline entries whose check passes now, or matches no check of a spec that ran. */
  warnings: string[];
  /** Expired entries. */
  errors: string[];
  /** One line saying why the gate passed or failed. */
  verdict: string;
}

/** A summary as written by a gated run. */
export type GatedSummary = Summary & { gate?: GateRecord };

const GATED: Record<FailOn, Severity[]> = { must: ['MUST'], should: ['MUST', 'SHOULD'] };

/** Whether a result fails a gate at `failOn` (before the baseline is applied). */
export const failsThreshold = (r: CheckResult, failOn: FailOn): boolean => r.status === 'failed' && GATED[failOn].includes(r.severity);

/**
 * Applies the threshold and the baseline to a run's results. `today` is a date YYYY-MM-DD (an entry expiring
 * today still holds).
 */
export function evaluateGate(runs: SpecRun[], failOn: FailOn, baseline: BaselineEntry[], today: string): GateRecord {
  const accepted: AcceptedFailure[] = [];
  const failing: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const live = baseline.filter((e) => e.expires >= today);
  for (const e of baseline) {
    if (e.expires < today) errors.push(`baseline entry ${e.spec} ${e.check} expired on ${e.expires} (${e.reason}): fix the check or renew the entry`);
  }
  for (const run of runs) {
    for (const r of run.checks) {
      if (!failsThreshold(r, failOn)) continue;
      const entry = live.find((e) => e.spec === run.spec && e.check === r.id);
      if (entry) accepted.push({ spec: run.spec, check: r.id, reason: entry.reason, expires: entry.expires });
      else failing.push(`${run.spec} ${r.id}`);
    }
  }
  for (const e of live) {
    const run = runs.find((r) => r.spec === e.spec);
    if (!run) continue;
    const r = run.checks.find((c) => c.id === e.check);
    if (!r) warnings.push(`baseline entry ${e.spec} ${e.check} matches no check of this run`);
    else if (r.status === 'passed') warnings.push(`baseline entry ${e.spec} ${e.check} passes now: remove it from the baseline`);
  }
  const exitCode = failing.length || errors.length ? 1 : 0;
  const level = failOn === 'must' ? 'MUST' : 'MUST or SHOULD';
  const parts = [];
  if (failing.length) parts.push(`${failing.length} ${level} check(s) failed`);
  if (errors.length) parts.push(`${errors.length} baseline entr${errors.length === 1 ? 'y' : 'ies'} expired`);
  const verdict = exitCode
    ? `gate failed (fail-on ${failOn}): ${parts.join(', ')}`
    : `gate passed (fail-on ${failOn}): no ${level} check failed${accepted.length ? ` beyond ${accepted.length} accepted known failure(s)` : ''}`;
  return { failOn, exitCode, failing, accepted, warnings, errors, verdict };
}

/** The accepted-failure entry for a result, if the gate accepted it. */
export function acceptedEntry(summary: GatedSummary, spec: string, id: string): AcceptedFailure | undefined {
  return summary.gate?.accepted.find((a) => a.spec === spec && a.check === id);
}

/** Today as YYYY-MM-DD (UTC). */
export const todayUtc = (now = new Date()): string => now.toISOString().slice(0, 10);

/** The gate's lines for the terminal: accepted failures, baseline warnings and errors. */
export function gateLines(gate: GateRecord, red: { redact(s: string): string }): string[] {
  const out: string[] = [];
  for (const a of gate.accepted) out.push(`  ACPT ${a.spec} ${a.check}: accepted until ${a.expires} (${red.redact(a.reason)})`);
  for (const w of gate.warnings) out.push(`warning: ${red.redact(w)}`);
  for (const e of gate.errors) out.push(`error: ${red.redact(e)}`);
  if (out.length) out.unshift(`\nbaseline (fail-on ${gate.failOn}):`);
  return out;
}
