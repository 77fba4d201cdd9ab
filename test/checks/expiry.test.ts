/**
 * Self-tests of the expiry checks: each with a conforming and a violating input, asserting the status and that
 * the message states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import * as E from '../../src/checks/expiry.ts';
import { checkInvalidTokenChallenge } from '../../src/checks/resource.ts';
import type { Outcome } from '../../src/checks/check.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const reason = (o: Outcome) => (o.status === 'passed' ? '' : o.reason);

/** An unsigned-looking compact JWS with the given claims (the check decodes, it does not verify). */
async function jwt(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('k'.repeat(32)));
}

describe('expiresInSeconds', () => {
  it('reads numbers and numeric strings, nothing else', () => {
    expect(E.expiresInSeconds(exchange(200, { expires_in: 172800 }))).toBe(172800);
    expect(E.expiresInSeconds(exchange(200, { expires_in: '3599' }))).toBe(3599);
    for (const v of [-1, 1.5, '1h', '', null, true, [3600]]) expect(E.expiresInSeconds(exchange(200, { expires_in: v }))).toBeUndefined();
  });
});

describe('expires_in checks', () => {
  it('expiresInPresent', () => {
    expect(E.checkExpiresInPresent(exchange(200, { access_token: 'a', expires_in: 3600 })).status).toBe('passed');
    const r = E.checkExpiresInPresent(exchange(200, { access_token: 'a' }));
    expect(r).toMatchObject({ status: 'failed', expected: 'the access token lifetime in seconds', observed: '(absent)' });
    expect(reason(r)).toBe('"expires_in" in token response: expected the access token lifetime in seconds (RFC 6749 §5.1), observed (absent)');
    expect(reason(E.checkExpiresInPresent(transportFailure()))).toMatch(/expected a JSON object .* observed no response \(timeout/);
  });

  it('expiresInHasDeclaredType: number', () => {
    expect(E.checkExpiresInHasDeclaredType(exchange(200, { expires_in: 172800 }), 'number').status).toBe('passed');
    const r = E.checkExpiresInHasDeclaredType(exchange(200, { expires_in: '172800' }), 'number');
    expect(reason(r)).toBe('"expires_in" in token response: expected a non-negative integer number (RFC 6749 §5.1), observed the string "172800"');
    expect(E.checkExpiresInHasDeclaredType(exchange(200, { expires_in: -5 }), 'number').status).toBe('failed');
  });

  it('expiresInHasDeclaredType: numeric-string (T-Mobile "3599")', () => {
    expect(E.checkExpiresInHasDeclaredType(exchange(200, { expires_in: '3599' }), 'numeric-string').status).toBe('passed');
    const r = E.checkExpiresInHasDeclaredType(exchange(200, { expires_in: 3599 }), 'numeric-string');
    expect(reason(r)).toMatch(/expected a JSON string of digits \(numeric-string\) .* observed the number 3599/);
  });

  it('expiresInHasDeclaredType is not applicable when expires_in is absent', () => {
    expect(E.checkExpiresInHasDeclaredType(exchange(200, {}), 'number')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/absent/) });
  });

  it('expiresInMatchesDocumented', () => {
    expect(E.checkExpiresInMatchesDocumented(exchange(200, { expires_in: 172800 }), 172800, 'att-api line 34').status).toBe('passed');
    expect(E.checkExpiresInMatchesDocumented(exchange(200, { expires_in: '3599' }), 3599, 'tmo line 76').status).toBe('passed');
    const r = E.checkExpiresInMatchesDocumented(exchange(200, { expires_in: 60 }), 172800, 'att-api line 34');
    expect(reason(r)).toBe('"expires_in" in token response: expected 172800 seconds (att-api line 34), observed 60 (60 seconds)');
    expect(E.checkExpiresInMatchesDocumented(exchange(200, { expires_in: 'soon' }), 3600, 'md line 74').status).toBe('not_applicable');
    expect(E.checkExpiresInMatchesDocumented(exchange(200, {}), 3600, 'md line 74').status).toBe('not_applicable');
  });

  it('jwtLifetimeMatchesExpiresIn', async () => {
    const iat = 1_700_000_000;
    expect(E.checkJwtLifetimeMatchesExpiresIn(await jwt({ iat, exp: iat + 3599 }), 3599, 'expires_in').status).toBe('passed');
    const r = E.checkJwtLifetimeMatchesExpiresIn(await jwt({ iat, exp: iat + 3599 }), 60, 'expires_in');
    expect(r).toMatchObject({ status: 'failed', expected: '60 seconds (expires_in) within ±2 s', observed: `3599 seconds (iat ${iat}, exp ${iat + 3599})` });
    expect(reason(r)).toMatch(/^JWT access token "exp" - "iat": expected 60 seconds .* observed 3599 seconds/);
  });

  it('jwtLifetimeMatchesExpiresIn tolerates the rounding in T-Mobile\'s own example (exp - iat 3600, expires_in "3599")', () => {
    // The access token of tmo line 75, whose exp - iat is 3600 while line 76 says "3599": not a failure.
    const documented = 'eyJraWQiOiJmYjk3ZGQxZi0xMDUzLTRiZGEtYjQ2OC1lZjU3ODdmZTA1MTMiLCJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0bW9uLU9nUE5tVDVoVVE1OHpOWXlZYktueHA5QTZKNktrcUg2IiwiYXVkIjoidG1vbi1PZ1BObVQ1aFVRNTh6Tll5WWJLbnhwOUE2SjZLa3FINiIsImlzcyI6Imh0dHBzOlwvXC9hcGlzLnQtbW9iaWxlLmNvbVwvb2F1dGgyXC92MSIsImV4cCI6MTY2NzYwODMxMCwiaWF0IjoxNjY3NjA0NzEwLCJqdGkiOiJhMDU1MDBlZS1jYTc3LTQ0ZDAtYTBlMC1hMjU4NTBiMzk3ZjkifQ.XTkkgu-ok86Jq1m1lJ3qMRxkvb4JbQNx8gBmaSosPzds_gHkeKydaKjGDDIKA9iFYm3i4tqhwmznUwjT3aDmwKGMoxI9PjXMTemvGQ3fh4HKKBmVni8ZRj9zxA3C9E3nNfhwOWwXXbTsdF3DROnxCFOGj8x9k35nSXm9avDU-20CToi8JJHJeu7ZogsFTu2l6aeO2QZpEVURFLHfY7uwjYl7S6h8Y1M-XJRQnF9NcaJzWKPKYr8eLLbQCwMkLSbgjtotNQdJ1TbrUa9uzL0NzsJcjVUmNdpDOU0Zk55I2GtebMZQ_QN2kTNVL1igyBCKfmy9HYujZguZlrhtewYEEg';
    expect(E.checkJwtLifetimeMatchesExpiresIn(documented, 3599, 'expires_in')).toMatchObject({ status: 'passed', note: 'exp - iat = 3600 s, expires_in = 3599 s' });
  });

  it('jwtLifetimeMatchesExpiresIn is not applicable to opaque tokens and JWTs without exp/iat', async () => {
    expect(E.checkJwtLifetimeMatchesExpiresIn('xyz123456789', 172800, 'expires_in')).toMatchObject({ status: 'not_applicable', reason: 'the access token is not a JWT' });
    expect(E.checkJwtLifetimeMatchesExpiresIn(await jwt({ exp: 1 }), 3600, 'expires_in')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/lacks numeric exp and iat/) });
  });
});

