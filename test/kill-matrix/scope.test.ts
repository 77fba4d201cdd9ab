/**
 * Kill matrix for the scope suite: each fault injected into a mock must make the check meant to notice it fail,
 * and the clean mock must pass the same check. Every bundled spec's clean mock passes the whole suite.
 */
import { describe, expect, it } from 'vitest';
import scope from '../../suites/scope.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { result, runOnMock, killMatrix } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  ['att', 'scope-rfc-delimiter-only', 'scope.delimiter-accepted'],
  ['mobile-digital', 'scope-escalation', 'scope.granted-within-request'],
  ['rfc6749', 'scope-escalation', 'scope.granted-within-request'],
  ['att', 'scope-escalation', 'scope.resource.insufficient-scope-rejected'],
  ['mobile-digital', 'scope-echo-missing', 'scope.echo-as-documented'],
  ['tmobile-naas-v2', 'scope-echo-missing', 'scope.echo-as-documented'],
  ['tmobile-apis-v6', 'scope-echo-missing', 'scope.echo-as-documented'],
  ['att', 'scope-other-delimiter', 'scope.other-delimiter-not-split'],
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
  ['mobile-digital', 'resource-ignores-scope', 'scope.resource.insufficient-scope-challenge'],
  ['rfc6749', 'no-www-authenticate', 'scope.resource.insufficient-scope-challenge'],
];

describe('kill matrix: scope', () => {
  killMatrix(scope, cases, listBundledSpecIds());

  it('records not_applicable with a reason, never a silent pass, where the spec leaves nothing to vary', async () => {
    for (const [spec, why] of [['tmobile-naas-v2', /no body/], ['tmobile-apis-v6', /fixes the scope value/], ['tangoe', /catalogue is empty/]] as const) {
      const r = result(await runOnMock(scope, spec), 'scope.delimiter-accepted');
      expect(r.status).toBe('not_applicable');
      expect(r.reason).toMatch(why);
    }
  });
});
