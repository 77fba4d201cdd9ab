/**
 * summary.json: the machine-readable record of a run, for CI gates, certification evidence and drift diffs.
 * Everything written passes through the run's redactor.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecRun } from '../runner/engine.ts';
import type { Redactor } from '../redact.ts';
import { HARNESS } from '../version.ts';

export const SUMMARY_SCHEMA_VERSION = 1;

export interface Summary {
  schemaVersion: number;
  harness: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  runs: SpecRun[];
}

/** Exit status of a run: 1 when any MUST check failed, else 0. */
export function exitCodeOf(runs: SpecRun[]): 0 | 1 {
  return runs.some((r) => r.checks.some((c) => c.status === 'failed' && c.severity === 'MUST')) ? 1 : 0;
}

/** Builds the summary object. */
export function buildSummary(runs: SpecRun[], startedAt: Date, finishedAt: Date): Summary {
  return { schemaVersion: SUMMARY_SCHEMA_VERSION, harness: { ...HARNESS }, startedAt: startedAt.toISOString(), finishedAt: finishedAt.toISOString(), exitCode: exitCodeOf(runs), runs };
}

/** Writes `summary.json` into `dir` (created if needed) and returns its path. */
export function writeSummary(dir: string, summary: Summary, redactor: Redactor): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'summary.json');
  writeFileSync(file, `${redactor.redact(JSON.stringify(summary, null, 2))}\n`);
  return file;
}
