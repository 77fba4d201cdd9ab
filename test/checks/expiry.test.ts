/**
 * Self-tests of the expiry checks: each with a conforming and a violating input, asserting the status and that
 * the message states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from '../../src/checks/expiry.ts';
import { checkInvalidTokenChallenge } from '../../src/checks/resource.ts';
import type { Outcome } from '../../src/checks/check.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const reason = (o: Outcome) => (o.status === 'passed' ? '' : o.reason);

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
});
