/**
 * The Markdown certification report, one per provider spec (`<out>/certification-<spec>.md`): what was checked
 * (harness version, spec id and the SHA-256 of its file, target, start and end, seed), the results grouped by
 * suite, every failure with expected, observed, the requirement and its links, the evidence that decided it, and
 * the provider's documented deviations from the RFCs in their own section. Every text is redacted first.
 * @see https://www.rfc-editor.org/rfc/rfc2119
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult, Status } from '../checks/check.ts';
import type { SpecRun } from '../runner/engine.ts';
import { redactDeep, redactedSummary, type TextRedactor } from './redact-cache.ts';
import type { ReportContext, Reporter } from './reporter.ts';
import { writeFileAtomic } from './summary.ts';
import { acceptedEntry, type GatedSummary } from './gate.ts';
import { requirementLinks, type SpecSource } from './links.ts';
import { deviationsOf, specName, specSources } from './specs.ts';
import { exchangeText } from './exchange-text.ts';

const LABEL: Record<Status, string> = { passed: 'passed', failed: 'FAILED', deviation: 'deviation', skipped: 'skipped', not_applicable: 'n/a' };

/** Escapes text for a Markdown table cell or inline text: one line, no table or HTML syntax. */
export function mdText(s: string): string {
  return s.replace(/[\x00-\x08\x0B-\x1F\x7F]/g, '').replace(/\s*\n\s*/g, ' ').replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

/** A fenced code block that no line of `s` can close early. */
export function mdFence(s: string, lang = ''): string {
  const longest = Math.max(2, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${s.replace(/[\x00-\x08\x0B-\x1F\x7F]/g, '')}\n${fence}`;
}

/** A check's status as shown: `accepted` when the baseline accepted its failure. */
function statusOf(summary: GatedSummary, spec: string, r: CheckResult): string {
  return r.status === 'failed' && acceptedEntry(summary, spec, r.id) ? 'accepted' : LABEL[r.status];
}

function header(summary: GatedSummary, run: SpecRun, spec: SpecSource | undefined): string[] {
  const o = summary.options;
  const c = run.counts;
  const rows: [string, string][] = [
    ['Harness', `${summary.harness.name} ${summary.harness.version}`],
    ['Spec', `${run.spec}: ${specName(spec, run.spec)}`],
    ['Spec file', spec?.display ?? '(not recorded)'],
    ['Spec SHA-256', spec ? `\`${spec.info.sha256}\`` : '(not recorded)'],
    ['Target', run.target],
    ['Started', summary.startedAt],
    ['Finished', summary.finishedAt],
  ];
  if (o.seed !== undefined) rows.push(['Seed', String(o.seed)]);
  rows.push(['Suites', o.suites.join(', ') || '(all)']);
  if (o.faults.length) rows.push(['Injected mock faults', o.faults.join(', ')]);
  rows.push(['Results', `${c.total} checks: ${c.passed} passed, ${c.failed} failed, ${c.deviation} deviations, ${c.skipped} skipped, ${c.not_applicable} not applicable`]);
  if (summary.gate) rows.push(['Gate', summary.gate.verdict]);
  if (summary.interrupted) rows.push(['Interrupted', 'yes: the run was stopped; only the checks finished before the stop are listed']);
  const out = [`# Certification report: ${mdText((specName(spec, run.spec)))}`, '', '| | |', '|---|---|'];
  for (const [k, v] of rows) out.push(`| ${k} | ${k === 'Spec SHA-256' ? v : mdText((v))} |`);
  if (spec?.problem) out.push('', `> Note: ${mdText(spec.problem)}; requirement links to the spec and the deviations section are incomplete.`);
  if (spec?.changedSinceRun) out.push('', `> Note: ${mdText(spec.display)} has changed since the run (its SHA-256 differs); links point at the current file.`);
  return out;
}

function linkList(requirement: string, spec: SpecSource | undefined): string {
  const links = requirementLinks(requirement, spec);
  return links.length ? ` (${links.map((l) => `[${mdText(l.name)}](${encodeURI(l.url)})`).join(', ')})` : '';
}

function resultsBySuite(summary: GatedSummary, run: SpecRun, spec: SpecSource | undefined): string[] {
  const out = ['', '## Results by suite'];
  for (const suite of [...new Set(run.checks.map((c) => c.suite))]) {
    const checks = run.checks.filter((c) => c.suite === suite);
    const count = (s: Status) => checks.filter((c) => c.status === s).length;
    out.push('', `### ${mdText(suite)}`, '', `${checks.length} checks: ${count('passed')} passed, ${count('failed')} failed, ${count('deviation')} deviations, ${count('skipped')} skipped, ${count('not_applicable')} not applicable.`, '');
    out.push('| Status | Severity | Check | Requirement | Note |', '|---|---|---|---|---|');
    for (const r of checks) {
      const note = r.status === 'passed' ? r.reason ?? '' : r.reason ?? '';
      out.push(`| ${statusOf(summary, run.spec, r)} | ${r.severity} | \`${mdText(r.id).replace(/\\/g, '')}\` ${mdText((r.title))} | ${mdText((r.requirement))}${linkList(r.requirement, spec)} | ${mdText((note))} |`);
    }
  }
  return out;
}

