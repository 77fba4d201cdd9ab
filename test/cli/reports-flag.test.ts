/**
 * `run --reports <list>`: the files a run writes besides summary.json (always written: merge, diff, verify-report and
 * the gate read it). Unknown names are one line with a guess, exit 2, before anything is written.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { isRunOutput } from '../../src/io/out-dir.ts';
import { ALLURE_REPORT_DIR } from '../../src/cli/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-reports-'));
const run = (args: string[]) => runCli(['run', '--spec', 'att', '--suite', 'scope', ...args], dir);

describe('run --reports', () => {
  it('none: summary.json alone, and the terminal names only it', async () => {
    const r = await run(['--reports', 'none', '--out', 'none']);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'none'))).toEqual(['summary.json']);
    expect(r.out.match(/^(summary|report): .*$/gm)).toEqual([`summary: ${join(dir, 'none', 'summary.json')}`]);
  });

  it('diff and report name the file such a run left out', async () => {
    await run(['--reports', 'none', '--out', 'bare']);
    const diff = await runCli(['diff', 'bare', 'bare'], dir);
    expect({ code: diff.code, err: diff.err.trim() }).toEqual({ code: 2, err: 'bare/observations.json: not written by that run (its --reports left out observations, which diff compares)' });
    const report = await runCli(['report', 'bare'], dir);
    expect(report.code).toBe(2);
    expect(report.err.trim()).toMatch(/\/bare\/allure-results: no Allure results \(run `oauthgate run --out \S+\/bare` first, with the allure report: the default, or named in --reports\)$/);
  });

  it('a list: exactly those files besides summary.json, whatever the order given', async () => {
    const r = await run(['--reports', 'allure, junit', '--out', 'two']);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'two')).sort()).toEqual(['allure-results', 'junit.xml', 'summary.json']);
  });

  it('unset: every report, as before', async () => {
    const r = await run(['--out', 'all']);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'all')).sort()).toEqual(['allure-results', 'certification-att.md', 'junit.xml', 'observations.json', 'summary.json']);
  });

  it('every file a run, its signature and merge write is one --force knows to replace (src/io/out-dir.ts lists them)', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'k2.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await run(['--spec', 'tangoe', '--sign-key', 'k2.pem', '--out', 'every'])).code).toBe(0);
    expect((await runCli(['merge', 'every', '--out', 'every-merged'], dir)).code).toBe(0);
    const names = [...readdirSync(join(dir, 'every')), ...readdirSync(join(dir, 'every-merged'))];
    expect(names).toContain('evidence.jws');
    expect(names.filter((n) => !isRunOutput(n))).toEqual([]);
    expect(isRunOutput(ALLURE_REPORT_DIR)).toBe(true); // written into a run folder by `oauthgate report`
    expect(isRunOutput('notes.txt')).toBe(false);
  });

  it('a signed run with fewer reports still verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'k.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    expect((await run(['--reports', 'markdown', '--sign-key', 'k.pem', '--out', 'signed'])).code).toBe(0);
    expect(readdirSync(join(dir, 'signed')).sort()).toEqual(['certification-att.md', 'evidence.jws', 'summary.json']);
    expect((await runCli(['verify-report', 'signed', '--key', 'k.pub'], dir)).code).toBe(0);
  });

  it.each([
    ['jnuit', /^--reports: unknown report "jnuit"; did you mean "junit"\? \(valid: junit, markdown, allure, observations, none\)$/],
    ['none,junit', /^--reports: "none" cannot be combined with other reports, observed "none,junit"$/],
    ['junit,', /^--reports: expected names separated by commas \(junit, markdown, allure, observations or none\), observed "junit,"$/],
  ])('%s: one line, exit 2, nothing written', async (list, line) => {
    const out = `bad-${list.replace(/\W/g, '_')}`;
    const r = await run(['--reports', list, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(line);
    expect(existsSync(join(dir, out))).toBe(false);
  });
});
