/**
 * Self-tests of the DPoP checks: each with a conforming and a violating input, asserting the status and that
 * the message states expected and observed.
 */
import fc from 'fast-check';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import * as D from '../../src/checks/dpop.ts';
import { exchange, transportFailure } from '../support/exchange.ts';

const dpopToken = { access_token: 'opaque-at-0123456789', token_type: 'DPoP', expires_in: 3600 };
const jwt = (claims: Record<string, unknown>) => `${base64url.encode(JSON.stringify({ alg: 'ES256', typ: 'at+jwt' }))}.${base64url.encode(JSON.stringify(claims))}.c2ln`;

describe('token endpoint', () => {
  it('checkDpopValidProofAccepted', () => {
    expect(D.checkDpopValidProofAccepted(exchange(200, dpopToken)).status).toBe('passed');
    expect(D.checkDpopValidProofAccepted(exchange(400, { error: 'invalid_dpop_proof' }))).toMatchObject({
      status: 'failed',
      reason: 'token request with a valid DPoP proof: expected HTTP 200 with an access_token (RFC 9449 §5), observed HTTP 400 with {"error":"invalid_dpop_proof"}',
    });
  });

  it('checkTokenTypeIsDpop (case-insensitive)', () => {
    expect(D.checkTokenTypeIsDpop(exchange(200, dpopToken)).status).toBe('passed');
    expect(D.checkTokenTypeIsDpop(exchange(200, { ...dpopToken, token_type: 'dpop' })).status).toBe('passed');
    expect(D.checkTokenTypeIsDpop(exchange(200, { ...dpopToken, token_type: 'Bearer' }))).toMatchObject({
      status: 'failed',
      reason: '"token_type" in the response to a DPoP token request: expected "DPoP" (RFC 9449 §5), observed "Bearer"',
    });
  });

  it('checkJwtBoundToKey', () => {
    expect(D.checkJwtBoundToKey({ cnf: { jkt: 'abc' } }, 'abc').status).toBe('passed');
    expect(D.checkJwtBoundToKey({ cnf: { jkt: 'other' } }, 'abc')).toMatchObject({ status: 'failed', reason: '"cnf.jkt" in the JWT access token: expected "abc" (the thumbprint of the proof key) (RFC 9449 §6.1), observed "other"' });
    expect(D.checkJwtBoundToKey({ sub: 'c' }, 'abc')).toMatchObject({ status: 'failed', reason: expect.stringContaining('observed (no cnf claim)') });
  });

  it('checkOpaqueTokenBoundToKey: both unbound uses must be refused', () => {
    expect(D.checkOpaqueTokenBoundToKey(exchange(401, {}), exchange(401, {})).status).toBe('passed');
    expect(D.checkOpaqueTokenBoundToKey(exchange(200, { ok: true }), exchange(401, {}))).toMatchObject({
      status: 'failed',
      reason: 'resource call with the DPoP-bound token as a Bearer token (no proof): expected a 4xx error (RFC 9449 §7.1), observed HTTP 200 with {"ok":true}',
    });
    expect(D.checkOpaqueTokenBoundToKey(exchange(401, {}), exchange(200, { ok: true }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^resource call with the DPoP-bound token and a proof by another key: expected a 4xx error .* observed HTTP 200/) });
  });

  it('checkDpopProofRejected', () => {
    expect(D.checkDpopProofRejected(exchange(400, { error: 'invalid_dpop_proof' }), D.dpopWrongHtmRejected).status).toBe('passed');
    expect(D.checkDpopProofRejected(exchange(200, dpopToken), D.dpopWrongHtmRejected)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^token request with a DPoP proof whose htm names another method: expected a 4xx error without access_token \(RFC 9449 §4\.3 step 8\), observed HTTP 200 with /),
    });
    expect(D.checkDpopProofRejected(transportFailure(), D.dpopAlgNoneRejected).status).toBe('failed');
  });
});

describe('resource', () => {
  it('checkResourceProofAccepted', () => {
    expect(D.checkResourceProofAccepted(exchange(200, { ok: true })).status).toBe('passed');
    expect(D.checkResourceProofAccepted(exchange(401, { error: 'invalid_dpop_proof' }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected a 2xx response \(RFC 9449 §7\.1\), observed HTTP 401/) });
  });

  it('checkResourceProofRejected', () => {
    expect(D.checkResourceProofRejected(exchange(401, { error: 'invalid_dpop_proof' }), D.dpopResourceMissingAthRejected).status).toBe('passed');
    expect(D.checkResourceProofRejected(exchange(200, { ok: true }), D.dpopResourceMissingAthRejected)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^resource call with a DPoP proof without ath: expected a 4xx error \(RFC 9449 §4\.2 .*\), observed HTTP 200 with \{"ok":true\}$/),
    });
  });
});

describe('jwtClaimsOf', () => {
  it('returns the claims of a JWT and undefined for opaque tokens', () => {
    expect(D.jwtClaimsOf(jwt({ cnf: { jkt: 'x' } }))).toEqual({ cnf: { jkt: 'x' } });
    expect(D.jwtClaimsOf('HdMhOr9Mxjm_6p3wRqy9Ygac53UpJwfvq5OCVdG-r23')).toBeUndefined();
    expect(D.jwtClaimsOf(`${base64url.encode('{"typ":"x"}')}.${base64url.encode('{}')}.`)).toBeUndefined(); // no alg
    expect(D.jwtClaimsOf(`${base64url.encode('{"alg":"ES256"}')}.${base64url.encode('[1]')}.`)).toBeUndefined();
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (a, b, c) => {
      D.jwtClaimsOf(`${a}.${b}.${c}`);
      D.jwtClaimsOf(a);
    }));
  });
});