describe('access tokens at the resource', () => {
  it('acceptedBeforeExpiry', () => {
    expect(E.checkAcceptedBeforeExpiry(exchange(200, { ok: true }), 3590, 3600).status).toBe('passed');
    const r = E.checkAcceptedBeforeExpiry(exchange(401, { error: 'invalid_token' }), 3590, 3600);
    expect(reason(r)).toBe('resource call 3590 s into the access token\'s 3600 s lifetime: expected a 2xx (token still valid) (RFC 6749 §5.1), observed HTTP 401 with {"error":"invalid_token"}');
  });

  it('rejectedAfterExpiry', () => {
    expect(E.checkRejectedAfterExpiry(exchange(401, { error: 'invalid_token' }), 401, 3602, 3600, 'RFC 6750 §3.1').status).toBe('passed');
    const r = E.checkRejectedAfterExpiry(exchange(200, { ok: true }), 401, 172802, 172800, 'RFC 6750 §3.1; att-faq line 185');
    expect(r).toMatchObject({ status: 'failed', expected: 'HTTP 401 (token expired)', observed: 'HTTP 200 with {"ok":true}' });
    expect(reason(r)).toMatch(/^resource call 172802 s after issue \(lifetime 172800 s\): expected HTTP 401 .*att-faq line 185\), observed HTTP 200/);
  });

  it('challengeScheme', () => {
    expect(E.checkChallengeScheme(exchange(401, {}, { 'www-authenticate': 'Bearer realm="x", error="invalid_token"' })).status).toBe('passed');
    expect(E.checkChallengeScheme(exchange(401, {}, { 'www-authenticate': 'bearer error="invalid_token"' })).status).toBe('passed');
    const r = E.checkChallengeScheme(exchange(401, {}));
    expect(reason(r)).toBe('"WWW-Authenticate" header on the rejection: expected a challenge with the Bearer scheme (RFC 6750 §3), observed (absent)');
    expect(reason(E.checkChallengeScheme(exchange(401, {}, { 'www-authenticate': 'Basic realm="x"' })))).toMatch(/observed "Basic realm=\\"x\\""/);
  });

  it('the invalid_token part of the challenge (checkInvalidTokenChallenge, as the expiry suite applies it)', () => {
    expect(checkInvalidTokenChallenge(exchange(401, {}, { 'www-authenticate': 'Bearer error="invalid_token"' }), 401).status).toBe('passed');
    expect(reason(checkInvalidTokenChallenge(exchange(401, {}, { 'www-authenticate': 'Bearer realm="x"' }), 401))).toMatch(/expected Bearer \.\.\. error="invalid_token" .* observed "Bearer realm=\\"x\\""/);
  });
});

