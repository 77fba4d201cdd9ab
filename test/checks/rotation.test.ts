/**
 * Self-tests of the rotation checks and the judgements shared with the expiry and revocation checks: each
 * violating input differs from the conforming one in one property, and a failure states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as R from '../../src/checks/rotation.ts';
import { judgeRejection } from '../../src/checks/rejection.ts';
import { loadSpec } from '../../src/spec/load.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const tangoe = loadSpec('tangoe').spec;
const rfc = loadSpec('rfc6749').spec;
const refreshed = { access_token: 'at-2', token_type: 'bearer', expires_in: 172800, refresh_token: 'rt-2' };
const invalidToken = { error: 'invalid_token' };
const invalidGrant = { error: 'invalid_grant' };

describe('ids are kept through the migration to check objects', () => {
  it('names each check as before', () => {
    expect([R.newAccessTokenIssued, R.newRefreshTokenIssued, R.newAccessTokenWorks, R.newRefreshTokenWorks, R.oldAccessTokenRejected, R.oldAccessTokenStillValid, R.oldRefreshTokenRejected, R.oldRefreshTokenStillValid, R.reuseRevokesActiveToken].map((c) => [c.id, c.requirement])).toEqual([
      ['rotation.new-access-token-issued', 'RFC 6749 §6, §5.1'],
      ['rotation.new-refresh-token-issued', 'RFC 9700 §4.14.2 and provider spec refresh.rotatesRefreshToken'],
      ['rotation.new-access-token-works', 'RFC 6749 §6, RFC 6750 §2'],
      ['rotation.new-refresh-token-works', 'RFC 6749 §6'],
      ['rotation.old-access-token-rejected', 'provider spec refresh.invalidatesOldAccessToken'],
      ['rotation.old-access-token-still-valid', 'provider spec refresh.invalidatesOldAccessToken'],
      ['rotation.old-refresh-token-rejected', 'RFC 6749 §5.2, RFC 9700 §4.14.2 and provider spec refresh.invalidatesOldRefreshToken'],
      ['rotation.old-refresh-token-still-valid', 'RFC 6749 §6 and provider spec refresh.invalidatesOldRefreshToken'],
      ['rotation.reuse-revokes-active-refresh-token', 'RFC 9700 §4.14.2'],
    ]);
  });
});

describe('specBasis', () => {
  it('names the citations, else the standard, else the assumption', () => {
    expect(R.specBasis(att.refresh)).toBe('att-api line 95, att-api line 200');
    expect(R.specBasis(att.lifetimes)).toBe('att-api line 34');
    expect(R.specBasis(rfc.refresh)).toMatch(/^RFC 9700 §4\.14\.2/);
    expect(R.specBasis({ assumption: 'nothing is documented here' })).toBe("the spec's stated assumption");
    expect(R.specBasis(undefined)).toBe('provider spec');
  });
});

describe('judgeRefreshSucceeds', () => {
  it('passes HTTP 200 with a new access_token', () => expect(R.judgeRefreshSucceeds(exchange(200, refreshed), 'refresh').status).toBe('passed'));
  it('fails the same body with HTTP 400', () => expectFailure(R.judgeRefreshSucceeds(exchange(400, refreshed), 'refresh'), /^HTTP 200 with a new access_token$/, /^HTTP 400/));
  it('fails HTTP 200 whose access_token is empty', () => expectFailure(R.judgeRefreshSucceeds(exchange(200, { ...refreshed, access_token: '' }), 'refresh'), /access_token/, /"access_token":""/));
  it('fails HTTP 200 whose access_token is not a string', () => expectFailure(R.judgeRefreshSucceeds(exchange(200, { ...refreshed, access_token: 42 }), 'refresh'), /access_token/, /"access_token":42/));
  it('fails HTTP 200 whose access_token is an array (mutation: any value with a length accepted)', () =>
    expectFailure(R.judgeRefreshSucceeds(exchange(200, { ...refreshed, access_token: ['at-2'] }), 'refresh'), /access_token/, /"access_token":\["at-2"\]/));
  it('names RFC 6749 §6 when no other requirement is given', () =>
    expect(R.judgeRefreshSucceeds(exchange(400, refreshed), 'refresh')).toMatchObject({ reason: expect.stringMatching(/^refresh: expected HTTP 200 with a new access_token \(RFC 6749 §6\), observed HTTP 400/) }));
  it('states the request and the requirement', () => {
    const o = R.judgeRefreshSucceeds(exchange(400, invalidGrant), 'refresh', 'att-api line 34');
    expect(o).toMatchObject({ reason: 'refresh: expected HTTP 200 with a new access_token (att-api line 34), observed HTTP 400 with {"error":"invalid_grant"}' });
  });
  it('fails when no response came', () => expectFailure(R.judgeRefreshSucceeds(transportFailure('connection_reset'), 'refresh'), /HTTP 200/, /no response \(connection_reset/));
});

describe('judgeRefusedAtResource', () => {
  const judge = (status: number, expected = 401) => R.judgeRefusedAtResource(exchange(status, invalidToken), expected, 'resource call', 'token revoked', 'RFC 7009 §2');
  it('passes the spec\'s invalid-token status', () => expect(judge(401).status).toBe('passed'));
  it('fails a 200', () => expectFailure(judge(200), /^HTTP 401 \(token revoked\)$/, /^HTTP 200/));
  it('fails a 500 (a server failure is no refusal)', () => expectFailure(judge(500), /^HTTP 401/, /^HTTP 500/));
  it('fails another 4xx than the spec\'s status', () => expectFailure(judge(403), /^HTTP 401/, /^HTTP 403/));
  it('fails a 5xx even where a spec names it as its invalid-token status', () => expectFailure(judge(500, 500), /^HTTP 500/, /^HTTP 500/));
  it('fails when no response came', () => expectFailure(R.judgeRefusedAtResource(transportFailure(), 401, 'resource call', 'expired', 'x'), /HTTP 401/, /no response/));
});

describe('what a refresh returns', () => {
  it('newAccessTokenIssued passes a new access token', () => expect(R.newAccessTokenIssued.evaluate(exchange(200, refreshed), 'at-1').status).toBe('passed'));
  it('newAccessTokenIssued fails the access token that was being refreshed', () =>
    expect(R.newAccessTokenIssued.evaluate(exchange(200, { ...refreshed, access_token: 'at-1' }), 'at-1')).toMatchObject({
      status: 'failed',
      reason: '"access_token" in refresh response: expected a new access token (RFC 6749 §6), observed the access token that was being refreshed',
    }));
  it('newAccessTokenIssued fails the same body with HTTP 400', () =>
    expectFailure(R.newAccessTokenIssued.evaluate(exchange(400, refreshed), 'at-1'), /HTTP 200 with a JSON object body/, /^HTTP 400/));
  it('newAccessTokenIssued fails a non-object body', () =>
    expectFailure(R.newAccessTokenIssued.evaluate(exchange(200, [refreshed]), 'at-1'), /JSON object body/, /^HTTP 200 with \[/));
  it('newAccessTokenIssued fails an absent access_token', () => {
    const { access_token: _drop, ...noAt } = refreshed;
    expectFailure(R.newAccessTokenIssued.evaluate(exchange(200, noAt), 'at-1'), /a non-empty string/, /^\(absent\)$/);
  });
  it('newAccessTokenIssued fails an empty access_token', () =>
    expectFailure(R.newAccessTokenIssued.evaluate(exchange(200, { ...refreshed, access_token: '' }), 'at-1'), /a non-empty string/, /^""$/));

  it('newAccessTokenIssued names the request or field it judged and the RFC 6749 §5.1 rule', () => {
    expect(R.newAccessTokenIssued.evaluate(exchange(400, refreshed), 'at-1')).toMatchObject({ field: 'refresh response', reason: expect.stringContaining('(RFC 6749 §5.1)') });
    const { access_token: _drop, ...noAt } = refreshed;
    expect(R.newAccessTokenIssued.evaluate(exchange(200, noAt), 'at-1')).toMatchObject({ field: '"access_token" in refresh response', reason: expect.stringContaining('(RFC 6749 §5.1)') });
  });
  it('newRefreshTokenIssued names the field when the refresh token did not change', () =>
    expect(R.newRefreshTokenIssued.evaluate(exchange(200, { ...refreshed, refresh_token: 'rt-1' }), 'rt-1', 'b')).toMatchObject({ field: '"refresh_token" in refresh response' }));

  it('newRefreshTokenIssued passes a new refresh token', () => expect(R.newRefreshTokenIssued.evaluate(exchange(200, refreshed), 'rt-1', 'att-api line 95').status).toBe('passed'));
  it('newRefreshTokenIssued fails an absent refresh_token', () => {
    const { refresh_token: _drop, ...noRt } = refreshed;
    expect(R.newRefreshTokenIssued.evaluate(exchange(200, noRt), 'rt-1', 'att-api line 95')).toMatchObject({
      status: 'failed',
      reason: '"refresh_token" in refresh response: expected a new refresh token (rotation) (att-api line 95), observed (absent)',
    });
  });
  it('newRefreshTokenIssued fails the refresh token that was just used', () =>
    expectFailure(R.newRefreshTokenIssued.evaluate(exchange(200, { ...refreshed, refresh_token: 'rt-1' }), 'rt-1', 'b'), /rotation/, /^the refresh token that was just used$/));
  it('newRefreshTokenIssued fails an empty refresh_token', () =>
    expectFailure(R.newRefreshTokenIssued.evaluate(exchange(200, { ...refreshed, refresh_token: '' }), 'rt-1', 'b'), /rotation/, /^""$/));

  it('newAccessTokenWorks passes a 2xx and fails a 401', () => {
    expect(R.newAccessTokenWorks.evaluate(exchange(200, { ok: true })).status).toBe('passed');
    expectFailure(R.newAccessTokenWorks.evaluate(exchange(401, { ok: true })), /2xx/, /^HTTP 401/);
  });

  it('newRefreshTokenWorks passes a refresh that succeeds', () => expect(R.newRefreshTokenWorks.evaluate(exchange(200, refreshed)).status).toBe('passed'));
  it('newRefreshTokenWorks fails the same body with HTTP 400', () =>
    expect(R.newRefreshTokenWorks.evaluate(exchange(400, invalidGrant))).toMatchObject({
      status: 'failed',
      reason: 'refresh with the rotated refresh token: expected HTTP 200 with a new access_token (RFC 6749 §6), observed HTTP 400 with {"error":"invalid_grant"}',
    }));
});

describe('oldAccessTokenRejected (AT&T, att-api line 95)', () => {
  const judge = (status: number) => R.oldAccessTokenRejected.evaluate(exchange(status, invalidToken), 401, 'att-api line 95');
  it('passes the spec\'s invalid-token status, 401', () => expect(judge(401).status).toBe('passed'));
  it('fails a 200 against the passing 401', () =>
    expect(judge(200)).toMatchObject({
      status: 'failed',
      field: 'resource call with the access token of the refreshed pair',
      reason: 'resource call with the access token of the refreshed pair: expected HTTP 401 (invalidated by the refresh) (att-api line 95), observed HTTP 200 with {"error":"invalid_token"}',
    }));
  it('fails a 500 against the passing 401 (mutation: any status >= 400 accepted)', () => expectFailure(judge(500), /^HTTP 401/, /^HTTP 500/));
  it('fails a 403 against the passing 401 (mutation: any 4xx accepted)', () => expectFailure(judge(403), /^HTTP 401/, /^HTTP 403/));
});

describe('what a refresh does to the old pair', () => {
  it('oldAccessTokenStillValid (Tangoe assumption) passes a 2xx', () => expect(R.oldAccessTokenStillValid.evaluate(exchange(200, { ok: true }), 'tangoe line 7').status).toBe('passed'));
  it('oldAccessTokenStillValid fails the same body with 401', () =>
    expect(R.oldAccessTokenStillValid.evaluate(exchange(401, { ok: true }), 'tangoe line 7')).toMatchObject({
      status: 'failed',
      reason: 'resource call with the access token issued before the refresh: expected a 2xx (still valid until it expires) (tangoe line 7), observed HTTP 401 with {"ok":true}',
    }));
  it('oldAccessTokenStillValid fails a 1xx (only 2xx is acceptance)', () => expectFailure(R.oldAccessTokenStillValid.evaluate(exchange(199, { ok: true }), 'b'), /2xx/, /^HTTP 199/));
  it('oldAccessTokenStillValid fails when no response came', () => expectFailure(R.oldAccessTokenStillValid.evaluate(transportFailure(), 'b'), /2xx/, /no response/));
  it('oldAccessTokenStillValid fails a 3xx (only 2xx is acceptance)', () => expectFailure(R.oldAccessTokenStillValid.evaluate(exchange(300, { ok: true }), 'b'), /2xx/, /^HTTP 300/));

  it('oldRefreshTokenRejected passes the documented 400 invalid_grant', () => expect(R.oldRefreshTokenRejected.evaluate(exchange(400, invalidGrant), att, 'att-api line 95').status).toBe('passed'));
  it('oldRefreshTokenRejected fails the same body with HTTP 200', () =>
    expect(R.oldRefreshTokenRejected.evaluate(exchange(200, invalidGrant), att, 'att-api line 95')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^second refresh with the refresh token already used: expected HTTP 400 with "error" "invalid_grant" and no access_token \(RFC 6749 §5\.2; att-api line 95, provider spec errors\.cases\.invalid_grant\), observed HTTP 200/),
    }));
  it('oldRefreshTokenRejected fails the documented status and code when a token is issued as well', () =>
    expectFailure(R.oldRefreshTokenRejected.evaluate(exchange(400, { ...invalidGrant, access_token: 'x' }), att, 'b'), /no access_token/, /access_token/));

  it('oldRefreshTokenStillValid (Tangoe, tangoe line 7) passes a refresh that succeeds', () => {
    expect(tangoe.refresh?.invalidatesOldRefreshToken).toBe(false);
    expect(R.oldRefreshTokenStillValid.evaluate(exchange(200, refreshed), 'tangoe line 7').status).toBe('passed');
  });
  it('oldRefreshTokenStillValid fails the same body with HTTP 400', () =>
    expect(R.oldRefreshTokenStillValid.evaluate(exchange(400, refreshed), 'tangoe line 7')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^second refresh with the same refresh token: expected HTTP 200 with a new access_token \(tangoe line 7\), observed HTTP 400/),
    }));

  it('reuseRevokesActiveToken passes 400 invalid_grant', () => expect(R.reuseRevokesActiveToken.evaluate(exchange(400, invalidGrant), rfc).status).toBe('passed'));
  it('reuseRevokesActiveToken fails the same body with HTTP 200', () =>
    expect(R.reuseRevokesActiveToken.evaluate(exchange(200, invalidGrant), rfc)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^refresh with the active refresh token after the rotated one was replayed: expected HTTP 400 .* \(RFC 9700 §4\.14\.2, provider spec errors\.cases\.invalid_grant\), observed HTTP 200/),
    }));
});

describe('refused refreshes follow the one rejection rule', () => {
  const undocumented: ProviderSpec = { ...att, errors: { ...att.errors, cases: {} } };
  it('an undocumented invalid_grant case is judged by RFC 6749 §5.2: a 400 invalid_grant passes, a 401 or a 500 does not', () => {
    expect(R.oldRefreshTokenRejected.evaluate(exchange(400, invalidGrant), undocumented, 'b').status).toBe('passed');
    expectFailure(R.oldRefreshTokenRejected.evaluate(exchange(401, invalidGrant), undocumented, 'b'), /HTTP 400/, /^HTTP 401/);
    expectFailure(R.oldRefreshTokenRejected.evaluate(exchange(500, invalidGrant), undocumented, 'b'), /HTTP 400/, /^HTTP 500/);
  });

  it('gives judgeRejection\'s verdict on any response', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), fc.constantFrom(att, rfc, undocumented), (status, body, spec) => {
        const ex = exchange(status, body);
        const rule = judgeRejection(ex, spec, 'invalid_grant', 'w').status;
        expect(R.oldRefreshTokenRejected.evaluate(ex, spec, 'b').status).toBe(rule);
        expect(R.reuseRevokesActiveToken.evaluate(ex, spec).status).toBe(rule);
      }),
    );
  });
});

describe('properties', () => {
  it('the rotation checks never throw on arbitrary responses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), (status, body) => {
        const ex = exchange(status, body);
        for (const o of [
          R.newAccessTokenIssued.evaluate(ex, 'old'),
          R.newRefreshTokenIssued.evaluate(ex, 'old', 'b'),
          R.oldAccessTokenRejected.evaluate(ex, 401, 'b'),
          R.oldRefreshTokenRejected.evaluate(ex, att, 'b'),
          R.judgeRefreshSucceeds(ex, 'w'),
        ]) {
          expect(['passed', 'failed']).toContain(o.status);
        }
      }),
    );
  });
});

describe('what the RFCs leave to the server (issue 8 item 2)', () => {
  const publicRfc: ProviderSpec = { ...rfc, clientAuth: { ...rfc.clientAuth, methods: ['none'] } };
  it('refreshPolicyRule: a provider citation binds (MUST), whatever the client', () => {
    expect(R.refreshPolicyRule(att, 'invalidatesOldRefreshToken', false)).toEqual({ severity: 'MUST' });
    expect(R.refreshPolicyRule(att, 'invalidatesOldAccessToken', false)).toEqual({ severity: 'MUST' });
  });
  it('refreshPolicyRule: the RFC profile makes rotation optional for a confidential client and a SHOULD for a public one', () => {
    expect(R.refreshPolicyRule(rfc, 'invalidatesOldRefreshToken', false)).toMatchObject({ severity: 'MUST', optional: expect.stringContaining('MAY revoke the old refresh token') });
    expect(R.refreshPolicyRule(publicRfc, 'invalidatesOldRefreshToken', true)).toEqual({ severity: 'SHOULD' });
    expect(R.refreshPolicyRule(rfc, 'invalidatesOldAccessToken', true)).toMatchObject({ severity: 'MUST', optional: expect.stringContaining('RFC 6749 §6 sets no rule for the access token') });
  });
  it('refreshPolicyRule: the optional reason for a confidential client quotes both RFCs', () => {
    const { optional: reason } = R.refreshPolicyRule(rfc, 'rotatesRefreshToken', false);
    expect(reason).toContain(R.RFC6749_ROTATION_MAY);
    expect(reason).toContain(R.RFC9700_PUBLIC_ONLY);
    expect(R.RFC9700_PUBLIC_ONLY).toContain('only "for public clients"');
  });
  // Read inside each test, not while the file is collected: a mutant that breaks refreshPolicyRule must fail a test,
  // and a file that fails to load counts as no failure for Stryker (docs/mutation.md).
  const optional = (): string | undefined => R.refreshPolicyRule(rfc, 'invalidatesOldRefreshToken', false).optional;
  it('oldRefreshTokenRejected: a used refresh token that still works is not applicable where the rotation is optional', () => {
    expect(R.oldRefreshTokenRejected.evaluate(exchange(200, refreshed), rfc, 'RFC 9700 §4.14.2', optional())).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/observed: the used refresh token still works \(HTTP 200/) });
    // The same answer where rotation is binding is a failure.
    expectFailure(R.oldRefreshTokenRejected.evaluate(exchange(200, refreshed), rfc, 'RFC 9700 §4.14.2'), /invalid_grant/, /^HTTP 200/);
  });
  it('oldRefreshTokenRejected: a refusal with the wrong status still fails where the rotation is optional', () =>
    expectFailure(R.oldRefreshTokenRejected.evaluate(exchange(500, invalidGrant), rfc, 'b', optional()), /invalid_grant/, /^HTTP 500/));
  it('newRefreshTokenIssued: no new refresh token is not applicable where the rotation is optional; a new one passes', () => {
    const { refresh_token: _rt, ...noRt } = refreshed;
    expect(R.newRefreshTokenIssued.evaluate(exchange(200, noRt), 'rt-1', 'b', optional())).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/observed: the refresh returned no refresh token$/) });
    expect(R.newRefreshTokenIssued.evaluate(exchange(200, { ...refreshed, refresh_token: 'rt-1' }), 'rt-1', 'b', optional())).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/the same refresh token$/) });
    expect(R.newRefreshTokenIssued.evaluate(exchange(200, refreshed), 'rt-1', 'b', optional()).status).toBe('passed');
    // regression: an empty or non-string refresh_token was reported as "the same refresh token"
    expect(R.newRefreshTokenIssued.evaluate(exchange(200, { ...refreshed, refresh_token: '' }), 'rt-1', 'b', optional())).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/observed: the refresh returned "refresh_token" ""$/) });
    expect(R.newRefreshTokenIssued.evaluate(exchange(200, { ...refreshed, refresh_token: 5 }), 'rt-1', 'b', optional())).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/observed: the refresh returned "refresh_token" 5$/) });
  });
});
