/**
 * Global setup of vitest.allure.config.ts: empties the allure-vitest results folder before the run, so results of
 * an earlier run never show up as retries in the report (allure-vitest itself only adds files).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

/** Results folder of the suites under vitest (relative to the working directory). */
export const VITEST_ALLURE_RESULTS = process.env.OAUTHGATE_ALLURE_RESULTS ?? 'reports/vitest-allure-results';

export default function setup(): void {
  const dir = resolve(VITEST_ALLURE_RESULTS);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}
