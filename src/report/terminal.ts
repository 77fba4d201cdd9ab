/**
 * Terminal output: progress lines while a run goes, then a results table per spec. Plain text (colour only on
 * a TTY), widths fitted to the terminal, every string redacted.
 */
import { performance } from 'node:perf_hooks';
import type { CheckResult, Status } from '../checks/check.ts';
import type { SpecRun } from '../runner/engine.ts';
import type { Redactor } from '../redact.ts';
import type { Reporter } from './reporter.ts';
import type { Summary } from './summary.ts';
import { gateLines, type GatedSummary } from './gate.ts';
import { annotations } from './github.ts';

const SYMBOL: Record<Status, string> = { passed: 'PASS', failed: 'FAIL', deviation: 'DEVN', skipped: 'SKIP', not_applicable: 'N/A ' };
const COLOUR: Record<Status, string> = { passed: '32', failed: '31', deviation: '35', skipped: '33', not_applicable: '90' };

export interface TerminalOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  redactor: Redactor;
  /** Show every check, not only the ones that did not pass. */
  verbose?: boolean;
  colour?: boolean;
}

function paint(o: TerminalOptions, status: Status, text: string): string {
  return o.colour ? `\x1b[${COLOUR[status]}m${text}\x1b[0m` : text;
}

/** Longest reason printed per check when the output is not a terminal (after redaction). */
export const LINE_TEXT_CHARS = 1000;

/**
 * Text a server may have supplied, made safe for a terminal: a line break becomes a visible ` ⏎ `, a tab one space
 * (runs of spaces stay visible), other control characters (ANSI escapes included) are shown as `\u001b`.
 */
export function printable(text: string): string {
  return text
    .replace(/\r?\n/g, ' ⏎ ')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One progress line per finished suite. */
export function progressLine(o: TerminalOptions, spec: string, suite: string, results: CheckResult[]): void {
  const c = (s: Status) => results.filter((r) => r.status === s).length;
  const failed = c('failed');
  const parts = [`${c('passed')} passed`];
  if (failed) parts.push(paint(o, 'failed', `${failed} failed`));
  if (c('deviation')) parts.push(`${c('deviation')} deviation`);
  if (c('skipped')) parts.push(`${c('skipped')} skipped`);
  if (c('not_applicable')) parts.push(`${c('not_applicable')} n/a`);
  o.out.write(`  ${spec.padEnd(16)} ${suite.padEnd(16)} ${parts.join(', ')}\n`);
}

/** The results table: per spec, the checks that did not pass (all checks with verbose), then totals. */
export function resultsTable(o: TerminalOptions, runs: SpecRun[]): void {
  const width = Math.max(80, Math.min(o.out.columns ?? 120, 200));
  for (const run of runs) {
    const c = run.counts;
    o.out.write(`\n${run.spec} on ${run.target}: ${c.total} checks, ${c.passed} passed, ${c.failed} failed, ${c.deviation} deviations, ${c.skipped} skipped, ${c.not_applicable} not applicable (${run.durationMs} ms)\n`);
    const rows = run.checks.filter((r) => o.verbose || (r.status !== 'passed' && r.status !== 'not_applicable'));
    if (!rows.length) continue;
    const idW = Math.min(48, Math.max(...rows.map((r) => r.id.length)));
    for (const r of rows) {
      const head = `  ${SYMBOL[r.status]} ${r.severity.padEnd(6)} ${r.id.padEnd(idW)} `;
      const room = Math.max(20, width - head.length);
      // Line breaks become visible marks; runs of spaces stay as they are ("read  write" must stay visible).
      const fit = o.redactor.cut(printable(o.redactor.redact(r.reason ?? r.title)), o.out.isTTY ? Math.max(10, room - 24) : LINE_TEXT_CHARS);
      o.out.write(`${paint(o, r.status, head)}${fit}\n`);
      if (o.verbose && (r.status === 'failed' || r.status === 'deviation')) evidenceLines(o, r);
    }
  }
}

/** Under a failed check (with --verbose): the exchanges that decided it, already redacted, one block each. */
function evidenceLines(o: TerminalOptions, r: CheckResult): void {
  for (const e of r.evidence ?? []) {
    const answer = e.failure ? `no response (${e.failure.code}: ${e.failure.message})` : `HTTP ${e.status}`;
    o.out.write(`        ${e.method} ${e.url} -> ${answer}\n`);
    const show = (label: string, text: string | undefined) => {
      if (!text) return;
      o.out.write(`          ${label} ${o.redactor.cut(printable(o.redactor.redact(text)), 300)}\n`);
    };
    show('request body: ', e.requestBody);
    const h = Object.entries(e.responseHeaders).filter(([k]) => /^(content-type|cache-control|pragma|www-authenticate|location)$/.test(k));
    if (h.length) o.out.write(`          response headers: ${h.map(([k, v]) => `${k}: ${o.redactor.cut(printable(o.redactor.redact(v)), 300)}`).join('; ')}\n`);
    show('response body:', e.responseBody);
  }
}

/** The closing line: totals and the verdict. */
export function closingLine(o: TerminalOptions, runs: SpecRun[], exitCode: number, summaryPath: string, ms: number, verdict?: string): void {
  const sum = (k: keyof SpecRun['counts']) => runs.reduce((n, r) => n + r.counts[k], 0);
  const mustFailed = runs.reduce((n, r) => n + r.checks.filter((c) => c.status === 'failed' && c.severity === 'MUST').length, 0);
  o.out.write(`\n${sum('total')} checks on ${runs.length} spec(s) in ${(ms / 1000).toFixed(1)} s: ${sum('passed')} passed, ${sum('failed')} failed (${mustFailed} MUST), ${sum('deviation')} deviations, ${sum('skipped')} skipped, ${sum('not_applicable')} not applicable\n`);
  o.out.write(`summary: ${summaryPath}\n`);
  if (exitCode === 130) o.out.write('result: interrupted (exit 130); the summary holds the checks finished before the stop\n');
  else if (verdict) o.out.write(`result: ${verdict}${exitCode ? ` (exit ${exitCode})` : ''}\n`);
  else o.out.write(exitCode === 0 ? 'result: no MUST check failed\n' : 'result: at least one MUST check failed (exit 1)\n');
}

/**
 * The terminal reporter: a progress line per suite, the results table, the files the other reporters wrote,
 * and the verdict. `files` is filled by the run with the paths the file reporters returned.
 */
export function terminalReporter(o: TerminalOptions, t0: number, files: string[]): Reporter {
  return {
    name: 'terminal',
    suiteDone: (spec, suite, results) => progressLine(o, spec, suite, results),
    finish(summary: Summary, ctx) {
      const gate = (summary as GatedSummary).gate;
      resultsTable(o, summary.runs);
      for (const line of gate ? gateLines(gate, o.redactor) : []) o.out.write(`${line}\n`);
      closingLine(o, summary.runs, summary.exitCode, files[0] ?? '(none)', performance.now() - t0, gate?.verdict);
      for (const f of files.slice(1)) o.out.write(`report: ${f}\n`);
      if (ctx?.env?.GITHUB_ACTIONS === 'true') for (const line of annotations(summary, o.redactor)) o.out.write(`${line}\n`);
      return [];
    },
  };
}
