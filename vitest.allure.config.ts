/**
 * The suites under vitest with Allure results (allure-vitest): `npx vitest run suites/ --config vitest.allure.config.ts`,
 * with `OAUTHGATE_TARGET=<target file>` for a live server. Results go to reports/vitest-allure-results (or
 * $OAUTHGATE_ALLURE_RESULTS), emptied first; `npx allure generate <dir>` or `oauthgate report` renders them. Other
 * vitest reporters combine as usual (`--reporter=junit --outputFile.junit=reports/suites.xml`).
 */
import { defineConfig } from 'vitest/config';
import { VITEST_ALLURE_RESULTS } from './suites/allure.global-setup.ts';

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'threads',
    setupFiles: ['allure-vitest/setup'],
    globalSetup: ['./suites/allure.global-setup.ts'],
    reporters: ['default', ['allure-vitest/reporter', { resultsDir: VITEST_ALLURE_RESULTS, reportMatchers: false }]],
  },
});
