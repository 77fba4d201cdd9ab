/**
 * Self-tests of the revocation checks (RFC 7009): each violating input differs from the conforming one in one
 * property, and a failure states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as V from '../../src/checks/revocation.ts';
import { judgeRejection, judgeRejectionByRfc } from '../../src/checks/rejection.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const rfc = loadSpec('rfc6749').spec;
/** A 200 with no body, as RFC 7009 §2.2 answers (the content of the response body is ignored by the client). */
const empty = (status: number) => ({ ...exchange(status), headers: {} });

describe('ids are kept through the migration to check objects', () => {
  it('names each check as before the migration', () => {
    expect([V.revocationSucceeds, V.unknownTokenAccepted, V.revokedAccessTokenRejected, V.refreshRevocationRevokesAccess, V.wrongHintStillRevokes, V.revokedRefreshTokenRejected, V.clientAuthRequired].map((c) => c.id)).toEqual([
      'revocation.valid-token-200', 'revocation.unknown-token-200', 'revocation.access-token-rejected', 'revocation.refresh-revokes-access-tokens',
      'revocation.wrong-hint-still-revokes', 'revocation.refresh-token-rejected', 'revocation.client-auth-required',
    ]);
    expect(V.refreshRevocationRevokesAccess.requirement).toBe('RFC 7009 §2.1 (SHOULD)');
  });
});

