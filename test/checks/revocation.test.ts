/**
 * Self-tests of the revocation checks (RFC 7009): each with a conforming and a violating input, asserting the
 * status and that the message states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as V from '../../src/checks/revocation.ts';
import type { Outcome } from '../../src/checks/check.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const reason = (o: Outcome) => (o.status === 'passed' ? '' : o.reason);
const empty200 = () => ({ ...exchange(200), headers: {} });

describe('revocation endpoint answers', () => {
  it('revocationSucceeds', () => {
    expect(V.checkRevocationSucceeds(empty200()).status).toBe('passed');
    expect(reason(V.checkRevocationSucceeds(exchange(503, { error: 'temporarily_unavailable' })))).toBe(
      'revocation response for a valid access token: expected HTTP 200 (RFC 7009 §2.2), observed HTTP 503 with {"error":"temporarily_unavailable"}');
    expect(reason(V.checkRevocationSucceeds(transportFailure()))).toMatch(/observed no response \(timeout/);
  });

  it('unknownTokenAccepted', () => {
    expect(V.checkUnknownTokenAccepted(empty200()).status).toBe('passed');
    const r = V.checkUnknownTokenAccepted(exchange(400, { error: 'invalid_request' }));
    expect(r).toMatchObject({ status: 'failed', expected: 'HTTP 200 (invalid tokens cause no error response)', observed: 'HTTP 400 with {"error":"invalid_request"}' });
    expect(reason(r)).toMatch(/^revocation response for a token the server never issued: expected HTTP 200 .*\(RFC 7009 §2\.2\), observed HTTP 400/);
  });

  it('unauthenticatedRejected', () => {
    expect(V.checkUnauthenticatedRejected(exchange(401, { error: 'invalid_client' }), 401).status).toBe('passed');
    expect(reason(V.checkUnauthenticatedRejected(empty200(), 401))).toBe(
      'revocation request without client authentication: expected HTTP 401 with error "invalid_client" (RFC 7009 §2.1), observed HTTP 200 with an empty body');
    // the right status with another error code is a failure too
    expect(V.checkUnauthenticatedRejected(exchange(401, { error: 'invalid_request' }), 401).status).toBe('failed');
  });
});

describe('what a revocation does', () => {
  it('revokedAccessTokenRejected', () => {
    expect(V.checkRevokedAccessTokenRejected(exchange(401, { error: 'invalid_token' }), 401).status).toBe('passed');
    expect(reason(V.checkRevokedAccessTokenRejected(exchange(200, { ok: true }), 401))).toBe(
      'resource call with the revoked access token: expected HTTP 401 (token revoked) (RFC 7009 §2), observed HTTP 200 with {"ok":true}');
  });

  it('grantAccessTokenRejected (refresh revocation reaches the grant\'s access tokens)', () => {
    expect(V.checkGrantAccessTokenRejected(exchange(401, { error: 'invalid_token' }), 401).status).toBe('passed');
    expect(reason(V.checkGrantAccessTokenRejected(exchange(200, { ok: true }), 401))).toMatch(
      /^resource call with an access token whose refresh token was revoked: expected HTTP 401 \(token revoked\) \(RFC 7009 §2\.1\), observed HTTP 200/);
  });

  it('revokedRefreshTokenRejected', () => {
    expect(V.checkRevokedRefreshTokenRejected(exchange(400, { error: 'invalid_grant' }), att).status).toBe('passed');
    const r = V.checkRevokedRefreshTokenRejected(exchange(200, { access_token: 'fresh', token_type: 'bearer' }), att);
    expect(r).toMatchObject({ status: 'failed', expected: 'HTTP 400 with error "invalid_grant" and no token' });
    expect(reason(r)).toMatch(/^refresh with the revoked refresh token: expected .* \(RFC 7009 §2\.1, RFC 6749 §5\.2\), observed HTTP 200 with/);
  });

  it('wrongHintStillRevokes', () => {
    expect(V.checkWrongHintStillRevokes(exchange(401, { error: 'invalid_token' }), 401).status).toBe('passed');
    expect(reason(V.checkWrongHintStillRevokes(exchange(200, { ok: true }), 401))).toBe(
      'resource call with an access token revoked under token_type_hint=refresh_token: expected HTTP 401 (token revoked) (RFC 7009 §2.1), observed HTTP 200 with {"ok":true}');
  });
});

describe('properties', () => {
  it('the revocation checks never throw on arbitrary responses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), (status, body) => {
        const ex = exchange(status, body);
        for (const o of [V.checkRevocationSucceeds(ex), V.checkUnknownTokenAccepted(ex), V.checkUnauthenticatedRejected(ex, 401), V.checkRevokedRefreshTokenRejected(ex, att)]) {
          expect(['passed', 'failed']).toContain(o.status);
        }
      }),
    );
  });
});
