/**
 * The report flags of `oauthgate run` and `oauthgate merge`: `--fail-on must|should`, `--baseline <file>` and
 * `--sign-key <pem>`. Read and checked before anything runs (bad input: one line, exit 2); applied to the summary
 * after the run (the gate) and to the output folder after every reporter wrote (the signature).
 */
import { resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { UserError } from '../errors.ts';
import { evaluateGate, loadBaseline, todayUtc, type BaselineEntry, type FailOn, type GatedSummary } from '../report/gate.ts';
import { loadSigningKey, signReport } from '../report/signature.ts';
import type { SpecRun } from '../runner/engine.ts';

/** parseArgs options for the report flags. */
export const REPORT_FLAG_OPTIONS = {
  'fail-on': { type: 'string' },
  baseline: { type: 'string' },
  'sign-key': { type: 'string' },
} as const;

/** Usage text of the report flags. */
export const REPORT_FLAG_USAGE = '[--fail-on must|should] [--baseline <file>] [--sign-key <pem>]';

/** The report flags, read and checked. */
export interface ReportFlags {
  /** Set when `--fail-on` or `--baseline` was given: the gate is recorded in summary.json. */
  gate?: { failOn: FailOn; baseline: BaselineEntry[] };
  signer?: { key: KeyObject; alg: string };
}

/** Reads the report flags (files relative to `cwd`). */
export function readReportFlags(values: { 'fail-on'?: string; baseline?: string; 'sign-key'?: string }, cwd: string): ReportFlags {
  const out: ReportFlags = {};
  const failOn = values['fail-on'];
  if (failOn !== undefined && failOn !== 'must' && failOn !== 'should') throw new UserError(`--fail-on: expected "must" or "should", observed "${failOn}"`);
  if (failOn !== undefined || values.baseline !== undefined) {
    out.gate = { failOn: (failOn ?? 'must') as FailOn, baseline: values.baseline ? loadBaseline(resolve(cwd, values.baseline), values.baseline) : [] };
  }
  if (values['sign-key']) out.signer = loadSigningKey(resolve(cwd, values['sign-key']), values['sign-key']);
  return out;
}

/** Applies the gate to a summary (records it and sets the exit code); no-op without gate flags. */
export function applyGate(summary: GatedSummary, runs: SpecRun[], flags: ReportFlags, now = new Date()): void {
  if (!flags.gate) return;
  summary.gate = evaluateGate(runs, flags.gate.failOn, flags.gate.baseline, todayUtc(now));
  summary.exitCode = summary.gate.exitCode;
}

/** Signs the output folder when `--sign-key` was given; returns the files written. */
export async function signIfAsked(outDir: string, summary: GatedSummary, flags: ReportFlags): Promise<string[]> {
  return flags.signer ? [await signReport(outDir, summary, flags.signer)] : [];
}
