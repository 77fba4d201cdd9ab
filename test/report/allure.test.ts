/**
 * Allure results: one result per check with provider, suite, check id, severity and requirement links; the evidence as
 * steps with redacted attachments; ids stable across runs; the folder emptied at each run.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestResult } from 'allure-js-commons';
import { Redactor } from '../../src/redact.ts';
import { allureTestCaseId, writeAllureResults } from '../../src/report/allure.ts';
import type { GatedSummary } from '../../src/report/gate.ts';
import { attRun, check, PLANTED, specRun, summaryOf, tokenEvidence } from './fixtures.ts';

function write(summary: GatedSummary, red = new Redactor()) {
  const outDir = mkdtempSync(join(tmpdir(), 'oauthgate-allure-'));
  const dir = writeAllureResults(summary, { outDir, redactor: red });
  const results = readdirSync(dir).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as TestResult);
  const byCheck = new Map(results.map((r) => [r.labels.find((l) => l.name === 'checkId')!.value, r]));
  return { outDir, dir, results, byCheck };
}

const label = (r: TestResult, name: string) => r.labels.filter((l) => l.name === name).map((l) => l.value);

describe('Allure results', () => {
  it('writes one result per check, labelled with provider, suite, check id and severity', () => {
    const { results, byCheck } = write(summaryOf([attRun()]));
    expect(results).toHaveLength(6);
    const r = byCheck.get('token.cache-control-no-store')!;
    expect(label(r, 'parentSuite')).toEqual(['att']);
    expect(label(r, 'suite')).toEqual(['token-endpoint']);
    expect(label(r, 'severity')).toEqual(['critical']);
    expect(label(byCheck.get('token.pragma-no-cache')!, 'severity')).toEqual(['normal']);
    expect(r.status).toBe('failed');
    expect(r.statusDetails).toMatchObject({ expected: 'a no-store directive', actual: '(absent)', message: expect.stringContaining('observed (absent)') });
  });

  it('maps statuses: deviation passes with a tag, skipped and not applicable are skipped with the reason', () => {
    const { byCheck } = write(summaryOf([attRun()]));
    expect(byCheck.get('scope.echo-as-documented')!.status).toBe('passed');
    expect(label(byCheck.get('scope.echo-as-documented')!, 'tag')).toContain('deviation');
    expect(byCheck.get('expiry.access-token.rejected-after-expiry')).toMatchObject({ status: 'skipped', statusDetails: { message: 'prerequisite "token" failed: timeout' } });
    expect(byCheck.get('redirect-uri.registered-accepted')).toMatchObject({ status: 'skipped', statusDetails: { message: 'not applicable: no authorize endpoint' } });
  });

  it('links the requirement: RFC sections to rfc-editor.org, provider lines and spec fields to files', () => {
    const { byCheck } = write(summaryOf([attRun()]));
    expect(byCheck.get('token.success-status-200')!.links).toEqual([{ name: 'RFC 6749 §5.1', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.1', type: 'requirement' }]);
    const urls = byCheck.get('redirect-uri.registered-accepted')!.links.map((l) => l.url);
    expect(urls).toEqual([expect.stringMatching(/specs\/sources\/000_fed5f3f0ecd0583f\.txt#L124$/), expect.stringMatching(/att\.yaml#L\d+$/)]);
  });

  it('turns each evidence exchange into a step with the redacted exchange attached', () => {
    const { dir, byCheck } = write(summaryOf([attRun()]));
    const [step] = byCheck.get('token.cache-control-no-store')!.steps;
    expect(step!.name).toBe('1. POST http://127.0.0.1:4000/oauth/v4/token → HTTP 200');
    expect(step!.attachments.map((a) => [a.name, a.type])).toEqual([['exchange', 'text/plain']]);
    const text = readFileSync(join(dir, step!.attachments[0]!.source), 'utf8');
    expect(text).toMatch(/^POST http:\/\/127\.0\.0\.1:4000\/oauth\/v4\/token\ncontent-type: application\/x-www-form-urlencoded\nauthorization: \[redacted:0badc0de\]\n\ngrant_type=client_credentials&client_id=abc&client_secret=\[redacted:12345678\]\n\nHTTP 200\ncontent-type: application\/json\n/);
    expect(text).toContain('{"access_token":"[redacted:aaaaaaaa]"');
  });

  it('keeps testCaseId and historyId the same across runs, and different per spec and check', () => {
    const a = write(summaryOf([attRun()])).byCheck.get('token.success-status-200')!;
    const later = summaryOf([attRun()], { startedAt: '2027-01-01T00:00:00.000Z', options: { suites: [], faults: [], timeoutMs: 1, maxBodyBytes: 1, seed: 99 } });
    const b = write(later).byCheck.get('token.success-status-200')!;
    expect(a.uuid).not.toBe(b.uuid);
    expect(b.testCaseId).toBe(a.testCaseId);
    expect(b.historyId).toBe(a.historyId);
    expect(a.testCaseId).toBe(allureTestCaseId('att', 'token.success-status-200'));
    expect(allureTestCaseId('mobile-digital', 'token.success-status-200')).not.toBe(a.testCaseId);
  });

  it('empties the folder first, so an earlier run never shows up', () => {
    const { outDir, dir } = write(summaryOf([attRun()]));
    writeFileSync(join(dir, 'stale-result.json'), '{}');
    writeAllureResults(summaryOf([specRun('att', [check({ id: 'token.only', status: 'passed' })])]), { outDir, redactor: new Redactor() });
    expect(existsSync(join(dir, 'stale-result.json'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('-result.json'))).toHaveLength(1);
  });

  it('marks a baseline-accepted failure as skipped with an accepted tag', () => {
    const s: GatedSummary = { ...summaryOf([attRun()]), gate: { failOn: 'must', exitCode: 0, failing: [], accepted: [{ spec: 'att', check: 'token.cache-control-no-store', reason: 'GW-12', expires: '2099-01-01' }], warnings: [], errors: [], verdict: '' } };
    const r = write(s).byCheck.get('token.cache-control-no-store')!;
    expect(r.status).toBe('skipped');
    expect(label(r, 'tag')).toContain('accepted');
    expect(r.statusDetails.message).toMatch(/^accepted known failure until 2099-01-01 \(GW-12\)/);
  });

  it('holds no registered secret in results or attachments', () => {
    const red = new Redactor();
    red.add(PLANTED);
    const ev = { ...tokenEvidence({ error: 'invalid_client', echo: PLANTED }, { 'x-echo': PLANTED }, 401), url: `http://h/token?client_secret=${PLANTED}` };
    const run = specRun('att', [check({ id: 'token.x', status: 'failed', title: PLANTED, reason: PLANTED, expected: PLANTED, observed: PLANTED, evidence: [ev] })]);
    const { dir } = write(summaryOf([run]), red);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8'), f).not.toContain(PLANTED);
  });
});

describe('Allure results of a real run', () => {
  it('carry every check of the summary, and each exchange of its evidence as a step with its attachment', async () => {
    const { runCli, summaryOf: printed } = await import('../support/cli.ts');
    const cwd = mkdtempSync(join(tmpdir(), 'oauthgate-allure-run-'));
    const r = await runCli(['run', '--spec', 'att', '--suite', 'token-endpoint', '--out', 'out'], cwd);
    expect(r.code).toBe(0);
    const summary = printed(r.out);
    const dir = join(cwd, 'out', 'allure-results');
    const results = readdirSync(dir).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as TestResult);
    const checks = summary.runs[0]!.checks;
    expect(results.map((x) => label(x, 'checkId')[0]).sort()).toEqual(checks.map((c) => c.id).sort());
    const withEvidence = checks.filter((c) => c.evidence?.length);
    expect(withEvidence.length).toBeGreaterThan(10);
    for (const c of withEvidence) {
      const res = results.find((x) => label(x, 'checkId')[0] === c.id)!;
      expect(res.steps.map((s) => s.name), c.id).toEqual(c.evidence!.map((e, i) => `${i + 1}. ${e.method} ${e.url} → ${e.failure ? e.failure.code : `HTTP ${e.status}`}`));
      for (const s of res.steps) expect(existsSync(join(dir, s.attachments[0]!.source))).toBe(true);
    }
  }, 30_000);
});
