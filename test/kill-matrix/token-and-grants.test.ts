/**
 * Kill matrix for the token-endpoint and grant-type suites: each fault injected into a mock must make the
 * check meant to notice it fail, and the clean mock must pass the same check. A check that no fault can
 * kill would be a check that cannot fail.
 */
import { describe } from 'vitest';
import tokenEndpoint from '../../suites/token-endpoint.ts';
import grantTypes from '../../suites/grant-types.ts';
import type { FaultName } from '../../providers/faults.ts';
import { killMatrix } from '../support/harness.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';

const tokenCases: Array<[string, FaultName, string]> = [
  ['rfc6749', 'no-basic-challenge', 'error.invalid-client-www-authenticate'],
  ['tmobile-naas-v2', 'no-basic-challenge', 'error.invalid-client-www-authenticate'],
  ['att', 'token-content-type-text', 'token.content-type-json'],
  ['tmobile-apis-v6', 'token-content-type-text', 'token.content-type-json'],
  ['att', 'no-cache-control', 'token.pragma-no-cache'],
  ['rfc6749', 'json-garbage', 'token.client-auth.client-secret-basic-accepted'],
  ['att', 'json-garbage', 'token.client-auth.client-secret-post-accepted'],
  ['att', 'no-token-type', 'token.token-type-bearer'],
  ['rfc6749', 'no-token-type', 'token.rfc6749.token-type-present'],
  ['att', 'error-code-changed', 'error.unknown-client'],
  ['rfc6749', 'error-code-changed', 'error.invalid-scope'],
  ['tmobile-apis-v6', 'error-code-changed', 'error.wrong-secret'],
  ['att', 'no-cache-control', 'token.cache-control-no-store'],
  ['att', 'token-type-mac', 'token.field-values-match-spec'],
  ['mobile-digital', 'token-type-mac', 'token.token-type-bearer'],
  ['att', 'no-access-token', 'token.access-token-present'],
  ['att', 'expires-in-string', 'token.fields-match-spec'],
  ['rfc6749', 'expires-in-string', 'token.rfc6749.expires-in-number'],
  ['tmobile-naas-v2', 'expires-in-number', 'token.fields-match-spec'],
  ['tmobile-naas-v2', 'expires-in-number', 'token.field-values-match-spec'],
  ['att', 'json-garbage', 'token.success-status-200'],
  ['mobile-digital', 'error-not-json', 'error.body-is-rfc6749-json'],
  ['att', 'error-200', 'error.unknown-client'],
  ['att', 'accept-unknown-client', 'error.unknown-client'],
  ['mobile-digital', 'accept-wrong-secret', 'error.wrong-secret'],
  ['tmobile-naas-v2', 'accept-wrong-secret', 'error.wrong-secret'],
  ['att', 'accept-missing-grant-type', 'error.missing-grant-type'],
  ['tangoe', 'accept-unsupported-grant', 'error.unsupported-grant-type'],
  // AT&T's client_credentials request has no required parameter but scope, which scope.missing-rejected owns.
  ['tmobile-apis-v6', 'accept-missing-parameter', 'error.missing-parameter'],
  // The refusal's code (an ignored unknown scope is scope.unknown-rejected's, see test/kill-matrix/scope.test.ts).
  ['rfc6749', 'error-code-changed', 'error.invalid-scope'],
  ['att', 'accept-any-content-type', 'error.unsupported-content-type'],
  ['att', 'accept-any-client-auth', 'token.client-auth.client-secret-basic-rejected'],
  ['mobile-digital', 'accept-any-client-auth', 'token.client-auth.client-secret-post-rejected'],
  ['tangoe', 'ignore-required-headers', 'token.required-headers-enforced'],
];

const grantCases: Array<[string, FaultName, string]> = [
  ['att', 'no-refresh-token', 'grant.authorization-code.refresh-token-issued'],
  ['rfc6749', 'no-refresh-token', 'grant.authorization-code.refresh-token-issued'],
  ['att', 'no-refresh-token', 'grant.client-credentials.refresh-token-issued'],
  ['tangoe', 'no-refresh-token', 'grant.password.refresh-token-issued'],
  ['mobile-digital', 'accept-unsupported-grant', 'grant.authorization-code.unsupported-rejected'],
  ['rfc6749', 'accept-reused-code', 'grant.authorization-code.reuse-rejected'],
  ['att', 'accept-unsupported-grant', 'grant.password.unsupported-rejected'],
  ['mobile-digital', 'accept-unsupported-grant', 'grant.refresh-token.unsupported-rejected'],
  ['tangoe', 'accept-unsupported-grant', 'grant.client-credentials.unsupported-rejected'],
  ['att', 'resource-rejects-all', 'grant.client-credentials.end-to-end'],
  ['att', 'resource-rejects-all', 'grant.refresh-token.end-to-end'],
  ['tangoe', 'resource-rejects-all', 'grant.implicit.end-to-end'],
  ['rfc6749', 'resource-rejects-all', 'grant.authorization-code.end-to-end'],
  ['tangoe', 'resource-rejects-all', 'grant.password.end-to-end'],
  ['rfc6749', 'accept-reused-code', 'grant.authorization-code.reuse-revokes-tokens'],
  ['rfc6749', 'accept-expired-code', 'grant.authorization-code.expired-code-rejected'],
  ['mobile-digital', 'refresh-token-issued', 'grant.client-credentials.refresh-token-absent'],
];

describe('kill matrix: token endpoint', () => killMatrix(tokenEndpoint, tokenCases, listBundledSpecIds()));
describe('kill matrix: grant types', () => killMatrix(grantTypes, grantCases, listBundledSpecIds()));
