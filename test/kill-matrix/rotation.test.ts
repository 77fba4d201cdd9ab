/**
 * Kill matrix for the rotation suite: each fault injected into a mock must make the check meant to notice it
 * fail, and the clean mock must pass the same check. Every bundled spec's clean mock passes the whole suite.
 */
import { describe, expect, it } from 'vitest';
import rotation from '../../suites/rotation.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds, loadSpec } from '../../src/spec/load.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { result, runOnMock, killMatrix, cleanRun, failedIds } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  ['att', 'refresh-same-access-token', 'rotation.new-access-token-issued'],
  ['rfc6749', 'refresh-same-access-token', 'rotation.new-access-token-issued'],
  ['att', 'refresh-new-refresh-unusable', 'rotation.new-refresh-token-works'],
  ['rfc6749', 'refresh-new-refresh-unusable', 'rotation.new-refresh-token-works'],
  ['att', 'resource-rejects-all', 'rotation.new-access-token-works'],
  ['tangoe', 'resource-rejects-all', 'rotation.new-access-token-works'],
  // AT&T documents rotation: "the original OAuth refresh token and associated OAuth access token are no longer valid" (att-api line 95)
  ['att', 'refresh-no-rotation', 'rotation.new-refresh-token-issued'],
  ['att', 'refresh-keeps-old-access', 'rotation.old-access-token-rejected'],
  ['att', 'refresh-keeps-old-refresh', 'rotation.old-refresh-token-rejected'],
  // Where the spec says the old pair stays usable (Tangoe's stated assumption: SHOULD, naming it)
  ['tangoe', 'refresh-kills-access', 'rotation.old-access-token-still-valid'],
  ['tangoe', 'refresh-kills-refresh', 'rotation.old-refresh-token-still-valid'],
  // Reuse detection (RFC 9700 §4.14.2, public clients) is killed on the rfc6749 profile with a public client: see below.
];

/** The rfc6749 profile with a public client (clientAuth none): RFC 9700 §4.14.2 asks rotation of its server. */
function rfc6749PublicClient(): ProviderSpec {
  const spec = structuredClone(loadSpec('rfc6749').spec);
  spec.clientAuth = { ...spec.clientAuth, methods: ['none'] };
  return spec;
}

const clean = (spec: string) => cleanRun(rotation, spec);

