/**
 * Kill matrix for the token-endpoint and grant-type suites: each fault injected into a mock must make the
 * check meant to notice it fail, and the clean mock must pass the same check. A check that no fault can
 * kill would be a check that cannot fail.
 */
import { describe, expect, it } from 'vitest';
import tokenEndpoint from '../../suites/token-endpoint.ts';
import grantTypes from '../../suites/grant-types.ts';
import type { FaultName } from '../../providers/faults.ts';
import type { SuiteDef } from '../../src/runner/suite.ts';
import { problems, result, runOnMock } from '../support/harness.ts';

const cases: Array<[SuiteDef, string, FaultName, string]> = [
  [tokenEndpoint, 'att', 'no-cache-control', 'token.cache-control-no-store'],
  [tokenEndpoint, 'att', 'token-type-mac', 'token.field-values-match-spec'],
  [tokenEndpoint, 'mobile-digital', 'token-type-mac', 'token.token-type-bearer'],
  [tokenEndpoint, 'att', 'no-access-token', 'token.access-token-present'],
  [tokenEndpoint, 'att', 'expires-in-string', 'token.fields-match-spec'],
  [tokenEndpoint, 'rfc6749', 'expires-in-string', 'token.rfc6749.expires-in-number'],
  [tokenEndpoint, 'tmobile-naas-v2', 'expires-in-number', 'token.fields-match-spec'],
  [tokenEndpoint, 'tmobile-naas-v2', 'expires-in-number', 'token.field-values-match-spec'],
  [tokenEndpoint, 'att', 'json-garbage', 'token.success-status-200'],
  [tokenEndpoint, 'mobile-digital', 'error-not-json', 'error.body-is-rfc6749-json'],
  [tokenEndpoint, 'att', 'error-200', 'error.unknown-client'],
  [tokenEndpoint, 'att', 'accept-unknown-client', 'error.unknown-client'],
  [tokenEndpoint, 'mobile-digital', 'accept-wrong-secret', 'error.wrong-secret'],
  [tokenEndpoint, 'tmobile-naas-v2', 'accept-wrong-secret', 'error.wrong-secret'],
  [tokenEndpoint, 'att', 'accept-missing-grant-type', 'error.missing-grant-type'],
  [tokenEndpoint, 'tangoe', 'accept-unsupported-grant', 'error.unsupported-grant-type'],
  [tokenEndpoint, 'att', 'accept-missing-parameter', 'error.missing-parameter'],
  [tokenEndpoint, 'tmobile-apis-v6', 'accept-missing-parameter', 'error.missing-parameter'],
  [tokenEndpoint, 'rfc6749', 'accept-unknown-scope', 'error.invalid-scope'],
  [tokenEndpoint, 'att', 'accept-any-content-type', 'error.unsupported-content-type'],
  [tokenEndpoint, 'att', 'accept-any-client-auth', 'token.client-auth.client-secret-basic-rejected'],
  [tokenEndpoint, 'mobile-digital', 'accept-any-client-auth', 'token.client-auth.client-secret-post-rejected'],
  [tokenEndpoint, 'tangoe', 'ignore-required-headers', 'token.required-headers-enforced'],
  [grantTypes, 'rfc6749', 'accept-reused-code', 'grant.authorization-code.reuse-rejected'],
  [grantTypes, 'att', 'accept-unsupported-grant', 'grant.password.unsupported-rejected'],
  [grantTypes, 'mobile-digital', 'accept-unsupported-grant', 'grant.refresh-token.unsupported-rejected'],
  [grantTypes, 'tangoe', 'accept-unsupported-grant', 'grant.client-credentials.unsupported-rejected'],
  [grantTypes, 'att', 'resource-rejects-all', 'grant.client-credentials.end-to-end'],
  [grantTypes, 'att', 'resource-rejects-all', 'grant.refresh-token.end-to-end'],
  [grantTypes, 'tangoe', 'resource-rejects-all', 'grant.implicit.end-to-end'],
  [grantTypes, 'rfc6749', 'resource-rejects-all', 'grant.authorization-code.end-to-end'],
  [grantTypes, 'tangoe', 'resource-rejects-all', 'grant.password.end-to-end'],
  [grantTypes, 'rfc6749', 'accept-reused-code', 'grant.authorization-code.reuse-revokes-tokens'],
  [grantTypes, 'mobile-digital', 'refresh-token-issued', 'grant.client-credentials.refresh-token-absent'],
];

describe('kill matrix: token endpoint and grant types', () => {
  for (const [suite, spec, fault, check] of cases) {
    it(`${spec}: fault "${fault}" fails ${check}`, async () => {
      const clean = await runOnMock(suite, spec);
      expect(result(clean, check).status, result(clean, check).reason).toBe('passed');
      const broken = await runOnMock(suite, spec, [fault]);
      const r = result(broken, check);
      expect(r.status, `expected ${check} to fail with ${fault}`).toBe('failed');
      expect(r.reason).toMatch(/expected .+ observed|expected/);
    });
  }

  it.each(['att', 'tmobile-naas-v2', 'tmobile-apis-v6', 'mobile-digital', 'tangoe', 'rfc6749'])('%s: clean mock passes every check of both suites', async (spec) => {
    for (const suite of [tokenEndpoint, grantTypes]) {
      const results = await runOnMock(suite, spec);
      expect(problems(results)).toEqual([]);
    }
  });
});