describe('refresh tokens', () => {
  it('refreshAcceptedBeforeExpiry', () => {
    expect(E.checkRefreshAcceptedBeforeExpiry(exchange(200, { access_token: 'new', refresh_token: 'r2' }), 7775990, 7776000, 'att-api line 34').status).toBe('passed');
    const r = E.checkRefreshAcceptedBeforeExpiry(exchange(400, { error: 'invalid_grant' }), 7775990, 7776000, 'att-api line 34');
    expect(reason(r)).toBe('refresh with a refresh token 7775990 s into its 7776000 s lifetime: expected HTTP 200 with a new access_token (att-api line 34), observed HTTP 400 with {"error":"invalid_grant"}');
  });

  it('refreshRejectedAfterExpiry', () => {
    expect(E.checkRefreshRejectedAfterExpiry(exchange(400, { error: 'invalid_grant' }), att, 7776002, 7776000, 'att-api line 34').status).toBe('passed');
    const r = E.checkRefreshRejectedAfterExpiry(exchange(200, { access_token: 'new' }), att, 7776002, 7776000, 'att-api line 34');
    expect(r).toMatchObject({ status: 'failed', expected: 'HTTP 400 with error "invalid_grant" and no token', observed: 'HTTP 200 with {"access_token":"new"}' });
    expect(reason(r)).toMatch(/^refresh with a refresh token 7776002 s old \(lifetime 7776000 s\): expected .*\(RFC 6749 §5\.2; att-api line 34\), observed/);
    // the right status with the wrong code is still a failure
    expect(E.checkRefreshRejectedAfterExpiry(exchange(400, { error: 'invalid_request' }), att, 7776002, 7776000, 'x').status).toBe('failed');
  });
});

describe('properties', () => {
  it('the expires_in checks never throw on arbitrary JSON bodies', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 1e9 }), (body, documented) => {
        const ex = exchange(200, body);
        for (const o of [E.checkExpiresInPresent(ex), E.checkExpiresInHasDeclaredType(ex, 'number'), E.checkExpiresInHasDeclaredType(ex, 'numeric-string'), E.checkExpiresInMatchesDocumented(ex, documented, 'doc')]) {
          expect(['passed', 'failed', 'not_applicable']).toContain(o.status);
        }
      }),
    );
  });

  it('jwtLifetimeMatchesExpiresIn never throws on arbitrary token strings', () => {
    fc.assert(fc.property(fc.string(), fc.nat(), (s, n) => ['passed', 'failed', 'not_applicable'].includes(E.checkJwtLifetimeMatchesExpiresIn(s, n, 'expires_in').status)));
  });
});