describe('revocation endpoint answers', () => {
  it('revocationSucceeds passes an empty 200', () => expect(V.revocationSucceeds.evaluate(empty(200)).status).toBe('passed'));
  it('revocationSucceeds fails an empty 503', () =>
    expect(V.revocationSucceeds.evaluate(empty(503))).toMatchObject({
      status: 'failed',
      reason: 'revocation response for a valid access token: expected HTTP 200 (RFC 7009 §2.2), observed HTTP 503 with an empty body',
    }));
  it('revocationSucceeds fails an empty 204 (RFC 7009 §2.2 names 200)', () => expectFailure(V.revocationSucceeds.evaluate(empty(204)), /^HTTP 200$/, /^HTTP 204/));
  it('revocationSucceeds fails when no response came', () => expectFailure(V.revocationSucceeds.evaluate(transportFailure()), /HTTP 200/, /no response \(timeout/));

  it('unknownTokenAccepted passes an empty 200', () => expect(V.unknownTokenAccepted.evaluate(empty(200)).status).toBe('passed'));
  it('unknownTokenAccepted fails the same body with 400', () => {
    const r = V.unknownTokenAccepted.evaluate(exchange(400, { error: 'invalid_request' }));
    expect(r).toMatchObject({
      status: 'failed', field: 'revocation response for a token the server never issued',
      expected: 'HTTP 200 (invalid tokens cause no error response)', observed: 'HTTP 400 with {"error":"invalid_request"}',
    });
    expect(V.unknownTokenAccepted.evaluate(exchange(200, { error: 'invalid_request' })).status).toBe('passed');
  });
});

describe('clientAuthRequired (judged by the one rejection rule, case unknown_client)', () => {
  const judge = (status: number, body: unknown) => V.clientAuthRequired.evaluate(exchange(status, body), att);
  it('passes the documented 401 invalid_client', () => expect(judge(401, { error: 'invalid_client' }).status).toBe('passed'));
  it('fails the same body with HTTP 200', () =>
    expect(judge(200, { error: 'invalid_client' })).toMatchObject({
      status: 'failed',
      reason: 'revocation request without client authentication: expected HTTP 401 with "error" "invalid_client" and no access_token (RFC 7009 §2.1, §2.2.1, provider spec errors.cases.unknown_client), observed HTTP 200 with {"error":"invalid_client"}',
    }));
  it('fails the same body with HTTP 500', () => expectFailure(judge(500, { error: 'invalid_client' }), /HTTP 401/, /^HTTP 500/));
  it('fails the documented status with another error code', () => expectFailure(judge(401, { error: 'invalid_request' }), /invalid_client/, /invalid_request/));
  // oidc-provider: RFC 6749 §5.2 lets a request that did not use the Authorization header get 400 invalid_client.
  it('passes 400 invalid_client (no false failure: no Authorization header was sent)', () => expect(judge(400, { error: 'invalid_client' }).status).toBe('passed'));
  it('fails the same status with invalid_request (§5.2 lists "no client authentication included" under invalid_client)', () =>
    expectFailure(judge(400, { error: 'invalid_request' }), /HTTP 401 with "error" "invalid_client"/, /^HTTP 400 with \{"error":"invalid_request"\}$/));
  it('fails an empty 200 (the regression it exists for: revocation without credentials accepted)', () => expectFailure(V.clientAuthRequired.evaluate(empty(200), att), /HTTP 401/, /^HTTP 200 with an empty body$/));
});

describe('what a revocation does at the resource', () => {
  const refusals = [
    [V.revokedAccessTokenRejected, 'resource call with the revoked access token', 'RFC 7009 §2'],
    [V.refreshRevocationRevokesAccess, 'resource call with an access token whose refresh token was revoked', 'RFC 7009 §2.1'],
    [V.wrongHintStillRevokes, 'resource call with an access token revoked under token_type_hint=refresh_token', 'RFC 7009 §2.1'],
  ] as const;
  for (const [check, what, requirement] of refusals) {
    const judge = (status: number) => check.evaluate(exchange(status, { error: 'invalid_token' }), 401);
    // Named by the request, not by check.id: reading a property of a missing check while the file is collected
    // makes the file fail to load, which Stryker does not count as a failed test.
    describe(what, () => {
      it('passes the spec\'s invalid-token status, 401', () => expect(judge(401).status).toBe('passed'));
      it('fails a 200 against the passing 401', () =>
        expect(judge(200)).toMatchObject({ status: 'failed', reason: `${what}: expected HTTP 401 (token revoked) (${requirement}), observed HTTP 200 with {"error":"invalid_token"}` }));
      it('fails a 500 against the passing 401 (a server failure is no refusal)', () => expectFailure(judge(500), /^HTTP 401/, /^HTTP 500/));
      it('fails a 403 against the passing 401', () => expectFailure(judge(403), /^HTTP 401/, /^HTTP 403/));
    });
  }
});

describe('revokedRefreshTokenRejected', () => {
  it('passes the documented 400 invalid_grant', () => expect(V.revokedRefreshTokenRejected.evaluate(exchange(400, { error: 'invalid_grant' }), att).status).toBe('passed'));
  it('fails the same body with HTTP 200', () =>
    expect(V.revokedRefreshTokenRejected.evaluate(exchange(200, { error: 'invalid_grant' }), att)).toMatchObject({
      status: 'failed',
      expected: 'HTTP 400 with "error" "invalid_grant" and no access_token',
      reason: expect.stringMatching(/^refresh with the revoked refresh token: expected .* \(RFC 7009 §2\.1, RFC 6749 §5\.2, provider spec errors\.cases\.invalid_grant\), observed HTTP 200 with/),
    }));
  it('fails the documented answer when it issues a token as well', () =>
    expectFailure(V.revokedRefreshTokenRejected.evaluate(exchange(400, { error: 'invalid_grant', access_token: 'fresh' }), att), /no access_token/, /"access_token":"fresh"/));
});

describe('properties', () => {
  it('the revocation checks never throw on arbitrary responses', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), (status, body) => {
        const ex = exchange(status, body);
        for (const o of [V.revocationSucceeds.evaluate(ex), V.unknownTokenAccepted.evaluate(ex), V.clientAuthRequired.evaluate(ex, att), V.revokedRefreshTokenRejected.evaluate(ex, att), V.revokedAccessTokenRejected.evaluate(ex, 401)]) {
          expect(['passed', 'failed']).toContain(o.status);
        }
      }),
    );
  });

  it('the refusals at the token and revocation endpoints give the rejection rule\'s verdict (the documented one, or for a request without client authentication the RFC\'s)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), fc.constantFrom(att, rfc), (status, body, spec) => {
        const ex = exchange(status, body);
        expect(V.revokedRefreshTokenRejected.evaluate(ex, spec).status).toBe(judgeRejection(ex, spec, 'invalid_grant', 'w').status);
        // Without client authentication the spec's documented status may not apply (RFC 6749 §5.2 demands 401 only
        // for an Authorization header): the RFC's own reading passes too.
        const either = [judgeRejection(ex, spec, 'unknown_client', 'w'), judgeRejectionByRfc(ex, 'unknown_client', 'w')].some((o) => o.status === 'passed');
        expect(V.clientAuthRequired.evaluate(ex, spec).status).toBe(either ? 'passed' : 'failed');
      }),
    );
  });
});
