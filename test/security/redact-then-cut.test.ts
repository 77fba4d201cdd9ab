/**
 * Redact first, then cut (issue 9 item 4): a message is redacted whole when a check is recorded and cut only
 * where it is displayed or written, so no prefix of a secret survives a cut.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fail, show, type CheckResult } from '../../src/checks/check.ts';
import { fingerprint, Redactor } from '../../src/redact.ts';
import { SuiteContext } from '../../src/runner/suite.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { buildSummary, writeSummary } from '../../src/report/summary.ts';
import { resultsTable } from '../../src/report/terminal.ts';
import { countResults } from '../../src/runner/engine.ts';
import type { Target } from '../../src/target/target.ts';

const token = `at-${'Zq9'.repeat(1000)}-end`; // longer than every cap
const prefix = token.slice(0, 24);

function context(redactor: Redactor): SuiteContext {
  const target = { kind: 'live', label: 'x', baseUrl: 'http://127.0.0.1:1', clientId: 'c', clientSecret: 's', headers: {}, endpoints: {}, waitBudgetSeconds: 0, autoConsent: false, now: () => 0 } as Target;
  return new SuiteContext('token-endpoint', loadSpec('att').spec, target, { send: async () => { throw new Error('no'); }, close: async () => {} } as never, redactor);
}

async function failedWithToken(): Promise<{ r: CheckResult; redactor: Redactor }> {
  const redactor = new Redactor();
  redactor.add(token);
  const t = context(redactor);
  const r = await t.judge({ id: 'x.y', title: 't', requirement: 'RFC 6749 §5.1' }, { severity: 'MUST' }, () => fail('"access_token"', 'something else', show(token)));
  return { r, redactor };
}

describe('redact first, then cut', () => {
  it('show() keeps the whole value, so the recorded reason holds the fingerprint and no part of the token', async () => {
    expect(show(token)).toBe(JSON.stringify(token));
    const { r } = await failedWithToken();
    expect(r.reason).toContain(fingerprint(token));
    expect(r.reason).not.toContain(prefix);
  });

  it('summary.json cuts a long reason after redaction', async () => {
    const { r, redactor } = await failedWithToken();
    const long: CheckResult = { ...r, id: 'x.long', reason: `observed ${'word '.repeat(2000)}` };
    const checks = [r, long];
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-cut-'));
    const file = writeSummary(dir, buildSummary([{ spec: 'att', target: 'x', checks, counts: countResults(checks), durationMs: 1 }], new Date(), new Date()), redactor);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(prefix);
    const written = JSON.parse(text).runs[0].checks[1].reason as string;
    expect(written.length).toBeLessThan(long.reason!.length);
    expect(written).toMatch(/\(10009 characters\)$/);
  });

  it('the terminal cuts after redaction too, TTY or not', async () => {
    const { r, redactor } = await failedWithToken();
    const raw: CheckResult = { ...r, reason: `observed ${show(token)}` }; // as if recorded unredacted
    let out = '';
    const stream = Object.assign(new Writable({ write(c, _e, cb) { out += String(c); cb(); } }), { isTTY: false });
    resultsTable({ out: stream, redactor }, [{ spec: 'att', target: 'x', checks: [raw], counts: countResults([raw]), durationMs: 1 }]);
    expect(out).not.toContain(prefix);
    expect(out).toContain(fingerprint(token));
  });
});
