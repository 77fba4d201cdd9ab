/**
 * summary.json: the machine-readable record of a run, for CI gates, certification evidence and drift diffs.
 * Schema version 2 adds `specs` (file and SHA-256 of each spec checked), `options`, `interrupted`, and per check
 * `field` and `evidence` (the redacted exchanges that decided it). reports/README.md documents the shape.
 * Everything written passes through the run's redactor.
 */
import { ensureDirectory, writeFileAtomic } from '../io/atomic-write.ts';
import { join } from 'node:path';
import type { SpecRun } from '../runner/engine.ts';
import type { Redactor } from '../redact.ts';
import type { Reporter } from './reporter.ts';
import type { CheckResult } from '../checks/check.ts';
import { HARNESS } from '../version.ts';

export const SUMMARY_SCHEMA_VERSION = 2;

/** A spec as it was checked: where it came from and the hash of its text. */
export interface SpecInfo {
  id: string;
  /** Path of the spec file (relative to the working directory when inside it). */
  file: string;
  /** SHA-256 of the spec file's bytes, hex. */
  sha256: string;
  /** Spec fields a target file or an `extends` overlay changed, as dotted paths. */
  overrides?: string[];
}

/** Options that shaped the run (no secrets). */
export interface RunOptionsRecord {
  suites: string[];
  faults: string[];
  timeoutMs: number;
  maxBodyBytes: number;
  seed?: number;
}

export interface Summary {
  schemaVersion: number;
  harness: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** True when the run was stopped (SIGINT/SIGTERM) before it finished: `runs` holds what was done. */
  interrupted?: boolean;
  specs: SpecInfo[];
  options: RunOptionsRecord;
  runs: SpecRun[];
}

/** Exit status of a run: 1 when any MUST check failed, else 0. */
export function exitCodeOf(runs: SpecRun[]): 0 | 1 {
  return runs.some((r) => r.checks.some((c) => c.status === 'failed' && c.severity === 'MUST')) ? 1 : 0;
}

/** Builds the summary object. */
export function buildSummary(runs: SpecRun[], startedAt: Date, finishedAt: Date, extra: { specs?: SpecInfo[]; options?: RunOptionsRecord; interrupted?: boolean } = {}): Summary {
  return {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    harness: { ...HARNESS },
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    exitCode: exitCodeOf(runs),
    ...(extra.interrupted ? { interrupted: true } : {}),
    specs: extra.specs ?? [],
    options: extra.options ?? { suites: [], faults: [], timeoutMs: 0, maxBodyBytes: 0 },
    runs,
  };
}

export { writeFileAtomic };

/** Longest reason, expected or observed text kept per check in summary.json, in characters (after redaction). */
export const SUMMARY_TEXT_CHARS = 4096;

/** A check as written: its texts redacted, then cut to {@link SUMMARY_TEXT_CHARS}. */
function writtenCheck(c: CheckResult, redactor: Redactor): CheckResult {
  const out = { ...c };
  for (const k of ['reason', 'expected', 'observed'] as const) {
    const v = out[k];
    if (typeof v === 'string') out[k] = redactor.cut(v, SUMMARY_TEXT_CHARS);
  }
  return out;
}

/** Writes `summary.json` into `dir` (created if needed) and returns its path. */
export function writeSummary(dir: string, summary: Summary, redactor: Redactor): string {
  ensureDirectory(dir, `--out ${dir}`);
  const file = join(dir, 'summary.json');
  const written: Summary = { ...summary, runs: summary.runs.map((r) => ({ ...r, checks: r.checks.map((c) => writtenCheck(c, redactor)) })) };
  writeFileAtomic(file, `${redactor.redact(JSON.stringify(written, null, 2))}\n`);
  return file;
}

/** The summary.json reporter. */
export const summaryReporter: Reporter = {
  name: 'summary',
  finish: (summary, ctx) => [writeSummary(ctx.outDir, summary, ctx.redactor)],
};