describe('kill matrix: rotation', () => {
  killMatrix(rotation, cases, listBundledSpecIds());

  it('reuse detection the provider does not promise is not_applicable with the reason, never a failure (AT&T)', async () => {
    for (const faults of [[], ['no-reuse-detection']] as FaultName[][]) {
      const r = result(await runOnMock(rotation, 'att', faults), 'rotation.reuse-revokes-active-refresh-token');
      expect(r).toMatchObject({ status: 'not_applicable', severity: 'SHOULD', reason: expect.stringMatching(/does not promise reuse detection/) });
    }
  });

  it('reports reuse detection as a SHOULD, separately from the MUST checks (public client: RFC 9700 §4.14.2)', async () => {
    const spec = rfc6749PublicClient();
    expect(result(await runOnMock(rotation, spec), 'rotation.reuse-revokes-active-refresh-token')).toMatchObject({ status: 'passed', severity: 'SHOULD' });
    const r = await runOnMock(rotation, spec, ['no-reuse-detection']);
    expect(result(r, 'rotation.reuse-revokes-active-refresh-token')).toMatchObject({ status: 'failed', severity: 'SHOULD', reason: expect.stringMatching(/expected .+ observed/) });
    expect(r.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual(['rotation.reuse-revokes-active-refresh-token']);
  });

  it('public client under the RFC profile: a server keeping its refresh tokens fails a SHOULD, not a MUST', async () => {
    const spec = rfc6749PublicClient();
    const kept = await runOnMock(rotation, spec, ['refresh-keeps-old-refresh']);
    expect(result(kept, 'rotation.old-refresh-token-rejected')).toMatchObject({ status: 'failed', severity: 'SHOULD' });
    expect(result(await runOnMock(rotation, spec, ['refresh-no-rotation']), 'rotation.new-refresh-token-issued')).toMatchObject({ status: 'failed', severity: 'SHOULD' });
  });

  describe('false failures under the rfc6749 profile on a confidential client (RFC 6749 §6: MAY)', () => {
    it('a server that keeps the old refresh token: old-refresh-token-rejected and reuse detection not applicable, nothing fails', async () => {
      const r = await runOnMock(rotation, 'rfc6749', ['refresh-keeps-old-refresh']);
      expect(failedIds(r)).toEqual([]);
      expect(result(r, 'rotation.old-refresh-token-rejected')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/MAY revoke the old refresh token.*"for public clients".*observed: the used refresh token still works/) });
      expect(result(r, 'rotation.reuse-revokes-active-refresh-token').status).not.toBe('failed');
    });

    it('a server that does not rotate: new-refresh-token-issued not applicable, nothing fails', async () => {
      const r = await runOnMock(rotation, 'rfc6749', ['refresh-no-rotation']);
      expect(failedIds(r)).toEqual([]);
      expect(result(r, 'rotation.new-refresh-token-issued')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/MAY issue a new refresh token.*observed: the refresh returned no refresh token/) });
    });

    it('reuse detection is not asked of a confidential client\'s server, even one that rotates', async () => {
      for (const faults of [[], ['no-reuse-detection']] as FaultName[][]) {
        expect(result(await runOnMock(rotation, 'rfc6749', faults), 'rotation.reuse-revokes-active-refresh-token')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/"for public clients"/) });
      }
    });

    it('a server that revokes the old access token on refresh: old-access-token-still-valid not applicable, nothing fails', async () => {
      const r = await runOnMock(rotation, 'rfc6749', ['refresh-kills-access']);
      expect(failedIds(r)).toEqual([]);
      expect(result(r, 'rotation.old-access-token-still-valid')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/RFC 6749 §6 sets no rule for the access token/) });
    });

    it('what the server does do is still checked: a rotated refresh token must work, the old one refused properly', async () => {
      const r = await clean('rfc6749');
      for (const id of ['rotation.new-refresh-token-issued', 'rotation.old-refresh-token-rejected', 'rotation.new-refresh-token-works']) expect(result(r, id).status, id).toBe('passed');
    });
  });

  it('AT&T documents that a refresh invalidates the old pair: those stay MUST', async () => {
    const r = await clean('att');
    for (const id of ['rotation.new-refresh-token-issued', 'rotation.old-access-token-rejected', 'rotation.old-refresh-token-rejected']) expect(result(r, id)).toMatchObject({ status: 'passed', severity: 'MUST' });
  });

  it('Tangoe\'s "old pair stays valid" is an assumption: the same faults fail as SHOULD, naming it; cited, they fail as MUST', async () => {
    const assumed = await runOnMock(rotation, 'tangoe', ['refresh-kills-refresh', 'refresh-kills-access']);
    for (const id of ['rotation.old-refresh-token-still-valid', 'rotation.old-access-token-still-valid']) {
      expect(result(assumed, id)).toMatchObject({ status: 'failed', severity: 'SHOULD', reason: expect.stringMatching(/; SHOULD, not MUST: spec assumption \(refresh\.invalidatesOld(Refresh|Access)Token\): The document describes a refresh token that stays usable/) });
    }
    const cited = structuredClone(loadSpec('tangoe').spec);
    delete cited.refresh!.assumed; // the one difference: the citation of tangoe line 7 now covers the policy
    const r = await runOnMock(rotation, cited, ['refresh-kills-refresh', 'refresh-kills-access']);
    for (const id of ['rotation.old-refresh-token-still-valid', 'rotation.old-access-token-still-valid']) {
      expect(result(r, id)).toMatchObject({ status: 'failed', severity: 'MUST' });
      expect(result(r, id).reason).not.toMatch(/spec assumption/);
    }
  });

  it('applies to Tangoe\'s reusable refresh token as its document describes it (an assumption: SHOULD)', async () => {
    const r = await clean('tangoe');
    expect(result(r, 'rotation.old-refresh-token-still-valid')).toMatchObject({ status: 'passed', severity: 'SHOULD' });
    expect(result(r, 'rotation.new-refresh-token-issued')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/do not rotate .*tangoe line 7/) });
  });

  it('is not applicable, with the reason, to specs without a refresh grant', async () => {
    expect(await runOnMock(rotation, 'mobile-digital')).toEqual([expect.objectContaining({ id: 'rotation.applicable', status: 'not_applicable', reason: 'the spec has no refresh_token grant' })]);
  });
});
