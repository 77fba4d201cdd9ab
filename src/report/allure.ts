/**
 * Allure results (`<out>/allure-results`, written with allure-js-commons): one test result per check, labelled
 * parentSuite = provider spec, suite = suite, `checkId`, severity, with the requirement as links (RFC sections to
 * rfc-editor.org, provider document lines and spec fields to the file and line) and the exchanges that decided it
 * as steps with redacted request and response attachments. testCaseId and historyId hash the spec and check id
 * only, so they are the same in every run. The folder is emptied first: results of an earlier run never leak in
 * (Allure would show them as retries).
 * @see https://allurereport.org/docs/how-it-works-test-result-file/
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ContentType, LabelName, Severity as AllureSeverity, Stage, Status as AllureStatus, type Label, type Link, type StepResult, type TestResult } from 'allure-js-commons';
import { FileSystemWriter } from 'allure-js-commons/sdk/reporter';
import type { CheckResult, Severity, Status } from '../checks/check.ts';
import type { Redactor } from '../redact.ts';
import type { Evidence } from './evidence.ts';
import type { ReportContext, Reporter } from './reporter.ts';
import { acceptedEntry, type GatedSummary } from './gate.ts';
import { requirementLinks, type SpecSource } from './links.ts';
import { requestText, responseText } from './exchange-text.ts';
import { specSources } from './specs.ts';

/** Folder name of the results under `--out`. */
export const ALLURE_RESULTS_DIR = 'allure-results';

const SEVERITY: Record<Severity, AllureSeverity> = { MUST: AllureSeverity.CRITICAL, SHOULD: AllureSeverity.NORMAL, MAY: AllureSeverity.MINOR };
const STATUS: Record<Status, AllureStatus> = {
  passed: AllureStatus.PASSED,
  failed: AllureStatus.FAILED,
  deviation: AllureStatus.PASSED,
  skipped: AllureStatus.SKIPPED,
  not_applicable: AllureStatus.SKIPPED,
};

/** Stable id of a check on a spec, the same in every run (no seed, time or order in it). */
export function allureTestCaseId(spec: string, checkId: string): string {
  return createHash('md5').update(`oauthgate:${spec}:${checkId}`).digest('hex');
}

/** The evidence of a check as steps, each with a request and a response attachment. */
function evidenceSteps(evidence: Evidence[], writer: FileSystemWriter, red: Redactor, start: number): StepResult[] {
  return evidence.map((e, i) => {
    const attachments = [['request', red.redact(requestText(e))], ['response', red.redact(responseText(e))]].map(([name, body]) => {
      const source = `${randomUUID()}-attachment.txt`;
      writer.writeAttachment(source, Buffer.from(body!, 'utf8'));
      return { name: name!, source, type: ContentType.TEXT };
    });
    const outcome = e.failure ? `${e.failure.code}` : `HTTP ${e.status}`;
    return {
      name: red.redact(`${i + 1}. ${e.method} ${e.url} → ${outcome}`),
      status: AllureStatus.PASSED,
      statusDetails: {},
      stage: Stage.FINISHED,
      steps: [],
      attachments,
      parameters: [],
      start,
      stop: start + Math.round(e.durationMs),
    };
  });
}

/** The Allure test result of one check. */
export function toAllureResult(summary: GatedSummary, spec: string, r: CheckResult, source: SpecSource | undefined, writer: FileSystemWriter, red: Redactor, start: number): TestResult {
  const accepted = r.status === 'failed' ? acceptedEntry(summary, spec, r.id) : undefined;
  const id = allureTestCaseId(spec, r.id);
  const labels: Label[] = [
    { name: LabelName.PARENT_SUITE, value: spec },
    { name: LabelName.SUITE, value: r.suite },
    { name: 'checkId', value: r.id },
    { name: LabelName.SEVERITY, value: SEVERITY[r.severity] },
    { name: LabelName.TAG, value: r.severity },
    { name: LabelName.FRAMEWORK, value: 'oauthgate' },
  ];
  if (r.status === 'deviation') labels.push({ name: LabelName.TAG, value: 'deviation' });
  if (r.status === 'not_applicable') labels.push({ name: LabelName.TAG, value: 'not applicable' });
  if (accepted) labels.push({ name: LabelName.TAG, value: 'accepted' });
  const links: Link[] = requirementLinks(r.requirement, source).map((l) => ({ name: red.redact(l.name), url: red.redact(l.url), type: 'requirement' }));
  const message = accepted
    ? `accepted known failure until ${accepted.expires} (${accepted.reason}): ${r.reason ?? ''}`
    : r.status === 'not_applicable' ? `not applicable: ${r.reason ?? ''}` : r.reason;
  const details: TestResult['statusDetails'] = {};
  if (message) details.message = red.redact(message);
  if (r.expected !== undefined) details.expected = red.redact(r.expected);
  if (r.observed !== undefined) details.actual = red.redact(r.observed);
  const description = [`**${r.severity}** — requirement: ${r.requirement}`, r.field ? `field: ${r.field}` : '', r.deviation ? `documented deviation: ${r.deviation}` : ''].filter(Boolean).join('\n\n');
  return {
    uuid: randomUUID(),
    name: red.redact(`${r.id}: ${r.title}`),
    fullName: `${spec}.${r.suite}.${r.id}`,
    titlePath: [spec, r.suite],
    testCaseId: id,
    historyId: id,
    status: accepted ? AllureStatus.SKIPPED : STATUS[r.status],
    statusDetails: details,
    stage: Stage.FINISHED,
    description: red.redact(description),
    labels,
    links,
    parameters: [],
    steps: evidenceSteps(r.evidence ?? [], writer, red, start),
    attachments: [],
    start,
    stop: start + Math.round(r.durationMs),
  };
}

/** Empties (or creates) the results folder, so an earlier run's results never show up in this one. */
export function clearResultsDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/** Writes every check of the summary as an Allure result into `<outDir>/allure-results`; returns the folder. */
export function writeAllureResults(summary: GatedSummary, ctx: Pick<ReportContext, 'outDir' | 'redactor' | 'cwd'>): string {
  const dir = join(ctx.outDir, ALLURE_RESULTS_DIR);
  clearResultsDir(dir);
  const writer = new FileSystemWriter({ resultsDir: dir });
  const sources = specSources(summary, ctx);
  const red = ctx.redactor;
  let t = Date.parse(summary.startedAt) || 0;
  for (const run of summary.runs) {
    for (const r of run.checks) {
      const result = toAllureResult(summary, run.spec, r, sources.get(run.spec), writer, red, t);
      t += Math.max(0, Math.round(r.durationMs));
      writer.writeResult(result);
    }
  }
  writer.writeEnvironmentInfo({
    harness: `${summary.harness.name} ${summary.harness.version}`,
    ...Object.fromEntries(summary.specs.map((s) => [`spec ${s.id}`, `${s.file} sha256:${s.sha256}`])),
    targets: [...new Set(summary.runs.map((r) => red.redact(r.target)))].join(', '),
    ...(summary.options.seed !== undefined ? { seed: String(summary.options.seed) } : {}),
  });
  return dir;
}

/** Number of result files in a results folder (for messages). */
export const countAllureResults = (dir: string): number => readdirSync(dir).filter((f) => f.endsWith('-result.json')).length;

/** The Allure results reporter. */
export const allureReporter: Reporter = {
  name: 'allure',
  finish: (summary, ctx) => [writeAllureResults(summary, ctx)],
};
