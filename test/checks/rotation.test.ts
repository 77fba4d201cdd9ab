/**
 * Self-tests of the rotation checks and the refresh factories: each with a conforming and a violating input,
 * asserting the status and that the message states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as R from '../../src/checks/rotation.ts';
import type { Outcome } from '../../src/checks/check.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const tangoe = loadSpec('tangoe').spec;
const rfc = loadSpec('rfc6749').spec;
const reason = (o: Outcome) => (o.status === 'passed' ? '' : o.reason);
const refreshed = { access_token: 'at-2', token_type: 'bearer', expires_in: 172800, refresh_token: 'rt-2' };

describe('specBasis', () => {
  it('names the citations, else the standard, else the assumption', () => {
    expect(R.specBasis(att.refresh)).toBe('att-api line 95, att-api line 200');
    expect(R.specBasis(att.lifetimes)).toBe('att-api line 34');
    expect(R.specBasis(rfc.refresh)).toMatch(/^RFC 9700 §4\.14\.2/);
    expect(R.specBasis({ assumption: 'nothing is documented here' })).toBe("the spec's stated assumption");
    expect(R.specBasis(undefined)).toBe('provider spec');
  });
});

describe('refresh factories', () => {
  it('checkRefreshSucceeds', () => {
    expect(R.checkRefreshSucceeds(exchange(200, refreshed), 'refresh').status).toBe('passed');
    expect(reason(R.checkRefreshSucceeds(exchange(200, { token_type: 'bearer' }), 'refresh'))).toMatch(/^refresh: expected HTTP 200 with a new access_token \(RFC 6749 §6\), observed HTTP 200 with/);
    expect(reason(R.checkRefreshSucceeds(transportFailure('connection_reset'), 'refresh'))).toMatch(/observed no response \(connection_reset/);
  });

  it('checkRefreshRejected uses the spec\'s invalid_grant case', () => {
    expect(R.checkRefreshRejected(exchange(400, { error: 'invalid_grant' }), att, 'reuse').status).toBe('passed');
    const r = R.checkRefreshRejected(exchange(401, { error: 'invalid_client' }), att, 'reuse', 'att-api line 95');
    expect(r).toMatchObject({ status: 'failed', expected: 'HTTP 400 with error "invalid_grant" and no token', observed: 'HTTP 401 with {"error":"invalid_client"}' });
    expect(reason(r)).toBe('reuse: expected HTTP 400 with error "invalid_grant" and no token (att-api line 95), observed HTTP 401 with {"error":"invalid_client"}');
    // an error body that still carries a token is not a rejection
    expect(R.checkRefreshRejected(exchange(400, { error: 'invalid_grant', access_token: 'x' }), att, 'reuse').status).toBe('failed');
  });
});

describe('what a refresh returns', () => {
  it('newAccessTokenIssued', () => {
    expect(R.checkNewAccessTokenIssued(exchange(200, refreshed), 'at-1').status).toBe('passed');
    expect(reason(R.checkNewAccessTokenIssued(exchange(200, { ...refreshed, access_token: 'at-1' }), 'at-1')))
      .toBe('"access_token" in refresh response: expected a new access token (RFC 6749 §6), observed the access token that was being refreshed');
    expect(reason(R.checkNewAccessTokenIssued(exchange(400, { error: 'invalid_grant' }), 'at-1'))).toMatch(/^refresh response: expected HTTP 200 with a JSON object body .* observed HTTP 400/);
    expect(reason(R.checkNewAccessTokenIssued(exchange(200, { token_type: 'bearer' }), 'at-1'))).toMatch(/expected a non-empty string .* observed \(absent\)/);
  });

  it('newRefreshTokenIssued', () => {
    expect(R.checkNewRefreshTokenIssued(exchange(200, refreshed), 'rt-1', 'att-api line 95').status).toBe('passed');
    const { refresh_token: _drop, ...noRt } = refreshed;
    expect(reason(R.checkNewRefreshTokenIssued(exchange(200, noRt), 'rt-1', 'att-api line 95')))
      .toBe('"refresh_token" in refresh response: expected a new refresh token (rotation) (att-api line 95), observed (absent)');
    expect(reason(R.checkNewRefreshTokenIssued(exchange(200, { ...refreshed, refresh_token: 'rt-1' }), 'rt-1', 'att-api line 95'))).toMatch(/observed the refresh token that was just used$/);
  });

  it('newRefreshTokenWorks', () => {
    expect(R.checkNewRefreshTokenWorks(exchange(200, refreshed)).status).toBe('passed');
    expect(reason(R.checkNewRefreshTokenWorks(exchange(400, { error: 'invalid_grant' })))).toBe(
      'refresh with the rotated refresh token: expected HTTP 200 with a new access_token (RFC 6749 §6), observed HTTP 400 with {"error":"invalid_grant"}');
  });
});

describe('what a refresh does to the old pair', () => {
  it('oldAccessTokenRejected (AT&T, att-api line 95)', () => {
    expect(R.checkOldAccessTokenRejected(exchange(401, { error: 'invalid_token' }), 401, 'att-api line 95').status).toBe('passed');
    expect(reason(R.checkOldAccessTokenRejected(exchange(200, { ok: true }), 401, 'att-api line 95'))).toBe(
      'resource call with the access token of the refreshed pair: expected HTTP 401 (invalidated by the refresh) (att-api line 95), observed HTTP 200 with {"ok":true}');
  });

  it('oldAccessTokenStillValid (Tangoe assumption)', () => {
    expect(R.checkOldAccessTokenStillValid(exchange(200, { ok: true }), 'tangoe line 7').status).toBe('passed');
    expect(reason(R.checkOldAccessTokenStillValid(exchange(401, { error: 'invalid_token' }), 'tangoe line 7'))).toMatch(
      /^resource call with the access token issued before the refresh: expected a 2xx \(still valid until it expires\) \(tangoe line 7\), observed HTTP 401/);
  });

  it('oldRefreshTokenRejected', () => {
    expect(R.checkOldRefreshTokenRejected(exchange(400, { error: 'invalid_grant' }), att, 'att-api line 95').status).toBe('passed');
    expect(reason(R.checkOldRefreshTokenRejected(exchange(200, refreshed), att, 'att-api line 95'))).toMatch(
      /^second refresh with the refresh token already used: expected HTTP 400 with error "invalid_grant" and no token \(RFC 6749 §5\.2; att-api line 95\), observed HTTP 200/);
  });

  it('oldRefreshTokenStillValid (Tangoe, tangoe line 7)', () => {
    expect(R.checkOldRefreshTokenStillValid(exchange(200, { access_token: 'at-3', token_type: 'Bearer' }), 'tangoe line 7').status).toBe('passed');
    expect(reason(R.checkOldRefreshTokenStillValid(exchange(400, { error: 'invalid_grant' }), 'tangoe line 7'))).toBe(
      'second refresh with the same refresh token: expected HTTP 200 with a new access_token (tangoe line 7), observed HTTP 400 with {"error":"invalid_grant"}');
    expect(tangoe.refresh?.invalidatesOldRefreshToken).toBe(false);
  });

  it('reuseRevokesActiveToken', () => {
    expect(R.checkReuseRevokesActiveToken(exchange(400, { error: 'invalid_grant' }), rfc).status).toBe('passed');
    expect(reason(R.checkReuseRevokesActiveToken(exchange(200, refreshed), rfc))).toMatch(
      /^refresh with the active refresh token after the rotated one was replayed: expected HTTP 400 .* \(RFC 9700 §4\.14\.2\), observed HTTP 200/);
  });
});

describe('properties', () => {
  it('the refresh checks never throw on arbitrary responses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), (status, body) => {
        const ex = exchange(status, body);
        for (const o of [R.checkNewAccessTokenIssued(ex, 'old'), R.checkNewRefreshTokenIssued(ex, 'old', 'b'), R.checkRefreshRejected(ex, att, 'w'), R.checkRefreshSucceeds(ex, 'w')]) {
          expect(['passed', 'failed']).toContain(o.status);
        }
      }),
    );
  });
});
