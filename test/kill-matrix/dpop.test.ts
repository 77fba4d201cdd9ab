/**
 * Kill matrix for the DPoP suite: each DPoP fault injected into the RFC 6749 mock must make the check meant to
 * notice it fail, and the clean mock must pass the same check; every bundled spec's clean mock passes the whole
 * suite (or finds it not applicable).
 */
import { describe, expect, it } from 'vitest';
import dpop from '../../suites/dpop.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { cleanRun, killMatrix, runOnMock } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  ['rfc6749', 'no-access-token', 'dpop.token.valid-proof-accepted'],
  ['rfc6749', 'dpop-skip-ath-value', 'dpop.resource.wrong-ath-rejected'],
  ['rfc6749', 'dpop-skip-htm', 'dpop.token.wrong-htm-rejected'],
  ['rfc6749', 'dpop-skip-htu', 'dpop.token.wrong-htu-rejected'],
  ['rfc6749', 'dpop-skip-iat', 'dpop.token.stale-iat-rejected'],
  ['rfc6749', 'dpop-skip-iat', 'dpop.token.future-iat-rejected'],
  ['rfc6749', 'dpop-skip-jti', 'dpop.token.reused-jti-rejected'],
  ['rfc6749', 'dpop-allow-none', 'dpop.token.alg-none-rejected'],
  ['rfc6749', 'dpop-allow-private-jwk', 'dpop.token.private-jwk-rejected'],
  ['rfc6749', 'dpop-skip-ath', 'dpop.resource.missing-ath-rejected'],
  ['rfc6749', 'dpop-not-bound', 'dpop.token.token-type-dpop'],
  ['rfc6749', 'dpop-not-bound', 'dpop.token.bound-to-key'],
  ['rfc6749', 'resource-rejects-all', 'dpop.resource.valid-proof-accepted'],
];

describe('kill matrix: DPoP', () => {
  killMatrix(dpop, cases, listBundledSpecIds());

  it.each(listBundledSpecIds())('%s: the suite runs in full on DPoP specs and is not applicable elsewhere', async (spec) => {
    const results = await cleanRun(dpop, spec);
    if (spec === 'rfc6749') expect(results.filter((r) => r.status === 'passed')).toHaveLength(13);
    else expect(results.map((r) => [r.id, r.status])).toEqual([['dpop.applicable', 'not_applicable']]);
  });

  it('no result carries a raw DPoP proof or access token', async () => {
    const results = await runOnMock(dpop, 'rfc6749', ['dpop-skip-htm', 'dpop-not-bound']);
    expect(results.some((r) => r.status === 'failed')).toBe(true);
    expect(JSON.stringify(results)).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./);
  });
});
