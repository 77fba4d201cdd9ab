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
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentType, LabelName, Severity as AllureSeverity, Stage, Status as AllureStatus, type Label, type Link, type StepResult, type TestResult } from 'allure-js-commons';
import { stringifyEnvInfo } from 'allure-js-commons/sdk/reporter';
import type { EnvironmentInfo } from 'allure-js-commons/sdk';
import type { CheckResult, Severity, Status } from '../checks/check.ts';
import { redactDeep, redactedSummary, type TextRedactor } from './redact-cache.ts';
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

/**
 * Writes result and attachment files the way allure-js-commons' FileSystemWriter names them, without its fsync per
 * file (measured here: about 17 ms a file, 10 s for one `run --all`); the results are a report, not a database.
 */
export class ResultsWriter {
  readonly #pending: { file: string; text: string }[] = [];
  /** Every file passes through `red` on its way out (results are built from an already-redacted summary). */
  constructor(readonly dir: string, readonly red: TextRedactor) {}
  writeResult(result: TestResult): void {
    this.#queue(`${result.uuid}-result.json`, JSON.stringify(result));
  }
  writeAttachment(name: string, content: string): void {
    this.#queue(name, content);
  }
  writeEnvironmentInfo(info: EnvironmentInfo): void {
    this.#queue('environment.properties', stringifyEnvInfo(info));
  }
  /** Redacts the queued files together (one redaction per batch) and writes them. */
  flush(): void {
    const batch = this.#pending.splice(0);
    const texts = redactDeep(batch.map((b) => b.text), this.red);
    batch.forEach((b, i) => writeFileSync(join(this.dir, b.file), texts[i]!));
  }
  #queue(file: string, text: string): void {
    this.#pending.push({ file, text });
    if (this.#pending.length >= 200) this.flush();
  }
}

/** Stable id of a check on a spec, the same in every run (no seed, time or order in it). */
export function allureTestCaseId(spec: string, checkId: string): string {
  return createHash('md5').update(`oauthgate:${spec}:${checkId}`).digest('hex');
}

/** The evidence of a check as steps, each with the exchange (request and response) attached as text. */
function evidenceSteps(evidence: Evidence[], writer: ResultsWriter, start: number): StepResult[] {
  return evidence.map((e, i) => {
    const source = `${randomUUID()}-attachment.txt`;
    writer.writeAttachment(source, `${requestText(e)}\n\n${responseText(e)}`);
    const attachments = [{ name: 'exchange', source, type: ContentType.TEXT }];
    return {
      name: exchangeStepName(e, i),
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

/** The labels of a check's result: provider spec as parent suite, suite, check id, severity and tags. */
export function allureLabels(spec: string, r: CheckResult, accepted = false): Label[] {
  const labels: Label[] = [
    { name: LabelName.PARENT_SUITE, value: spec },
    { name: LabelName.SUITE, value: r.suite },
    { name: 'checkId', value: r.id },
    { name: LabelName.SEVERITY, value: SEVERITY[r.severity] },
    { name: LabelName.TAG, value: r.severity },
  ];
  if (r.status === 'deviation') labels.push({ name: LabelName.TAG, value: 'deviation' });
  if (r.status === 'not_applicable') labels.push({ name: LabelName.TAG, value: 'not applicable' });
  if (accepted) labels.push({ name: LabelName.TAG, value: 'accepted' });
  return labels;
}

/** The requirement of a check as Allure links (type `requirement`). */
export function allureLinks(r: CheckResult, source: SpecSource | undefined): Link[] {
  return requirementLinks(r.requirement, source).map((l) => ({ name: l.name, url: l.url, type: 'requirement' }));
}

/** The description of a check's result (Markdown): severity, requirement, field, deviation. */
export function allureDescription(r: CheckResult): string {
  return [`**${r.severity}** — requirement: ${r.requirement}`, r.field ? `field: ${r.field}` : '', r.deviation ? `documented deviation: ${r.deviation}` : ''].filter(Boolean).join('\n\n');
}

/** The title of an exchange's step: `1. POST https://… → HTTP 200`. */
export const exchangeStepName = (e: Evidence, i: number): string => `${i + 1}. ${e.method} ${e.url} → ${e.failure ? e.failure.code : `HTTP ${e.status}`}`;

/** The Allure test result of one check. */
export function toAllureResult(summary: GatedSummary, spec: string, r: CheckResult, source: SpecSource | undefined, writer: ResultsWriter, start: number): TestResult {
  const accepted = r.status === 'failed' ? acceptedEntry(summary, spec, r.id) : undefined;
  const id = allureTestCaseId(spec, r.id);
  const labels = allureLabels(spec, r, Boolean(accepted));
  const links = allureLinks(r, source);
  const message = accepted
    ? `accepted known failure until ${accepted.expires} (${accepted.reason}): ${r.reason ?? ''}`
    : r.status === 'not_applicable' ? `not applicable: ${r.reason ?? ''}` : r.reason;
  const details: TestResult['statusDetails'] = {};
  if (message) details.message = (message);
  if (r.expected !== undefined) details.expected = (r.expected);
  if (r.observed !== undefined) details.actual = (r.observed);
  const description = allureDescription(r);
  return {
    uuid: randomUUID(),
    name: (`${r.id}: ${r.title}`),
    fullName: `${spec}.${r.suite}.${r.id}`,
    titlePath: [spec, r.suite],
    testCaseId: id,
    historyId: id,
    status: accepted ? AllureStatus.SKIPPED : STATUS[r.status],
    statusDetails: details,
    stage: Stage.FINISHED,
    description: (description),
    labels,
    links,
    parameters: [],
    steps: evidenceSteps(r.evidence ?? [], writer, start),
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
export function writeAllureResults(summary: GatedSummary, ctx: Pick<ReportContext, 'outDir' | 'cwd'> & { redactor: TextRedactor }): string {
  const dir = join(ctx.outDir, ALLURE_RESULTS_DIR);
  clearResultsDir(dir);
  const writer = new ResultsWriter(dir, ctx.redactor);
  const sources = specSources(summary, ctx);
  const safe = redactedSummary(summary, ctx.redactor);
  let t = Date.parse(summary.startedAt) || 0;
  for (const run of safe.runs) {
    for (const r of run.checks) {
      const result = toAllureResult(safe, run.spec, r, sources.get(run.spec), writer, t);
      t += Math.max(0, Math.round(r.durationMs));
      writer.writeResult(result);
    }
  }
  writer.writeEnvironmentInfo({
    harness: `${summary.harness.name} ${summary.harness.version}`,
    ...Object.fromEntries(summary.specs.map((s) => [`spec ${s.id}`, `${s.file} sha256:${s.sha256}`])),
    targets: [...new Set(safe.runs.map((r) => r.target))].join(', '),
    ...(summary.options.seed !== undefined ? { seed: String(summary.options.seed) } : {}),
  });
  writer.flush();
  return dir;
}

/** Number of result files in a results folder (for messages). */
export const countAllureResults = (dir: string): number => readdirSync(dir).filter((f) => f.endsWith('-result.json')).length;

/** The Allure results reporter. */
export const allureReporter: Reporter = {
  name: 'allure',
  finish: (summary, ctx) => [writeAllureResults(summary, ctx)],
};