function failures(summary: GatedSummary, run: SpecRun, spec: SpecSource | undefined): string[] {
  const failed = run.checks.filter((c) => c.status === 'failed');
  const out = ['', '## Failures', ''];
  if (!failed.length) return [...out, 'None.'];
  for (const r of failed) {
    const acc = acceptedEntry(summary, run.spec, r.id);
    out.push(`### \`${r.id.replace(/`/g, '')}\` (${r.severity}${acc ? ', accepted' : ''})`, '', mdText((r.title)), '');
    out.push(`- **Expected:** ${mdText((r.expected ?? '(see reason)'))}`);
    out.push(`- **Observed:** ${mdText((r.observed ?? '(see reason)'))}`);
    if (r.field) out.push(`- **Field:** ${mdText((r.field))}`);
    out.push(`- **Requirement:** ${mdText((r.requirement))}${linkList(r.requirement, spec)}`);
    out.push(`- **Reason:** ${mdText((r.reason ?? ''))}`);
    if (acc) out.push(`- **Accepted** by the baseline until ${mdText(acc.expires)}: ${mdText((acc.reason))}`);
    for (const [i, e] of (r.evidence ?? []).entries()) {
      out.push('', `Evidence ${i + 1}:`, '', mdFence((exchangeText(e)), 'http'));
    }
    out.push('');
  }
  return out;
}

function deviations(run: SpecRun, spec: SpecSource | undefined): string[] {
  const out = ['', '## Documented deviations from the RFCs', ''];
  const list = deviationsOf(spec);
  if (!list.length) return [...out, spec?.problem ? `Unknown: ${mdText(spec.problem)}.` : 'The spec documents none.'];
  out.push('These are departures from the RFCs that the provider documents. A check that observes one reports it as a *deviation*, not a failure.', '');
  for (const d of list) {
    const seen = run.checks.filter((c) => c.status === 'deviation' && (c.deviation ?? '').split(', ').includes(d.id));
    const cites = (d.source ?? []).map((s) => `${s.doc} line ${s.line}: “${s.quote}”`).join('; ');
    out.push(`- **${mdText(d.id)}** from ${mdText(d.rfc)}${linkList(`${d.rfc} ${(d.source ?? []).map((s) => `${s.doc} line ${s.line}`).join(' ')}`, spec)}: ${mdText((d.description))}`);
    out.push(`  Source: ${mdText((cites))}.`);
    out.push(`  Observed in this run: ${seen.length ? seen.map((c) => `\`${c.id.replace(/`/g, '')}\``).join(', ') : 'not observed by any check'}.`);
  }
  return out;
}

function acceptedSection(summary: GatedSummary, run: SpecRun): string[] {
  const gate = summary.gate;
  if (!gate) return [];
  const mine = gate.accepted.filter((a) => a.spec === run.spec);
  const warn = gate.warnings.filter((w) => w.includes(` ${run.spec} `));
  const errs = gate.errors.filter((w) => w.includes(` ${run.spec} `));
  if (!mine.length && !warn.length && !errs.length) return [];
  const out = ['', '## Baseline (accepted known failures)', ''];
  for (const a of mine) out.push(`- \`${a.check.replace(/`/g, '')}\` accepted until ${mdText(a.expires)}: ${mdText((a.reason))}`);
  for (const w of warn) out.push(`- warning: ${mdText((w))}`);
  for (const e of errs) out.push(`- error: ${mdText((e))}`);
  return out;
}

/** Renders the certification report of one spec's run. */
export function renderCertification(raw: GatedSummary, rawRun: SpecRun, spec: SpecSource | undefined, red: TextRedactor): string {
  const summary = redactedSummary(raw, red);
  const run = summary.runs[raw.runs.indexOf(rawRun)] ?? redactDeep(rawRun, red);
  return red.redact([
    ...header(summary, run, spec),
    ...failures(summary, run, spec),
    ...acceptedSection(summary, run),
    ...deviations(run, spec),
    ...resultsBySuite(summary, run, spec),
    '',
  ].join('\n'));
}

/** File name of a spec's certification report (spec ids are `[a-z0-9-]`; anything else is replaced). */
export const certificationFile = (spec: string): string => `certification-${spec.replace(/[^A-Za-z0-9._-]/g, '_')}.md`;

/** Writes one certification report per spec; returns the paths. */
export function writeCertifications(summary: GatedSummary, ctx: Pick<ReportContext, 'outDir' | 'cwd'> & { redactor: TextRedactor }): string[] {
  mkdirSync(ctx.outDir, { recursive: true });
  const sources = specSources(summary, ctx);
  return summary.runs.map((run) => {
    const file = join(ctx.outDir, certificationFile(run.spec));
    writeFileAtomic(file, renderCertification(summary, run, sources.get(run.spec), ctx.redactor));
    return file;
  });
}

/** The Markdown certification reporter. */
export const markdownReporter: Reporter = {
  name: 'markdown',
  finish: (summary, ctx) => writeCertifications(summary, ctx),
};
