/**
 * The CI gate: --fail-on picks the threshold, a baseline accepts known failures until their expiry, warns when an
 * accepted check passes, fails when an entry expired; GitHub annotations; bad baselines are one-line errors.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../../src/redact.ts';
import { evaluateGate, loadBaseline, type BaselineEntry } from '../../src/report/gate.ts';
import { annotations, escapeData, escapeProperty } from '../../src/report/github.ts';
import { runCli, summaryOf as summaryPrinted } from '../support/cli.ts';
import { attRun, summaryOf } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-gate-'));
const entry = (check: string, expires = '2099-12-31', spec = 'att'): BaselineEntry => ({ spec, check, reason: 'vendor ticket GW-12', expires });
const TODAY = '2026-11-27';

describe('evaluateGate', () => {
  const runs = [attRun()]; // fails token.cache-control-no-store (MUST) and token.pragma-no-cache (SHOULD)

  it('fails on a MUST failure at fail-on must, ignoring SHOULD failures', () => {
    const g = evaluateGate(runs, 'must', [], TODAY);
    expect(g).toMatchObject({ exitCode: 1, failing: ['att token.cache-control-no-store'], accepted: [] });
  });

  it('counts SHOULD failures at fail-on should', () => {
    expect(evaluateGate(runs, 'should', [], TODAY).failing).toEqual(['att token.cache-control-no-store', 'att token.pragma-no-cache']);
  });

  it('accepts a known failure listed in the baseline: the gate passes and the failure is shown as accepted', () => {
    const g = evaluateGate(runs, 'must', [entry('token.cache-control-no-store')], TODAY);
    expect(g.exitCode).toBe(0);
    expect(g.accepted).toEqual([{ spec: 'att', check: 'token.cache-control-no-store', reason: 'vendor ticket GW-12', expires: '2099-12-31' }]);
    expect(g.verdict).toBe('gate passed (fail-on must): no MUST check failed beyond 1 accepted known failure(s)');
  });

  it('matches entries by spec as well as check id', () => {
    expect(evaluateGate(runs, 'must', [entry('token.cache-control-no-store', '2099-12-31', 'mobile-digital')], TODAY).exitCode).toBe(1);
  });

  it('holds an entry through its expiry day and fails the gate the day after', () => {
    expect(evaluateGate(runs, 'must', [entry('token.cache-control-no-store', TODAY)], TODAY).exitCode).toBe(0);
    const g = evaluateGate(runs, 'must', [entry('token.cache-control-no-store', '2026-11-26')], TODAY);
    expect(g.exitCode).toBe(1);
    expect(g.errors).toEqual(['baseline entry att token.cache-control-no-store expired on 2026-11-26 (vendor ticket GW-12): fix the check or renew the entry']);
    expect(g.failing).toEqual(['att token.cache-control-no-store']);
  });

  it('warns when an accepted check passes now, and when an entry matches no check', () => {
    const g = evaluateGate(runs, 'must', [entry('token.cache-control-no-store'), entry('token.success-status-200'), entry('token.nope')], TODAY);
    expect(g.exitCode).toBe(0);
    expect(g.warnings).toEqual(['baseline entry att token.success-status-200 passes now: remove it from the baseline', 'baseline entry att token.nope matches no check of this run']);
  });
});

describe('loadBaseline', () => {
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  it('reads YAML (dates as dates or strings) and JSON', () => {
    expect(loadBaseline(file('b.yaml', '- { spec: att, check: token.x, reason: r, expires: 2027-01-31 }\n- { spec: att, check: token.y, reason: r, expires: "2027-02-01" }\n'))).toEqual([
      { spec: 'att', check: 'token.x', reason: 'r', expires: '2027-01-31' },
      { spec: 'att', check: 'token.y', reason: 'r', expires: '2027-02-01' },
    ]);
    expect(loadBaseline(file('b.json', '{"accepted": [{"spec": "att", "check": "token.x", "reason": "r", "expires": "2027-01-31"}]}'))).toHaveLength(1);
  });
  it.each([
    ['- { spec: att, check: token.x, reason: r, expires: soon }', /bad\.yaml: \[0\]\.expires: expected a date YYYY-MM-DD, observed "soon"/],
    ['- { spec: att, check: token.x, expires: 2027-01-31 }', /bad\.yaml: \[0\]\.reason: /],
    ['- { spec: att, check: token.x, reason: r, expires: 2027-01-31, owner: me }', /bad\.yaml: \[0\]: unknown field\(s\) "owner"/],
    ['[unclosed', /bad\.yaml: not YAML or JSON/],
  ])('names the file and field of a bad entry: %s', (text, message) => {
    expect(() => loadBaseline(file('bad.yaml', text), 'bad.yaml')).toThrow(message);
  });
});

describe('GitHub Actions annotations', () => {
  it('escapes messages and properties as workflow commands require', () => {
    expect(escapeData('50% a\r\nb')).toBe('50%25 a%0D%0Ab');
    expect(escapeProperty('a:b,c')).toBe('a%3Ab%2Cc');
  });

  it('makes gating failures errors, lower ones and accepted ones warnings', () => {
    const s = { ...summaryOf([attRun()]), gate: evaluateGate([attRun()], 'must', [], TODAY) };
    expect(annotations(s, new Redactor())).toEqual([
      '::error title=att MUST token.cache-control-no-store::"Cache-Control" header: expected a no-store directive (RFC 6749 §5.1), observed (absent) [RFC 6749 §5.1]',
      expect.stringMatching(/^::warning title=att SHOULD token.pragma-no-cache::Pragma: expected no-cache/),
    ]);
    const accepted = { ...summaryOf([attRun()]), gate: evaluateGate([attRun()], 'must', [entry('token.cache-control-no-store')], TODAY) };
    expect(annotations(accepted, new Redactor())[0]).toMatch(/^::warning title=att MUST token.cache-control-no-store::accepted until 2099-12-31 \(vendor ticket GW-12\): /);
  });
});

describe('oauthgate run with a gate', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['run', '--spec', 'att', '--suite', 'token-endpoint', '--fault', 'no-cache-control', ...args], dir, env);
  const baseline = (expires: string) => {
    writeFileSync(join(dir, `baseline-${expires}.yaml`), `- spec: att\n  check: token.cache-control-no-store\n  reason: gateway strips the header (GW-12)\n  expires: ${expires}\n`);
    return `baseline-${expires}.yaml`;
  };

  it('a baseline entry turns the known failure into a pass of the gate, shown as accepted', async () => {
    const r = await run(['--out', 'accepted', '--baseline', baseline('2099-12-31')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ACPT att token.cache-control-no-store: accepted until 2099-12-31 \(gateway strips the header \(GW-12\)\)/);
    expect(r.out).toMatch(/result: gate passed \(fail-on must\): no MUST check failed beyond 1 accepted known failure\(s\)\n/);
    const s = summaryPrinted(r.out) as ReturnType<typeof summaryPrinted> & { gate: { accepted: unknown[] } };
    expect(s.exitCode).toBe(0);
    expect(s.gate.accepted).toHaveLength(1);
  });

  it('an expired entry turns it back into a failure', async () => {
    const r = await run(['--out', 'expired', '--baseline', baseline('2020-01-01')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/error: baseline entry att token.cache-control-no-store expired on 2020-01-01/);
    expect(r.out).toMatch(/result: gate failed \(fail-on must\): 1 MUST check\(s\) failed, 1 baseline entry expired \(exit 1\)/);
  });

  it('prints ::error lines when GITHUB_ACTIONS=true, and none otherwise', async () => {
    const gh = await run(['--out', 'gh'], { GITHUB_ACTIONS: 'true' });
    expect(gh.out).toMatch(/^::error title=att MUST token.cache-control-no-store::"Cache-Control" header: expected a no-store directive/m);
    const plain = await run(['--out', 'plain']);
    expect(plain.out).not.toMatch(/^::/m);
  });

  it.each([
    [['--fail-on', 'may'], /^--fail-on: expected "must" or "should", observed "may"/],
    [['--baseline', 'missing.yaml'], /^missing\.yaml: cannot read baseline: ENOENT/],
  ])('rejects %j before running, exit 2', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});
