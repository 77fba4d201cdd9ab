/**
 * Kill matrix for the scope suite: each fault injected into a mock must make the check meant to notice it fail,
 * and the clean mock must pass the same check. Every bundled spec's clean mock passes the whole suite.
 */
import { describe, expect, it } from 'vitest';
import scope from '../../suites/scope.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds, loadSpec } from '../../src/spec/load.ts';
import { recordOverrides } from '../../src/spec/overlay.ts';
import tokenEndpoint from '../../suites/token-endpoint.ts';
import { result, runOnMock, killMatrix, failedIds } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  ['att', 'scope-rfc-delimiter-only', 'scope.delimiter-accepted'],
  ['mobile-digital', 'scope-escalation', 'scope.granted-within-request'],
  ['rfc6749', 'scope-escalation', 'scope.granted-within-request'],
  ['att', 'scope-escalation', 'scope.resource.insufficient-scope-rejected'],
  ['mobile-digital', 'scope-echo-missing', 'scope.echo-as-documented'],
  ['tmobile-naas-v2', 'scope-echo-missing', 'scope.echo-as-documented'],
  ['tmobile-apis-v6', 'scope-echo-missing', 'scope.echo-as-documented'],
  // AT&T's responses carry no scope (echo never): splitting cannot be seen there (not applicable, see below).
  ['mobile-digital', 'scope-other-delimiter', 'scope.other-delimiter-not-split'],
  ['rfc6749', 'accept-unknown-scope', 'scope.unknown-rejected'],
  ['mobile-digital', 'accept-unknown-scope', 'scope.unknown-rejected'],
  ['att', 'accept-unknown-scope', 'scope.unknown-rejected'],
  ['att', 'scope-not-required', 'scope.missing-rejected'],
  ['mobile-digital', 'scope-missing-rejected', 'scope.missing-defaulted'],
  ['mobile-digital', 'scope-duplicate-rejected', 'scope.duplicate-values-accepted'],
  ['att', 'scope-duplicate-rejected', 'scope.duplicate-values-accepted'],
  ['mobile-digital', 'scope-empty-item-wildcard', 'scope.empty-items-not-granted'],
  ['rfc6749', 'resource-rejects-all', 'scope.resource.required-scope-accepted'],
  ['att', 'resource-ignores-scope', 'scope.resource.insufficient-scope-rejected'],
  ['mobile-digital', 'resource-ignores-scope', 'scope.resource.insufficient-scope-rejected'],
  ['rfc6749', 'resource-ignores-scope', 'scope.resource.insufficient-scope-rejected'],
  // A served token is insufficient-scope-rejected's failure alone (the challenge check is skipped behind it).
  ['mobile-digital', 'challenge-without-error', 'scope.resource.insufficient-scope-challenge'],
  ['rfc6749', 'no-www-authenticate', 'scope.resource.insufficient-scope-challenge'],
];

describe('kill matrix: scope', () => {
  killMatrix(scope, cases, listBundledSpecIds());

  describe('one owner per behaviour: other behaviours that failed two checks', () => {
    it('a resource ignoring scope fails insufficient-scope-rejected alone; the challenge check is skipped behind it', async () => {
      const r = await runOnMock(scope, 'mobile-digital', ['resource-ignores-scope']);
      expect(failedIds(r)).toEqual(['scope.resource.insufficient-scope-rejected']);
      expect(result(r, 'scope.resource.insufficient-scope-challenge')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/did not refuse the token \(HTTP 200; see scope\.resource\.insufficient-scope-rejected\)/) });
    });

    it('AT&T: a grant accepted without its required scope fails scope.missing-rejected alone, not error.missing-parameter too', async () => {
      const r = [...await runOnMock(tokenEndpoint, 'att', ['scope-not-required']), ...await runOnMock(scope, 'att', ['scope-not-required'])];
      expect(failedIds(r)).toEqual(['scope.missing-rejected']);
      expect(result(r, 'error.missing-parameter')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/scope\.missing-rejected judges/) });
    });
  });

  describe('one owner per behaviour (issue 8 item 6): a server that ignores unknown scope values', () => {
    it.each(['rfc6749', 'mobile-digital', 'att'])('%s: fails scope.unknown-rejected alone, as a SHOULD naming the assumption', async (spec) => {
      const r = [...await runOnMock(tokenEndpoint, spec, ['accept-unknown-scope']), ...await runOnMock(scope, spec, ['accept-unknown-scope'])];
      expect(failedIds(r)).toEqual(['scope.unknown-rejected']);
      expect(result(r, 'scope.unknown-rejected')).toMatchObject({ severity: 'SHOULD', reason: expect.stringMatching(/; spec assumption \(scope\.unknownScope\): /) });
      expect(result(r, 'error.invalid-scope')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/MAY fully or partially ignore the scope requested/) });
      expect(['passed', 'not_applicable']).toContain(result(r, 'scope.other-delimiter-not-split').status);
    });

    it('where a provider documents the rejection (here: the user\'s overlay), scope.unknown-rejected is a MUST', async () => {
      const spec = structuredClone(loadSpec('mobile-digital').spec);
      recordOverrides(spec, ['scope.unknownScope']);
      expect(result(await runOnMock(scope, spec, ['accept-unknown-scope']), 'scope.unknown-rejected')).toMatchObject({ status: 'failed', severity: 'MUST' });
    });

    it('a refusal with the wrong code is error.invalid-scope\'s failure, not scope.unknown-rejected\'s', async () => {
      expect(result(await runOnMock(scope, 'rfc6749', ['error-code-changed']), 'scope.unknown-rejected').status).toBe('passed');
    });

    it('AT&T: values split by a server are not visible without a scope member (echo never): not applicable, with the reason', async () => {
      expect(result(await runOnMock(scope, 'att', ['scope-other-delimiter']), 'scope.other-delimiter-not-split')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/never does/) });
    });
  });

  it('records not_applicable with a reason, never a silent pass, where the spec leaves nothing to vary', async () => {
    for (const [spec, why] of [['tmobile-naas-v2', /no body/], ['tmobile-apis-v6', /fixes the scope value/], ['tangoe', /catalogue is empty/]] as const) {
      const r = result(await runOnMock(scope, spec), 'scope.delimiter-accepted');
      expect(r.status).toBe('not_applicable');
      expect(r.reason).toMatch(why);
    }
  });
});
