/**
 * `oauthgate merge <out>... --out <dir>`: joins the runs of several output folders (CI shards, one job per spec)
 * into one summary and renders every report again from it (summary.json, junit.xml, the certification reports, Allure
 * results, observations.json), optionally gated and signed like a run. A spec may appear in one shard only.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { readJsonInput } from '../io/input-file.ts';
import { prepareOutDir } from '../io/out-dir.ts';
import { Redactor } from '../redact.ts';
import { FILE_REPORTERS } from '../report/index.ts';
import type { ReportContext } from '../report/reporter.ts';
import { exitCodeOf, SUMMARY_SCHEMA_VERSION, type Summary } from '../report/summary.ts';
import type { GatedSummary, GateRecord } from '../report/gate.ts';
import type { Command } from './commands.ts';
import { applyGate, readReportFlags, REPORT_FLAG_OPTIONS, REPORT_FLAG_USAGE, signIfAsked } from './report-flags.ts';

/** Reads a shard's summary.json; bad input names the file and field. */
export function readSummary(dir: string, display: string): GatedSummary {
  const file = join(dir, 'summary.json');
  const shown = join(display, 'summary.json');
  const data = readJsonInput(file, shown);
  const s = data as Partial<Summary>;
  if (s?.schemaVersion !== SUMMARY_SCHEMA_VERSION) throw new UserError(`${shown}: schemaVersion: expected ${SUMMARY_SCHEMA_VERSION}, observed ${JSON.stringify(s?.schemaVersion)}`);
  if (!Array.isArray(s.runs)) throw new UserError(`${shown}: runs: expected an array`);
  if (!Array.isArray(s.specs)) throw new UserError(`${shown}: specs: expected an array`);
  return data as GatedSummary;
}

/** Joins the gates of several shards (same threshold) into one. */
function mergeGates(gates: GateRecord[]): GateRecord | undefined {
  if (!gates.length) return undefined;
  const failOn = gates.some((g) => g.failOn === 'should') ? 'should' : 'must';
  const g: GateRecord = {
    failOn,
    exitCode: gates.some((x) => x.exitCode) ? 1 : 0,
    failing: gates.flatMap((x) => x.failing),
    accepted: gates.flatMap((x) => x.accepted),
    warnings: [...new Set(gates.flatMap((x) => x.warnings))],
    errors: [...new Set(gates.flatMap((x) => x.errors))],
    verdict: '',
  };
  g.verdict = g.exitCode ? `gate failed in at least one shard: ${g.failing.length} failing check(s), ${g.errors.length} expired baseline entr(ies)` : `gate passed in every shard (fail-on ${failOn})`;
  return g;
}

/** Joins shard summaries into one. */
export function mergeSummaries(parts: { summary: GatedSummary; from: string }[]): GatedSummary {
  const seen = new Map<string, string>();
  for (const { summary, from } of parts) {
    for (const r of summary.runs) {
      const prior = seen.get(r.spec);
      if (prior) throw new UserError(`${from}: spec "${r.spec}" is also in ${prior}; each spec belongs to one shard`);
      seen.set(r.spec, from);
    }
  }
  const all = parts.map((p) => p.summary);
  const runs = all.flatMap((s) => s.runs);
  const seeds = [...new Set(all.map((s) => s.options?.seed).filter((x) => x !== undefined))];
  const merged: GatedSummary = {
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    harness: all[0]!.harness,
    startedAt: all.map((s) => s.startedAt).sort()[0]!,
    finishedAt: all.map((s) => s.finishedAt).sort().at(-1)!,
    exitCode: exitCodeOf(runs),
    ...(all.some((s) => s.interrupted) ? { interrupted: true } : {}),
    specs: all.flatMap((s) => s.specs),
    options: {
      suites: [...new Set(all.flatMap((s) => s.options?.suites ?? []))],
      faults: [...new Set(all.flatMap((s) => s.options?.faults ?? []))],
      timeoutMs: Math.max(...all.map((s) => s.options?.timeoutMs ?? 0)),
      maxBodyBytes: Math.max(...all.map((s) => s.options?.maxBodyBytes ?? 0)),
      ...(seeds.length === 1 ? { seed: seeds[0]! } : {}),
    },
    runs,
  };
  const gate = mergeGates(all.map((s) => s.gate).filter((g): g is GateRecord => Boolean(g)));
  if (gate) {
    merged.gate = gate;
    merged.exitCode = gate.exitCode;
  }
  return merged;
}

/** The `merge` command. */
export const mergeCommand: Command = {
  name: 'merge',
  summary: 'join the runs of several output folders (CI shards) and render every report again',
  usage: `merge <out-dir>... --out <dir> [--force] ${REPORT_FLAG_USAGE}`,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { out: { type: 'string' }, force: { type: 'boolean' }, ...REPORT_FLAG_OPTIONS } });
    if (!values.out) throw new UserError(`merge: expected --out <dir>\nusage: oauthgate ${mergeCommand.usage}`);
    if (!positionals.length) throw new UserError(`merge: expected at least one output folder to merge\nusage: oauthgate ${mergeCommand.usage}`);
    const flags = readReportFlags(values, io.cwd);
    const summary = mergeSummaries(positionals.map((p) => ({ summary: readSummary(resolve(io.cwd, p), p), from: p })));
    if (flags.gate) {
      delete summary.gate;
      summary.exitCode = exitCodeOf(summary.runs);
      applyGate(summary, summary.runs, flags);
    }
    const outDir = resolve(io.cwd, values.out);
    // As for `run`: a folder that holds another run's summary is not written over without --force (the shards are
    // read already, so --force may name one of them), nor one another command is writing.
    const out = prepareOutDir(outDir, values.out, values.force ?? false);
    const ctx: ReportContext = { outDir, cwd: io.cwd, redactor: new Redactor(), stdout: io.stdout, env: io.env, verbose: false, colour: false };
    const files: string[] = [];
    try {
      for (const r of FILE_REPORTERS) files.push(...(await r.finish(summary, ctx)));
      out.removeStale(files);
      files.push(...(await signIfAsked(outDir, summary, flags)));
    } finally {
      out.release();
    }
    const c = summary.runs.reduce((n, r) => ({ total: n.total + r.counts.total, failed: n.failed + r.counts.failed }), { total: 0, failed: 0 });
    io.stdout.write(`merged ${positionals.length} run(s): ${summary.runs.length} spec(s), ${c.total} checks, ${c.failed} failed\n`);
    for (const f of files) io.stdout.write(`report: ${f}\n`);
    io.stdout.write(`result: ${summary.gate?.verdict ?? (summary.exitCode ? 'at least one MUST check failed' : 'no MUST check failed')}${summary.exitCode ? ` (exit ${summary.exitCode})` : ''}\n`);
    return summary.exitCode;
  },
};
