/**
 * Kill matrix for the TAAP PoP suite: each PoP fault injected into a T-Mobile mock must make the check meant to
 * notice it fail, and the clean mock must pass the same check; every bundled spec's clean mock passes the whole
 * suite (or finds it not applicable).
 */
import { describe, expect, it } from 'vitest';
import pop from '../../suites/pop.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { validPopAccepted, resourceValidPopAccepted } from '../../src/checks/pop.ts';
import { cleanRun, killMatrix, result, runOnMock } from '../support/harness.ts';

/**
 * The checks every other PoP check needs (`passed`): a valid PoP token served at the token endpoint and at the
 * resource. A fault run judges only these and the checks of its rows: each probe forges its own PoP tokens (fresh
 * jti, the mock's clock, which this suite never moves), so a check's verdict does not depend on the others'.
 */
const BASELINES = [validPopAccepted.id, resourceValidPopAccepted.id];
const judging = (check: string) => ({ checks: [...BASELINES, check] });

const cases: Array<[string, FaultName, string]> = [
  ['tmobile-apis-v6', 'no-access-token', 'pop.taap.valid-accepted'],
  ['tmobile-naas-v2', 'resource-rejects-all', 'pop.taap.resource.valid-accepted'],
  ['tmobile-naas-v2', 'pop-skip-malformed', 'pop.taap.malformed-rejected'],
  ['tmobile-apis-v6', 'pop-skip-malformed', 'pop.taap.malformed-rejected'],
  ['tmobile-naas-v2', 'pop-not-required', 'pop.taap.missing-rejected'],
  ['tmobile-apis-v6', 'pop-not-required', 'pop.taap.resource.missing-rejected'],
  ['tmobile-naas-v2', 'pop-skip-signature', 'pop.taap.unregistered-key-rejected'],
  ['tmobile-apis-v6', 'pop-allow-none', 'pop.taap.alg-none-rejected'],
  ['tmobile-naas-v2', 'pop-allow-none', 'pop.taap.resource.alg-none-rejected'],
  ['tmobile-apis-v6', 'pop-allow-hs256', 'pop.taap.alg-hs256-confusion-rejected'],
  ['tmobile-naas-v2', 'pop-skip-exp', 'pop.taap.expired-rejected'],
  ['tmobile-apis-v6', 'pop-skip-exp', 'pop.taap.resource.expired-rejected'],
  ['tmobile-naas-v2', 'pop-skip-iat', 'pop.taap.future-iat-rejected'],
  ['tmobile-apis-v6', 'pop-skip-lifetime', 'pop.taap.lifetime-too-long-rejected'],
  ['tmobile-naas-v2', 'pop-skip-jti', 'pop.taap.replayed-jti-rejected'],
  ['tmobile-apis-v6', 'pop-skip-jti', 'pop.taap.resource.replayed-jti-rejected'],
  ['tmobile-apis-v6', 'pop-skip-edts', 'pop.taap.body-changed-rejected'],
  ['tmobile-naas-v2', 'pop-skip-edts', 'pop.taap.uri-changed-rejected'],
  ['tmobile-apis-v6', 'pop-skip-edts', 'pop.taap.method-changed-rejected'],
  ['tmobile-naas-v2', 'pop-skip-edts', 'pop.taap.header-changed-rejected'],
  ['tmobile-naas-v2', 'pop-skip-edts', 'pop.taap.resource.body-changed-rejected'],
  ['tmobile-apis-v6', 'pop-skip-edts', 'pop.taap.resource.uri-changed-rejected'],
  ['tmobile-apis-v6', 'pop-edts-case-insensitive', 'pop.taap.edts-case-changed-rejected'],
  ['tmobile-naas-v2', 'pop-skip-required-parts', 'pop.taap.required-part-missing-rejected'],
  // Each required ehts part on its own (issue 8 item 15: not only the first part is probed).
  ['tmobile-apis-v6', 'pop-optional-part-content-type', 'pop.taap.required-part-missing-rejected'],
  ['tmobile-apis-v6', 'pop-optional-part-authorization', 'pop.taap.required-part-missing-rejected'],
  ['tmobile-apis-v6', 'pop-optional-part-uri', 'pop.taap.required-part-missing-rejected'],
  ['tmobile-apis-v6', 'pop-optional-part-http-method', 'pop.taap.required-part-missing-rejected'],
  ['tmobile-apis-v6', 'pop-optional-part-body', 'pop.taap.required-part-missing-rejected'],
  ['tmobile-naas-v2', 'pop-optional-part-body', 'pop.taap.required-part-missing-rejected'],
  // One hop (002 line 41): a PoP made for the other endpoint, or for the path without its query.
  ['tmobile-naas-v2', 'pop-ignores-uri', 'pop.taap.other-hop-rejected'],
  ['tmobile-apis-v6', 'pop-ignores-uri', 'pop.taap.resource.other-hop-rejected'],
  ['tmobile-naas-v2', 'pop-ignores-uri', 'pop.taap.resource.other-hop-rejected'],
  ['tmobile-apis-v6', 'pop-ignores-query', 'pop.taap.resource.query-omitted-rejected'],
  ['tmobile-naas-v2', 'pop-ignores-query', 'pop.taap.resource.query-omitted-rejected'],
  ['tmobile-naas-v2', 'pop-skip-resource', 'pop.taap.resource.missing-rejected'],
  ['tmobile-apis-v6', 'pop-skip-resource', 'pop.taap.resource.expired-rejected'],
  ['tmobile-naas-v2', 'pop-split-tolerant', 'pop.taap.boundary-shift-rejected'],
  ['tmobile-apis-v6', 'pop-split-tolerant', 'pop.taap.boundary-shift-rejected'],
];

