/**
 * The same Allure metadata as `<out>/allure-results`, for the suites when they run under vitest with allure-vitest
 * as a reporter (suites/conformance.test.ts): labels, requirement links, stable testCaseId / historyId, and the
 * evidence as steps with the redacted exchange attached. Everything passes through the run's redactor first.
 * @see https://allurereport.org/docs/vitest/
 */
import * as allure from 'allure-js-commons';
import type { CheckResult } from '../checks/check.ts';
import { allureDescription, allureLabels, allureLinks, allureTestCaseId, exchangeStepName } from './allure.ts';
import { exchangeText } from './exchange-text.ts';
import type { SpecSource } from './links.ts';
import { redactDeep, type TextRedactor } from './redact-cache.ts';

/** Describes the running vitest test as the check `raw` of `spec` (call inside the test). */
export async function annotateCheck(spec: string, raw: CheckResult, source: SpecSource | undefined, red: TextRedactor): Promise<void> {
  const r = redactDeep(raw, red);
  const id = allureTestCaseId(spec, r.id);
  await allure.testCaseId(id);
  await allure.historyId(id);
  await allure.displayName(`${r.id}: ${r.title}`);
  await allure.labels(...allureLabels(spec, r));
  await allure.links(...allureLinks(r, source));
  await allure.description(allureDescription(r));
  for (const [i, e] of (r.evidence ?? []).entries()) {
    await allure.step(exchangeStepName(e, i), async () => {
      await allure.attachment('exchange', red.redact(exchangeText(e)), 'text/plain');
    });
  }
}
