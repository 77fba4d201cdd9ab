/**
 * JUnit XML (`<out>/junit.xml`): one `<testsuite>` per spec and suite, one `<testcase>` per check (classname
 * `spec.suite`, name the check id). Failures carry expected, observed and the requirement; skipped and
 * not-applicable checks carry their reason; a failure the baseline accepted is a skipped case saying so.
 * Every text is redacted, stripped of characters XML 1.0 cannot hold, and escaped.
 * @see https://github.com/testmoapp/junitxml
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../checks/check.ts';
import { redactedSummary, type TextRedactor } from './redact-cache.ts';
import type { Reporter } from './reporter.ts';
import { writeFileAtomic } from './summary.ts';
import { acceptedEntry, type GatedSummary } from './gate.ts';

/** Removes characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
export function stripXmlInvalid(s: string): string {
  return s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/** Escapes text for an XML attribute or element (after stripping invalid characters). */
export function xmlEscape(s: string): string {
  return stripXmlInvalid(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Element text: escaped, line breaks kept. */
const text = (s: string): string => xmlEscape(s).replace(/&#10;/g, '\n').replace(/&#9;/g, '\t');

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The body of a failure element: expected, observed, requirement, and the evidence's request lines. */
function failureText(r: CheckResult): string {
  const lines = [r.reason ?? r.title];
  if (r.expected !== undefined) lines.push(`expected: ${r.expected}`);
  if (r.observed !== undefined) lines.push(`observed: ${r.observed}`);
  lines.push(`requirement: ${r.requirement}`);
  for (const e of r.evidence ?? []) lines.push(`evidence: ${e.method} ${e.url} -> ${e.status ?? e.failure?.code ?? '?'}`);
  return lines.join('\n');
}

/** One testcase element. */
function testcase(summary: GatedSummary, spec: string, r: CheckResult): string {
  const attrs = `classname="${xmlEscape(`${spec}.${r.suite}`)}" name="${xmlEscape(r.id)}" time="${seconds(r.durationMs)}"`;
  const props = `<properties><property name="severity" value="${r.severity}"/><property name="requirement" value="${xmlEscape((r.requirement))}"/><property name="title" value="${xmlEscape((r.title))}"/></properties>`;
  const accepted = r.status === 'failed' ? acceptedEntry(summary, spec, r.id) : undefined;
  let inner = '';
  if (accepted) {
    inner = `<skipped message="${xmlEscape((`accepted known failure until ${accepted.expires} (${accepted.reason}): ${r.reason ?? ''}`))}"/>`;
  } else if (r.status === 'failed') {
    inner = `<failure message="${xmlEscape((r.reason ?? r.title))}" type="${r.severity}">${text((failureText(r)))}</failure>`;
  } else if (r.status === 'skipped' || r.status === 'not_applicable') {
    const label = r.status === 'skipped' ? 'skipped' : 'not applicable';
    inner = `<skipped message="${xmlEscape((`${label}: ${r.reason ?? ''}`))}"/>`;
  } else if (r.status === 'deviation' || r.reason) {
    inner = `<system-out>${text((r.status === 'deviation' ? `deviation: ${r.reason ?? ''}` : r.reason ?? ''))}</system-out>`;
  }
  return `    <testcase ${attrs}>${props}${inner}</testcase>`;
}

/** Renders the whole document. */
export function renderJunit(raw: GatedSummary, red: TextRedactor): string {
  const summary = redactedSummary(raw, red);
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let skipped = 0;
  for (const run of summary.runs) {
    const names = [...new Set(run.checks.map((c) => c.suite))];
    for (const suite of names) {
      const checks = run.checks.filter((c) => c.suite === suite);
      const f = checks.filter((c) => c.status === 'failed' && !acceptedEntry(summary, run.spec, c.id)).length;
      const s = checks.filter((c) => c.status === 'skipped' || c.status === 'not_applicable' || (c.status === 'failed' && acceptedEntry(summary, run.spec, c.id))).length;
      const time = checks.reduce((n, c) => n + c.durationMs, 0);
      total += checks.length;
      failures += f;
      skipped += s;
      suites.push(
        `  <testsuite name="${xmlEscape(`${run.spec}.${suite}`)}" tests="${checks.length}" failures="${f}" errors="0" skipped="${s}" time="${seconds(time)}" timestamp="${summary.startedAt.replace(/Z$/, '')}" hostname="${xmlEscape((run.target))}">`,
        ...checks.map((c) => testcase(summary, run.spec, c)),
        '  </testsuite>',
      );
    }
  }
  const wall = Date.parse(summary.finishedAt) - Date.parse(summary.startedAt);
  return red.redact([
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="oauthgate ${xmlEscape(summary.harness.version)}" tests="${total}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(Number.isFinite(wall) ? wall : 0)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n'));
}

/** Writes `junit.xml` into `dir`; returns its path. */
export function writeJunit(dir: string, summary: GatedSummary, red: TextRedactor): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'junit.xml');
  writeFileAtomic(file, renderJunit(summary, red));
  return file;
}

/** The JUnit XML reporter. */
export const junitReporter: Reporter = {
  name: 'junit',
  finish: (summary, ctx) => [writeJunit(ctx.outDir, summary, ctx.redactor)],
};
