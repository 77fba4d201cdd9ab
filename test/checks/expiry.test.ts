/**
 * Self-tests of the expiry checks: each violating input differs from the conforming one in one property, and a
 * failure states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from '../../src/checks/expiry.ts';
import { judgeRejection } from '../../src/checks/rejection.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const rfc = loadSpec('rfc6749').spec;
const issued = { access_token: 'a', token_type: 'bearer', expires_in: 3600 };

describe('ids are kept through the migration to check objects', () => {
  it('names each check as before', () => {
    expect([E.expiresInPresent, E.expiresInHasDeclaredType, E.expiresInMatchesDocumented, E.accessTokenAcceptedBeforeExpiry, E.accessTokenRejectedAfterExpiry, E.expiredTokenChallenge, E.expiredTokenErrorCode, E.refreshTokenAcceptedBeforeExpiry, E.refreshTokenRejectedAfterExpiry].map((c) => c.id)).toEqual([
      'expiry.expires-in-present', 'expiry.expires-in-declared-type', 'expiry.expires-in-matches-documented', 'expiry.access-token.accepted-before-expiry',
      'expiry.access-token.rejected-after-expiry', 'expiry.access-token.www-authenticate', 'expiry.access-token.invalid-token-challenge',
      'expiry.refresh-token.accepted-before-expiry', 'expiry.refresh-token.rejected-after-expiry',
    ]);
  });
});

describe('expiresInSeconds', () => {
  it('reads numbers and numeric strings, nothing else', () => {
    expect(E.expiresInSeconds(exchange(200, { expires_in: 172800 }))).toBe(172800);
    expect(E.expiresInSeconds(exchange(200, { expires_in: '3599' }))).toBe(3599);
    expect(E.expiresInSeconds(exchange(200, { expires_in: 0 }))).toBe(0);
    for (const v of [-1, 1.5, '1h', '', '-1', null, true, [3600]]) expect(E.expiresInSeconds(exchange(200, { expires_in: v }))).toBeUndefined();
  });
});

describe('expiresInPresent', () => {
  it('passes a token response with expires_in', () => expect(E.expiresInPresent.evaluate(exchange(200, issued)).status).toBe('passed'));
  it('fails the same response without expires_in', () => {
    const { expires_in: _drop, ...noExpiry } = issued;
    expect(E.expiresInPresent.evaluate(exchange(200, noExpiry))).toMatchObject({
      status: 'failed',
      field: '"expires_in" in token response',
      expected: 'the access token lifetime in seconds',
      observed: '(absent)',
      reason: '"expires_in" in token response: expected the access token lifetime in seconds (RFC 6749 §5.1), observed (absent)',
    });
  });
  it('fails the same members in an array instead of an object', () => expectFailure(E.expiresInPresent.evaluate(exchange(200, [issued])), /a JSON object/, /^HTTP 200 with \[/));
  it('fails when no response came', () => expectFailure(E.expiresInPresent.evaluate(transportFailure()), /a JSON object/, /no response \(timeout/));
});

describe('expiresInHasDeclaredType', () => {
  const judge = (v: unknown, declared: 'number' | 'numeric-string') => E.expiresInHasDeclaredType.evaluate(exchange(200, { ...issued, expires_in: v }), declared);
  it('number: passes a non-negative integer', () => {
    expect(judge(172800, 'number').status).toBe('passed');
    expect(judge(0, 'number').status).toBe('passed');
  });
  it('number: fails the same digits as a string', () =>
    expect(judge('172800', 'number')).toMatchObject({
      status: 'failed',
      reason: '"expires_in" in token response: expected a non-negative integer number (RFC 6749 §5.1), observed the string "172800"',
    }));
  it('number: fails a negative number', () => expectFailure(judge(-5, 'number'), /non-negative integer/, /the number -5/));
  it('number: fails a fraction', () => expectFailure(judge(1.5, 'number'), /non-negative integer/, /the number 1\.5/));
  it('numeric-string (T-Mobile "3599"): passes a string of digits', () => expect(judge('3599', 'numeric-string').status).toBe('passed'));
  it('numeric-string: fails the same value as a number', () => expectFailure(judge(3599, 'numeric-string'), /a JSON string of digits \(numeric-string\)/, /the number 3599/));
  it('numeric-string: fails a string with a trailing non-digit', () => expectFailure(judge('3599s', 'numeric-string'), /string of digits/, /"3599s"/));
  it('numeric-string: fails a string with a leading non-digit', () =>
    expect(judge('s3599', 'numeric-string')).toMatchObject({
      status: 'failed',
      field: '"expires_in" in token response',
      reason: '"expires_in" in token response: expected a JSON string of digits (numeric-string) (provider spec tokenResponse.fields.expires_in), observed the string "s3599"',
    }));
  it('numeric-string: fails an empty string', () => expectFailure(judge('', 'numeric-string'), /string of digits/, /""/));
  it('is not applicable when expires_in is absent', () =>
    expect(E.expiresInHasDeclaredType.evaluate(exchange(200, {}), 'number')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/absent/) }));
});

describe('expiresInMatchesDocumented', () => {
  const judge = (v: unknown, documented = 172800) => E.expiresInMatchesDocumented.evaluate(exchange(200, { ...issued, expires_in: v }), documented, 'att-api line 34');
  it('passes the documented lifetime, as a number or a numeric string', () => {
    expect(judge(172800).status).toBe('passed');
    expect(judge('3599', 3599).status).toBe('passed');
  });
  it('fails another lifetime', () =>
    expect(judge(60)).toMatchObject({ status: 'failed', reason: '"expires_in" in token response: expected 172800 seconds (att-api line 34), observed 60 (60 seconds)' }));
  it('fails a lifetime one second off', () => expectFailure(judge(172799), /^172800 seconds$/, /172799/));
  it('is not applicable when expires_in is not a number of seconds, or absent', () => {
    expect(judge('soon').status).toBe('not_applicable');
    expect(E.expiresInMatchesDocumented.evaluate(exchange(200, {}), 3600, 'md line 74').status).toBe('not_applicable');
  });
});

describe('access tokens at the resource', () => {
  it('accessTokenAcceptedBeforeExpiry passes a 2xx', () => {
    expect(E.accessTokenAcceptedBeforeExpiry.evaluate(exchange(200, { ok: true }), 3590, 3600).status).toBe('passed');
    expect(E.accessTokenAcceptedBeforeExpiry.evaluate(exchange(299, { ok: true }), 3590, 3600).status).toBe('passed');
  });
  it('accessTokenAcceptedBeforeExpiry fails the same body with 401', () =>
    expect(E.accessTokenAcceptedBeforeExpiry.evaluate(exchange(401, { ok: true }), 3590, 3600)).toMatchObject({
      status: 'failed',
      reason: 'resource call 3590 s into the access token\'s 3600 s lifetime: expected a 2xx (token still valid) (RFC 6749 §5.1), observed HTTP 401 with {"ok":true}',
    }));
  it('accessTokenAcceptedBeforeExpiry fails a 3xx', () => expectFailure(E.accessTokenAcceptedBeforeExpiry.evaluate(exchange(300, { ok: true }), 3590, 3600), /2xx/, /^HTTP 300/));

  const rejected = (status: number, invalidStatus = 401) => E.accessTokenRejectedAfterExpiry.evaluate(exchange(status, { error: 'invalid_token' }), invalidStatus, 172802, 172800, 'RFC 6750 §3.1; att-faq line 185');
  it('accessTokenRejectedAfterExpiry passes the spec\'s invalid-token status, 401', () => expect(rejected(401).status).toBe('passed'));
  it('accessTokenRejectedAfterExpiry fails a 200 against the passing 401', () => {
    const r = rejected(200);
    expect(r).toMatchObject({ status: 'failed', expected: 'HTTP 401 (token expired)', observed: 'HTTP 200 with {"error":"invalid_token"}' });
    expectFailure(r, /^HTTP 401/, /^HTTP 200/);
    expect(r.status === 'failed' && r.reason).toMatch(/^resource call 172802 s after issue \(lifetime 172800 s\): expected HTTP 401 .*att-faq line 185\), observed HTTP 200/);
  });
  it('accessTokenRejectedAfterExpiry fails a 500 against the passing 401 (a server failure is no rejection)', () => expectFailure(rejected(500), /^HTTP 401/, /^HTTP 500/));
  it('accessTokenRejectedAfterExpiry fails a 403 against the passing 401', () => expectFailure(rejected(403), /^HTTP 401/, /^HTTP 403/));

  const challenged = (header: string | undefined) => E.expiredTokenChallenge.evaluate(exchange(401, {}, header === undefined ? {} : { 'www-authenticate': header }), 'Bearer');
  it('expiredTokenChallenge passes a Bearer challenge, in any case', () => {
    expect(challenged('Bearer realm="x", error="invalid_token"').status).toBe('passed');
    expect(challenged('bearer error="invalid_token"').status).toBe('passed');
  });
  it('expiredTokenChallenge fails the same challenge with the Basic scheme', () => expectFailure(challenged('Basic realm="x", error="invalid_token"'), /the Bearer scheme/, /^"Basic realm/));
  it('expiredTokenChallenge fails a missing header', () =>
    expect(challenged(undefined)).toMatchObject({
      status: 'failed',
      reason: '"WWW-Authenticate" header on the rejection: expected a challenge with the Bearer scheme (RFC 6750 §3), observed (absent)',
    }));
  it('expiredTokenChallenge fails a scheme that only starts with Bearer', () => expectFailure(challenged('BearerX realm="x"'), /Bearer scheme/, /BearerX/));

  const coded = (error: string) => E.expiredTokenErrorCode.evaluate(exchange(401, {}, { 'www-authenticate': `Bearer realm="x", error="${error}"` }), 401);
  it('expiredTokenErrorCode passes error="invalid_token"', () => expect(coded('invalid_token').status).toBe('passed'));
  it('expiredTokenErrorCode fails the same challenge with error="invalid_request"', () => expectFailure(coded('invalid_request'), /error="invalid_token"/, /invalid_request/));
});

describe('refresh tokens', () => {
  const refreshed = { access_token: 'new', refresh_token: 'r2', token_type: 'bearer' };
  const early = (status: number, body: unknown) => E.refreshTokenAcceptedBeforeExpiry.evaluate(exchange(status, body), 7775990, 7776000, 'att-api line 34');
  it('refreshTokenAcceptedBeforeExpiry passes a refresh that succeeds', () => expect(early(200, refreshed).status).toBe('passed'));
  it('refreshTokenAcceptedBeforeExpiry fails the same body with 400', () =>
    expect(early(400, refreshed)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^refresh with a refresh token 7775990 s into its 7776000 s lifetime: expected HTTP 200 with a new access_token \(att-api line 34\), observed HTTP 400/),
    }));
  it('refreshTokenAcceptedBeforeExpiry fails a 200 with an empty access_token', () => expectFailure(early(200, { ...refreshed, access_token: '' }), /new access_token/, /^HTTP 200/));

  const late = (status: number, body: unknown, spec = att) => E.refreshTokenRejectedAfterExpiry.evaluate(exchange(status, body), spec, 7776002, 7776000, 'att-api line 34');
  it('refreshTokenRejectedAfterExpiry passes the documented 400 invalid_grant', () => expect(late(400, { error: 'invalid_grant' }).status).toBe('passed'));
  it('refreshTokenRejectedAfterExpiry fails the same body with 200', () => {
    const r = late(200, { error: 'invalid_grant' });
    expect(r).toMatchObject({ status: 'failed', expected: 'HTTP 400 with "error" "invalid_grant" and no access_token', observed: 'HTTP 200 with {"error":"invalid_grant"}' });
    expect(r.status === 'failed' && r.reason).toMatch(/^refresh with a refresh token 7776002 s old \(lifetime 7776000 s\): expected .*\(RFC 6749 §5\.2; att-api line 34, provider spec errors\.cases\.invalid_grant\), observed/);
  });
  it('refreshTokenRejectedAfterExpiry fails the documented status with another code', () => expectFailure(late(400, { error: 'invalid_request' }), /invalid_grant/, /invalid_request/));
  it('refreshTokenRejectedAfterExpiry fails the documented answer when it issues a token as well', () =>
    expectFailure(late(400, { error: 'invalid_grant', access_token: 'new' }), /no access_token/, /"access_token":"new"/));
  it('refreshTokenRejectedAfterExpiry gives judgeRejection\'s verdict on any response', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), fc.constantFrom(att, rfc), (status, body, spec) => {
        expect(late(status, body, spec).status).toBe(judgeRejection(exchange(status, body), spec, 'invalid_grant', 'w').status);
      }),
    );
  });
});

describe('properties', () => {
  it('the expires_in checks never throw on arbitrary JSON bodies', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 1e9 }), (body, documented) => {
        const ex = exchange(200, body);
        for (const o of [
          E.expiresInPresent.evaluate(ex),
          E.expiresInHasDeclaredType.evaluate(ex, 'number'),
          E.expiresInHasDeclaredType.evaluate(ex, 'numeric-string'),
          E.expiresInMatchesDocumented.evaluate(ex, documented, 'doc'),
        ]) {
          expect(['passed', 'failed', 'not_applicable']).toContain(o.status);
        }
      }),
    );
  });
});

describe('expiry: what a verdict names, and hostile bodies', () => {
  it('expiresInSeconds reads nothing from a body that is not JSON (no throw)', () => expect(E.expiresInSeconds(exchange(200, 'expires_in=3600'))).toBeUndefined());
  it('expiresInPresent names the body and cites RFC 6749 §5.1 when the body is no JSON object', () =>
    expect(E.expiresInPresent.evaluate(exchange(200, [issued]))).toMatchObject({ field: 'token response body', reason: expect.stringContaining('(RFC 6749 §5.1)') }));
  it('expiresInMatchesDocumented says why it is not applicable: absent, or not a number of seconds', () => {
    expect(E.expiresInMatchesDocumented.evaluate(exchange(200, {}), 3600, 'md line 74')).toEqual({ status: 'not_applicable', reason: 'expires_in is absent (see expiry.expires-in-present)' });
    expect(E.expiresInMatchesDocumented.evaluate(exchange(200, { expires_in: 'soon' }), 3600, 'md line 74')).toEqual({
      status: 'not_applicable', reason: 'expires_in is not a number of seconds (the string "soon"; see expiry.expires-in-declared-type)',
    });
  });
  it('accessTokenAcceptedBeforeExpiry fails 199, just below the 2xx range', () =>
    expectFailure(E.accessTokenAcceptedBeforeExpiry.evaluate(exchange(199, { ok: true }), 3590, 3600), /^a 2xx \(token still valid\)$/, /^HTTP 199/));
});
