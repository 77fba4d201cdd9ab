/**
 * Reporters: every output of a run (the terminal, summary.json, JUnit, Markdown, Allure, signed evidence...) is one
 * implementation of {@link Reporter}. A new format is a new file plus one entry in `src/report/index.ts`; the run
 * command never changes for it. Every string a reporter writes must pass through `ctx.redactor` first.
 */
import type { CheckResult } from '../checks/check.ts';
import type { Redactor } from '../redact.ts';
import type { Summary } from './summary.ts';

/** What a reporter knows about the run besides its results. */
export interface ReportContext {
  /** Directory the run writes into (exists, checked writable before the first request). */
  outDir: string;
  /** Working directory of the run (spec files recorded in the summary are relative to it). */
  cwd?: string;
  redactor: Redactor;
  /** Terminal stream (reporters other than the terminal one should stay quiet on it). */
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  /** Show every check, with evidence under failures (`--verbose`). */
  verbose: boolean;
  colour: boolean;
}

/** One output format of a run. */
export interface Reporter {
  readonly name: string;
  /** The run is about to start (`plan` lists spec ids and suite names). */
  start?(plan: { specs: string[]; suites: string[] }, ctx: ReportContext): void;
  /** A suite finished on a spec. */
  suiteDone?(spec: string, suite: string, results: CheckResult[], ctx: ReportContext): void;
  /**
   * The run ended (or was interrupted: `summary.interrupted`). Writes the format; returns the files written
   * (paths), which the terminal reporter lists.
   */
  finish(summary: Summary, ctx: ReportContext): Promise<string[]> | string[];
}
