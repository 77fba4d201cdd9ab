/**
 * The suites under vitest with allure-vitest (`OAUTHGATE_TARGET=t.yaml npx vitest run suites/ --config
 * vitest.allure.config.ts`): a live-style target gets one Allure result per check with the same labels, stable ids,
 * requirement links and evidence steps as `oauthgate run`, and the results folder is emptied first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestResult } from 'allure-js-commons';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';
import { allureTestCaseId } from '../../src/report/allure.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-allure-vitest-'));
const results = join(dir, 'results');
let mock: MockServer;
let run: { code: number; out: string };

/** Runs vitest in a child process (its own environment: none of this vitest's variables). */
function vitest(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  // Nor this run's settings for the suites (vitest.config.ts sets OAUTHGATE_FUZZ_RUNS): the child gets only those passed here.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && !k.startsWith('OAUTHGATE_') && k !== 'NODE_OPTIONS'));
  return new Promise((done) => {
    execFile(process.execPath, [join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), ...args], { cwd: PROJECT_ROOT, env: { ...clean, ...env, NO_COLOR: '1' }, maxBuffer: 32 << 20, timeout: 150_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

beforeAll(async () => {
  mock = await startMockServer({ spec: loadSpec('mobile-digital').spec });
  const c = mock.credentials;
  writeFileSync(join(dir, 't.yaml'), [`spec: mobile-digital`, `baseUrl: ${mock.url}`, `clientId: ${c.clientId}`, `clientSecret: \${MD_SECRET}`, `headers: ${JSON.stringify(c.headers)}`].join('\n'));
  mkdirSync(results, { recursive: true });
  writeFileSync(join(results, 'stale-result.json'), '{}');
  // Three cases per fuzz property: a live target's fuzzing is paced at 10 requests a second, and the default 10
  // cases made most of this run waiting; each fuzz check still yields its one result.
  run = await vitest(['run', 'suites/', '--config', 'vitest.allure.config.ts'], { OAUTHGATE_TARGET: join(dir, 't.yaml'), OAUTHGATE_ALLURE_RESULTS: results, OAUTHGATE_FUZZ_RUNS: '3', MD_SECRET: c.clientSecret });
}, 180_000);

afterAll(() => mock.close());

describe('suites under vitest with allure-vitest', () => {
  it('run against the target file and pass', () => {
    expect(run.out).toMatch(/Tests\s+\d+ passed/);
    expect(run.code, run.out.slice(-2000)).toBe(0);
  });

  it('write one result per check with labels, stable ids, requirement links and evidence steps; old results are gone', () => {
    expect(existsSync(join(results, 'stale-result.json'))).toBe(false);
    const all = readdirSync(results).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(results, f), 'utf8')) as TestResult);
    expect(all.length).toBeGreaterThan(30);
    const r = all.find((x) => x.labels.some((l) => l.name === 'checkId' && l.value === 'token.cache-control-no-store'))!;
    expect(r.status).toBe('passed');
    expect(r.testCaseId).toBe(allureTestCaseId('mobile-digital', 'token.cache-control-no-store'));
    expect(r.historyId).toBe(r.testCaseId);
    expect(new Set(r.labels.filter((l) => l.name === 'parentSuite').map((l) => l.value))).toEqual(new Set(['mobile-digital']));
    expect(r.labels).toEqual(expect.arrayContaining([{ name: 'suite', value: 'token-endpoint' }, { name: 'severity', value: 'critical' }]));
    expect(r.links).toEqual([{ name: 'RFC 6749 §5.1', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.1', type: 'requirement' }]);
    expect(r.steps[0]!.name).toMatch(/^1\. POST http:\/\/127\.0\.0\.1:\d+\/prod\/oauth2\/token → HTTP 200$/);
    const attachment = JSON.stringify(r.steps[0]).match(/"source":"([^"]+-attachment\.txt)"/)![1]!;
    const text = readFileSync(join(results, attachment), 'utf8');
    expect(text).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/prod\/oauth2\/token\n/);
    expect(text).not.toContain(mock.credentials.clientSecret);
    expect(text).not.toContain(Buffer.from(`${mock.credentials.clientId}:${mock.credentials.clientSecret}`).toString('base64'));
  });
});
