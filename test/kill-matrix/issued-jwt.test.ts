/**
 * Kill matrix for the issued-JWT suite: a mock whose expires_in disagrees with the JWT it issued fails the
 * lifetime check; every bundled spec's clean mock passes the whole suite (or finds it not applicable).
 */
import { describe, expect, it } from 'vitest';
import issuedJwt from '../../suites/issued-jwt.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { cleanRun, killMatrix, result, runOnMock } from '../support/harness.ts';

describe('kill matrix: issued JWTs', () => {
  killMatrix(issuedJwt, [
    ['tmobile-naas-v2', 'jwt-header-not-json', 'jwt.access-token.decodes'],
    ['tmobile-apis-v6', 'jwt-header-not-json', 'jwt.id-token.decodes'],
    ['tmobile-naas-v2', 'jwt-expired-on-issue', 'jwt.access-token.times-current'],
    ['tmobile-apis-v6', 'jwt-expired-on-issue', 'jwt.id-token.times-current'],
    ['tmobile-naas-v2', 'jwt-id-token-no-sub', 'jwt.id-token.required-claims'],
    ['tmobile-naas-v2', 'expires-in-wrong', 'jwt.access-token.lifetime-matches-expires-in'],
    ['tmobile-apis-v6', 'expires-in-wrong', 'jwt.access-token.lifetime-matches-expires-in'],
    ['tmobile-naas-v2', 'jwt-bad-signature', 'jwt.access-token.signature-verifies'],
    ['tmobile-apis-v6', 'jwt-bad-signature', 'jwt.id-token.signature-verifies'],
    ['tmobile-naas-v2', 'jwt-wrong-issuer', 'jwt.access-token.issuer-matches'],
    ['tmobile-apis-v6', 'jwt-wrong-issuer', 'jwt.id-token.issuer-matches'],
    ['tmobile-naas-v2', 'jwt-wrong-audience', 'jwt.id-token.audience-is-client'],
  ], listBundledSpecIds());

  it('the lifetime message compares the string expires_in numerically', async () => {
    const r = result(await runOnMock(issuedJwt, 'tmobile-naas-v2', ['expires-in-wrong']), 'jwt.access-token.lifetime-matches-expires-in');
    expect(r.reason).toContain('"exp" - "iat" in access_token: expected expires_in "60" (60 s) give or take 2 s');
    expect(r.reason).toContain('observed 3599 s');
  });

  it.each(listBundledSpecIds())('%s: the suite runs in full on JWT specs and is not applicable elsewhere', async (spec) => {
    const results = await cleanRun(issuedJwt, spec);
    if (spec.startsWith('tmobile')) {
      expect(results.filter((r) => r.status === 'passed').map((r) => r.id)).toEqual([
        'jwt.access-token.decodes', 'jwt.access-token.signature-verifies', 'jwt.access-token.times-current', 'jwt.access-token.issuer-matches',
        'jwt.access-token.lifetime-matches-expires-in', 'jwt.id-token.decodes', 'jwt.id-token.signature-verifies', 'jwt.id-token.times-current',
        'jwt.id-token.issuer-matches', 'jwt.id-token.required-claims', 'jwt.id-token.audience-is-client',
      ]);
    } else {
      expect(results.map((r) => [r.id, r.status])).toEqual([['issued-jwt.applicable', 'not_applicable']]);
    }
  });
});
