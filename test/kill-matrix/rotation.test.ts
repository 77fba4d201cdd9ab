/**
 * Kill matrix for the rotation suite: each fault injected into a mock must make the check meant to notice it
 * fail, and the clean mock must pass the same check. Every bundled spec's clean mock passes the whole suite.
 */
import { describe, expect, it } from 'vitest';
import rotation from '../../suites/rotation.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { result, runOnMock, killMatrix, cleanRun } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  ['att', 'refresh-same-access-token', 'rotation.new-access-token-issued'],
  ['rfc6749', 'refresh-same-access-token', 'rotation.new-access-token-issued'],
  ['att', 'refresh-new-refresh-unusable', 'rotation.new-refresh-token-works'],
  ['rfc6749', 'refresh-new-refresh-unusable', 'rotation.new-refresh-token-works'],
  ['att', 'resource-rejects-all', 'rotation.new-access-token-works'],
  ['tangoe', 'resource-rejects-all', 'rotation.new-access-token-works'],
  ['att', 'refresh-no-rotation', 'rotation.new-refresh-token-issued'],
  ['rfc6749', 'refresh-no-rotation', 'rotation.new-refresh-token-issued'],
  // AT&T: "the original OAuth refresh token and associated OAuth access token are no longer valid" (att-api line 95)
  ['att', 'refresh-keeps-old-access', 'rotation.old-access-token-rejected'],
  ['att', 'refresh-keeps-old-refresh', 'rotation.old-refresh-token-rejected'],
  ['rfc6749', 'refresh-keeps-old-refresh', 'rotation.old-refresh-token-rejected'],
  // Where the spec says the old pair stays usable (Tangoe's stated assumption; RFC 6749 profile for access tokens)
  ['tangoe', 'refresh-kills-access', 'rotation.old-access-token-still-valid'],
  ['rfc6749', 'refresh-kills-access', 'rotation.old-access-token-still-valid'],
  ['tangoe', 'refresh-kills-refresh', 'rotation.old-refresh-token-still-valid'],
  ['rfc6749', 'no-reuse-detection', 'rotation.reuse-revokes-active-refresh-token'],
];

const clean = (spec: string) => cleanRun(rotation, spec);

describe('kill matrix: rotation', () => {
  killMatrix(rotation, cases, listBundledSpecIds());

  it('reuse detection the provider does not promise is not_applicable with the reason, never a failure (AT&T)', async () => {
    for (const faults of [[], ['no-reuse-detection']] as FaultName[][]) {
      const r = result(await runOnMock(rotation, 'att', faults), 'rotation.reuse-revokes-active-refresh-token');
      expect(r).toMatchObject({ status: 'not_applicable', severity: 'SHOULD', reason: expect.stringMatching(/does not promise reuse detection/) });
    }
  });

  it('reports reuse detection as a SHOULD, separately from the MUST checks', async () => {
    const r = await runOnMock(rotation, 'rfc6749', ['no-reuse-detection']);
    expect(result(r, 'rotation.reuse-revokes-active-refresh-token')).toMatchObject({ status: 'failed', severity: 'SHOULD' });
    expect(r.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual(['rotation.reuse-revokes-active-refresh-token']);
  });

  it('applies to Tangoe\'s reusable refresh token as its document describes it', async () => {
    const r = await clean('tangoe');
    expect(result(r, 'rotation.old-refresh-token-still-valid')).toMatchObject({ status: 'passed', severity: 'MUST' });
    expect(result(r, 'rotation.new-refresh-token-issued')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/do not rotate .*tangoe line 7/) });
  });

  it('is not applicable, with the reason, to specs without a refresh grant', async () => {
    expect(await runOnMock(rotation, 'mobile-digital')).toEqual([expect.objectContaining({ id: 'rotation.applicable', status: 'not_applicable', reason: 'the spec has no refresh_token grant' })]);
  });
});