describe('kill matrix: TAAP PoP', () => {
  killMatrix(pop, cases, listBundledSpecIds(), { baselines: BASELINES });

  it.each(listBundledSpecIds())('%s: the suite runs in full on TAAP specs and is not applicable elsewhere', async (spec) => {
    const results = await cleanRun(pop, spec);
    if (spec.startsWith('tmobile')) expect(results.filter((r) => r.status === 'passed')).toHaveLength(27);
    else expect(results.map((r) => [r.id, r.status])).toEqual([['pop.applicable', 'not_applicable']]);
  });

  it.each([
    ['pop-optional-part-content-type', 'Content-Type'], ['pop-optional-part-authorization', 'Authorization'], ['pop-optional-part-uri', 'uri'],
    ['pop-optional-part-http-method', 'http-method'], ['pop-optional-part-body', 'body'],
  ] as const)('%s: the required-part failure names %s and no other part', async (fault, part) => {
    // The run of this fault's table row (it judges the same checks).
    const r = result(await runOnMock(pop, 'tmobile-apis-v6', [fault], judging('pop.taap.required-part-missing-rejected')), 'pop.taap.required-part-missing-rejected');
    expect(r.status).toBe('failed');
    expect(r.reason).toContain(`(ehts without "${part}")`);
    expect(r.reason).toContain('1 not refused');
  });

  it('the one-hop probes differ from the genuine request only in the signed uri, and the controls are served', async () => {
    const clean = await cleanRun(pop, 'tmobile-apis-v6');
    for (const id of ['pop.taap.other-hop-rejected', 'pop.taap.resource.other-hop-rejected', 'pop.taap.resource.query-omitted-rejected', 'pop.taap.body-changed-rejected', 'pop.taap.resource.body-changed-rejected']) {
      expect(result(clean, id).status, id).toBe('passed');
    }
    // A fault that only hashes the path without the query breaks nothing else of the suite.
    const r = await runOnMock(pop, 'tmobile-apis-v6', ['pop-ignores-query']);
    expect(r.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual(['pop.taap.resource.query-omitted-rejected']);
    const u = await runOnMock(pop, 'tmobile-apis-v6', ['pop-ignores-uri']);
    // A verifier that accepts any path it serves also accepts the bare path of a call that had a query.
    expect(u.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual(['pop.taap.other-hop-rejected', 'pop.taap.resource.other-hop-rejected', 'pop.taap.resource.query-omitted-rejected']);
  });

  it('a fault run that judges only a row\'s check and the baselines reaches the whole suite\'s verdict and reason', async () => {
    // Ports, the mock's random client id and secret fingerprints differ between two mocks; nothing else may.
    const same = (s: string | undefined) => (s ?? '').replace(/:\d{4,5}\b/g, ':PORT').replace(/oauthgate-tmobile-[a-z0-9-]+?-v\d-[A-Za-z0-9_-]{8}/g, 'CLIENT').replace(/\[redacted:[0-9a-f]{8}\]/g, '[redacted]');
    for (const [fault, id] of [['pop-ignores-query', 'pop.taap.resource.query-omitted-rejected'], ['pop-ignores-uri', 'pop.taap.resource.other-hop-rejected']] as const) {
      const whole = result(await runOnMock(pop, 'tmobile-apis-v6', [fault]), id);
      const alone = await runOnMock(pop, 'tmobile-apis-v6', [fault], judging(id));
      expect(alone.map((r) => r.id).sort()).toEqual([...judging(id).checks].sort());
      expect([result(alone, id).status, same(result(alone, id).reason)]).toEqual(['failed', same(whole.reason)]);
      expect(whole.status).toBe('failed');
    }
  });

  it('the HS256 confusion fault accepts only the correctly keyed token, so the probe proves its key derivation', async () => {
    const r = result(await runOnMock(pop, 'tmobile-naas-v2', ['pop-allow-hs256'], judging('pop.taap.alg-hs256-confusion-rejected')), 'pop.taap.alg-hs256-confusion-rejected');
    expect(r.status).toBe('failed');
    expect(r.reason).toContain('(SPKI PEM without final newline)');
  });

  it('no result carries a raw PoP token, access token or client secret', async () => {
    const results = await runOnMock(pop, 'tmobile-apis-v6', ['pop-skip-edts', 'pop-allow-none', 'pop-skip-jti']);
    expect(results.some((r) => r.status === 'failed')).toBe(true);
    expect(JSON.stringify(results)).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./);
  });
});
