/**
 * Preflight (issue 8 item 16, issue 9 item 1): a live target that cannot be reached is said in one line first
 * and recorded as ONE failed MUST check, `target.reachable`, so the run exits 1 with a summary instead of
 * failing and skipping every suite.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, summaryOf } from '../support/cli.ts';
import { checkReachable } from '../../src/target/preflight.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-preflight-'));

describe('a live target that refuses connections', () => {
  it('prints one line first, records one failed MUST check and exits 1', async () => {
    writeFileSync(join(dir, 'dead.yaml'), 'spec: att\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: bbbbbbbb\njwksUri: http://127.0.0.1:1/jwks\n');
    const { code, out, err } = await runCli(['run', '--target-file', 'dead.yaml', '--suite', 'token-endpoint', '--out', 'dead'], dir);
    expect(err).toBe('');
    expect(out.split('\n')[1]).toBe('cannot connect to http://127.0.0.1:1: ECONNREFUSED');
    expect(code).toBe(1);
    const s = summaryOf(out);
    expect(s.exitCode).toBe(1);
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0]!.checks).toEqual([expect.objectContaining({
      id: 'target.reachable', severity: 'MUST', status: 'failed', requirement: 'harness: the target must be reachable',
      reason: 'cannot connect to http://127.0.0.1:1: ECONNREFUSED',
    })]);
    expect(out).toMatch(/1 checks on 1 spec\(s\) .*1 failed \(1 MUST\), 0 deviations, 0 skipped/);
  });
});

describe('checkReachable', () => {
  it('names the reason a connection failed', async () => {
    expect(await checkReachable('http://127.0.0.1:1/base', 2000)).toEqual({ ok: false, reason: 'ECONNREFUSED' });
  });
});
