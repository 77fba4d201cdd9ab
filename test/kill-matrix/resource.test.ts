/**
 * Kill matrix for the resource and authorization-code suites: each fault injected into a mock makes the check
 * meant to notice it fail, and the clean mock passes the same check; every bundled spec's clean mock passes both
 * suites. `authorize-requires-scope` proves the harness sends scope: with it, nothing fails.
 */
import { describe, expect, it } from 'vitest';
import resource from '../../suites/resource.ts';
import authorizationCode from '../../suites/authorization-code.ts';
import grantTypes from '../../suites/grant-types.ts';
import pkce from '../../suites/pkce.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { cleanRun, killMatrix, problems, result, runOnMock } from '../support/harness.ts';

const resourceCases: Array<[string, FaultName, string]> = [
  ['rfc6749', 'resource-accepts-any-bearer', 'resource.bogus-token-rejected'],
  ['tangoe', 'resource-accepts-any-bearer', 'resource.bogus-token-rejected'],
  ['tmobile-naas-v2', 'resource-accepts-any-bearer', 'resource.bogus-token-rejected'],
  ['att', 'resource-no-challenge-on-bogus', 'resource.bogus-token-challenge'],
  ['mobile-digital', 'resource-no-challenge-on-bogus', 'resource.bogus-token-challenge'],
  ['rfc6749', 'resource-lenient-bearer-syntax', 'resource.malformed-token-rejected'],
  ['tangoe', 'resource-no-challenge-on-bogus', 'resource.malformed-token-challenge'],
  ['rfc6749', 'no-www-authenticate', 'resource.malformed-token-challenge'],
  ['att', 'resource-accepts-any-bearer', 'resource.malformed-token-rejected'],
  ['tmobile-naas-v2', 'resource-accepts-alg-none', 'resource.jwt.alg-none-rejected'],
  ['tmobile-apis-v6', 'resource-accepts-alg-none', 'resource.jwt.alg-none-rejected'],
  ['tmobile-naas-v2', 'resource-skips-signature', 'resource.jwt.foreign-key-rejected'],
  ['tmobile-apis-v6', 'resource-skips-signature', 'resource.jwt.claim-changed-rejected'],
  ['tangoe', 'resource-ignores-required-headers', 'resource.required-headers-enforced'],
  ['tangoe', 'ignore-required-headers', 'resource.required-headers-enforced'],
  ['rfc6749', 'resource-rejects-all', 'resource.issued-token-accepted'],
];

const codeCases: Array<[string, FaultName, string]> = [
  ['rfc6749', 'authorize-narrows-scope', 'authorization-code.scope-works-at-resource'],
  ['att', 'authorize-narrows-scope', 'authorization-code.scope-works-at-resource'],
  ['rfc6749', 'scope-escalation', 'authorization-code.granted-scope-within-request'],
  ['rfc6749', 'code-ignores-redirect-uri', 'authorization-code.redirect-uri-mismatch-rejected'],
  ['att', 'code-ignores-redirect-uri', 'authorization-code.redirect-uri-mismatch-rejected'],
  ['rfc6749', 'code-ignores-redirect-uri', 'authorization-code.redirect-uri-absent-rejected'],
];

describe('kill matrix: resource', () => {
  killMatrix(resource, resourceCases, listBundledSpecIds());

  it('the forgery checks are not applicable, with the reason, where the access token is opaque', async () => {
    for (const id of ['resource.jwt.alg-none-rejected', 'resource.jwt.foreign-key-rejected', 'resource.jwt.claim-changed-rejected']) {
      expect(result(await cleanRun(resource, 'rfc6749'), id)).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/opaque/) });
    }
  });

  it('each forged claim is probed, and a failure names the probe', async () => {
    const r = result(await runOnMock(resource, 'tmobile-naas-v2', ['resource-skips-signature']), 'resource.jwt.claim-changed-rejected');
    expect(r.reason).toMatch(/^resource call with a copy of the issued JWS with "scope" changed, signature as issued: expected HTTP 401/);
    // Every probe was sent (scope, exp, aud) and is in the evidence.
    expect(r.evidence?.length).toBe(3);
  });

  it('alg none alone fails only the alg-none check', async () => {
    const r = await runOnMock(resource, 'tmobile-apis-v6', ['resource-accepts-alg-none']);
    expect(result(r, 'resource.jwt.foreign-key-rejected').status).toBe('passed');
    expect(result(r, 'resource.jwt.claim-changed-rejected').status).toBe('passed');
  });

  it('a resource that rejects everything skips the refusals, naming the baseline, instead of passing them', async () => {
    const r = await runOnMock(resource, 'tangoe', ['resource-rejects-all']);
    for (const id of ['resource.bogus-token-rejected', 'resource.malformed-token-rejected', 'resource.required-headers-enforced']) {
      expect(result(r, id)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/resource\.issued-token-accepted/) });
    }
  });

  it('the challenge is skipped, not failed, when the bogus token was accepted', async () => {
    const r = await runOnMock(resource, 'rfc6749', ['resource-accepts-any-bearer']);
    expect(result(r, 'resource.bogus-token-challenge')).toMatchObject({ status: 'skipped' });
  });

  it('no result carries a raw access token or forged copy', async () => {
    const r = await runOnMock(resource, 'tmobile-naas-v2', ['resource-skips-signature', 'resource-accepts-any-bearer']);
    expect(r.some((x) => x.status === 'failed')).toBe(true);
    expect(JSON.stringify(r)).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/);
  });
});

describe('kill matrix: authorization-code', () => {
  killMatrix(authorizationCode, codeCases, listBundledSpecIds());

  it('is not applicable where the spec has no authorization_code grant', async () => {
    expect(await cleanRun(authorizationCode, 'tangoe')).toEqual([expect.objectContaining({ id: 'authorization-code.applicable', status: 'not_applicable' })]);
  });

  it('a code redeemed with the wrong redirect_uri fails naming it; the conforming redemption is the baseline', async () => {
    const r = result(await runOnMock(authorizationCode, 'rfc6749', ['code-ignores-redirect-uri']), 'authorization-code.redirect-uri-absent-rejected');
    expect(r.reason).toMatch(/redemption without redirect_uri .+ expected HTTP 400 with "error" "invalid_grant" .+, or HTTP 400 with "error" "invalid_request"/);
  });

  it('authorize-requires-scope: the harness sends scope, so the authorization-code flows still pass', async () => {
    for (const suite of [authorizationCode, grantTypes, pkce]) {
      expect(problems(await runOnMock(suite, 'rfc6749', ['authorize-requires-scope'])), suite.name).toEqual([]);
    }
  });
});
