/**
 * Self-tests of the DPoP checks: each with a conforming and a violating input, asserting the status and that
 * the message states expected and observed.
 */
import fc from 'fast-check';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import * as D from '../../src/checks/dpop.ts';
import type { HttpExchange } from '../../src/http/types.ts';
import { exchange, transportFailure } from '../support/exchange.ts';

const dpopToken = { access_token: 'opaque-at-0123456789', token_type: 'DPoP', expires_in: 3600 };
const jwt = (claims: Record<string, unknown>) => `${base64url.encode(JSON.stringify({ alg: 'ES256', typ: 'at+jwt' }))}.${base64url.encode(JSON.stringify(claims))}.c2ln`;

const refusal = { error: 'invalid_dpop_proof' };
const { access_token: _, ...noToken } = dpopToken;

describe('dpop.token.valid-proof-accepted', () => {
  const c = D.dpopValidProofAccepted;

  it('passes on HTTP 200 with an access_token', () => {
    expect(c.evaluate(exchange(200, dpopToken))).toEqual({ status: 'passed' });
  });

  it('fails on another status with the same body, and on a 200 without access_token', () => {
    expect(c.evaluate(exchange(201, dpopToken)).status).toBe('failed');
    expect(c.evaluate(exchange(400, dpopToken)).status).toBe('failed');
    expect(c.evaluate(exchange(200, noToken))).toMatchObject({ status: 'failed', observed: expect.stringMatching(/^HTTP 200 with \{"token_type"/) });
  });

  it('states expected and observed', () => {
    expect(c.evaluate(exchange(400, refusal))).toMatchObject({
      status: 'failed',
      reason: 'token request with a valid DPoP proof: expected HTTP 200 with an access_token (RFC 9449 §5), observed HTTP 400 with {"error":"invalid_dpop_proof"}',
    });
  });
});

describe('dpop.token.token-type-dpop', () => {
  const c = D.dpopTokenTypeIsDpop;

  it.each(['DPoP', 'dpop', 'DPOP'])('passes on token_type %j (RFC 6749 §7.1: case-insensitive)', (v) => {
    expect(c.evaluate(exchange(200, { ...dpopToken, token_type: v })).status).toBe('passed');
  });

  it('fails on "Bearer", on a missing token_type and on a non-string one', () => {
    expect(c.evaluate(exchange(200, { ...dpopToken, token_type: 'Bearer' }))).toMatchObject({
      status: 'failed',
      reason: '"token_type" in the response to a DPoP token request: expected "DPoP" (RFC 9449 §5), observed "Bearer" (the token was not bound to the proof\'s key)',
    });
    const { token_type: __, ...noType } = dpopToken;
    expect(c.evaluate(exchange(200, noType))).toMatchObject({ status: 'failed', observed: '(absent)' });
    expect(c.evaluate(exchange(200, { ...dpopToken, token_type: ['DPoP'] })).status).toBe('failed');
  });
});

describe('dpop.token.bound-to-key', () => {
  const c = D.dpopTokenBoundToKey;
  const jwtBound = (claims: Record<string, unknown>): D.KeyBindingEvidence => ({ kind: 'jwt', claims, jkt: 'abc' });
  const opaque = (bearerUse: HttpExchange, otherKeyUse: HttpExchange): D.KeyBindingEvidence => ({ kind: 'opaque', bearerUse, otherKeyUse });

  it('a JWT access token: passes when cnf.jkt is the proof key\'s thumbprint', () => {
    expect(c.evaluate(jwtBound({ cnf: { jkt: 'abc' } }))).toMatchObject({ status: 'passed', note: expect.stringContaining('cnf.jkt') });
  });

  it('a JWT access token: fails on another jkt, on a cnf without jkt, and without cnf', () => {
    expect(c.evaluate(jwtBound({ cnf: { jkt: 'other' } }))).toMatchObject({ status: 'failed', reason: '"cnf.jkt" in the JWT access token: expected "abc" (the thumbprint of the proof key) (RFC 9449 §6.1), observed "other"' });
    expect(c.evaluate(jwtBound({ cnf: {} }))).toMatchObject({ status: 'failed', observed: '(absent)' });
    expect(c.evaluate(jwtBound({ cnf: 'abc' }))).toMatchObject({ status: 'failed', observed: '(absent)' });
    expect(c.evaluate(jwtBound({}))).toMatchObject({ status: 'failed', observed: '(no cnf claim)' });
  });

  it('an opaque token: passes when both unbound uses are refused', () => {
    expect(c.evaluate(opaque(exchange(401, {}), exchange(401, {})))).toMatchObject({ status: 'passed', note: expect.stringContaining('refused') });
  });

  it('an opaque token: fails when the Bearer use is not refused (200, or 500)', () => {
    expect(c.evaluate(opaque(exchange(200, { ok: true }), exchange(401, {})))).toMatchObject({
      status: 'failed',
      reason: 'resource call with the DPoP-bound token as a Bearer token (no proof): expected a 4xx error (RFC 9449 §7.1), observed HTTP 200 with {"ok":true}',
    });
    expect(c.evaluate(opaque(exchange(500, {}), exchange(401, {}))).status).toBe('failed');
  });

  it('an opaque token: fails when the other key\'s proof is not refused (200, or 500)', () => {
    expect(c.evaluate(opaque(exchange(401, {}), exchange(200, { ok: true })))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^resource call with the DPoP-bound token and a proof by another key: expected a 4xx error \(RFC 9449 §4\.3 step 12\), observed HTTP 200/) });
    expect(c.evaluate(opaque(exchange(401, {}), exchange(500, {}))).status).toBe('failed');
  });
});

const TOKEN_REJECTIONS = [D.dpopWrongHtmRejected, D.dpopWrongHtuRejected, D.dpopStaleIatRejected, D.dpopFutureIatRejected, D.dpopReusedJtiRejected, D.dpopAlgNoneRejected, D.dpopPrivateJwkRejected];
const RESOURCE_REJECTIONS = [D.dpopResourceMissingAthRejected, D.dpopResourceWrongAthRejected];
/** A test name that survives a missing check (then the test fails, instead of the file failing to load). */
const named = (c: D.DpopRejection | undefined): string => c?.id ?? 'a check that is missing';

describe('token-endpoint rejection checks', () => {
  it.each(TOKEN_REJECTIONS.map((c) => [named(c), c] as const))('%s: a 4xx without a token passes; the same body with 200 or 500, a token, or no answer fails', (_id, c) => {
    expect(c.evaluate(exchange(400, refusal)).status).toBe('passed');
    expect(c.evaluate(exchange(401, refusal)).status).toBe('passed');
    expect(c.evaluate(exchange(200, refusal))).toMatchObject({ status: 'failed', expected: 'a 4xx error without access_token' });
    expect(c.evaluate(exchange(500, refusal)).status).toBe('failed');
    expect(c.evaluate(exchange(400, { ...refusal, access_token: 'at' })).status).toBe('failed');
    expect(c.evaluate(transportFailure()).status).toBe('failed');
  });

  it('names the defect and the RFC step', () => {
    expect(D.dpopWrongHtmRejected.evaluate(exchange(200, dpopToken))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^token request with a DPoP proof whose htm names another method: expected a 4xx error without access_token \(RFC 9449 §4\.3 step 8\), observed HTTP 200 with /),
    });
  });
});

describe('resource', () => {
  it.each([200, 204, 299])('dpop.resource.valid-proof-accepted passes on HTTP %i', (status) => {
    expect(D.dpopResourceProofAccepted.evaluate(exchange(status, { ok: true })).status).toBe('passed');
  });

  it.each([300, 401, 500])('dpop.resource.valid-proof-accepted fails on HTTP %i', (status) => {
    expect(D.dpopResourceProofAccepted.evaluate(exchange(status, { ok: true }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(new RegExp(`expected a 2xx response \\(RFC 9449 §7\\.1\\), observed HTTP ${status}`)) });
  });

  it.each(RESOURCE_REJECTIONS.map((c) => [named(c), c] as const))('%s: a 4xx passes; the same body with 200 or 500 fails', (_id, c) => {
    expect(c.evaluate(exchange(401, refusal)).status).toBe('passed');
    expect(c.evaluate(exchange(200, refusal)).status).toBe('failed');
    expect(c.evaluate(exchange(500, refusal)).status).toBe('failed');
  });

  it('names the defect and the requirement', () => {
    expect(D.dpopResourceMissingAthRejected.evaluate(exchange(200, { ok: true }))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^resource call with a DPoP proof without ath: expected a 4xx error \(RFC 9449 §4\.2 .*\), observed HTTP 200 with \{"ok":true\}$/),
    });
  });

  it('every DPoP check has a distinct stable id', () => {
    const all = [D.dpopValidProofAccepted, D.dpopTokenTypeIsDpop, D.dpopTokenBoundToKey, ...TOKEN_REJECTIONS, D.dpopResourceProofAccepted, ...RESOURCE_REJECTIONS];
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of all) expect(c.id).toMatch(/^dpop\.(token|resource)\.[a-z0-9-]+$/);
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

describe('dpopNotOffered: a Bearer answer to a DPoP-proofed request (RFC 9449 §5)', () => {
  const bearer = exchange(200, { access_token: 'at', token_type: 'Bearer' });
  it('names the observed token_type where the spec does not require DPoP', () =>
    expect(D.dpopNotOffered(bearer, false)).toMatch(/with token_type "Bearer": it did not bind the token, which RFC 9449 §5 allows.*pop\.required false/));
  it('is case-insensitive about Bearer (RFC 6749 §7.1)', () => expect(D.dpopNotOffered(exchange(200, { access_token: 'at', token_type: 'bearer' }), false)).toMatch(/"bearer"/));
  it('does not excuse a server where the spec requires DPoP (one property differs: pop.required)', () => expect(D.dpopNotOffered(bearer, true)).toBeUndefined());
  it('does not excuse a DPoP token, another token_type, or an error', () => {
    expect(D.dpopNotOffered(exchange(200, { access_token: 'at', token_type: 'DPoP' }), false)).toBeUndefined();
    expect(D.dpopNotOffered(exchange(200, { access_token: 'at', token_type: 'mac' }), false)).toBeUndefined();
    expect(D.dpopNotOffered(exchange(400, { error: 'invalid_dpop_proof', token_type: 'Bearer' }), false)).toBeUndefined();
  });
  it('token-type-dpop says the Bearer token was not bound', () =>
    expect(D.dpopTokenTypeIsDpop.evaluate(bearer)).toMatchObject({ status: 'failed', observed: '"Bearer" (the token was not bound to the proof\'s key)' }));
  it('DPOP_CHECKS lists every check once', () => expect(new Set(D.DPOP_CHECKS.map((c) => c.id)).size).toBe(13));
});

describe('DPoP checks: hostile bodies and what a failure names', () => {
  const text = (status: number) => exchange(status, 'access_token=at&token_type=DPoP');
  it('valid-proof-accepted fails a 200 whose body is not JSON, without throwing', () =>
    expect(D.dpopValidProofAccepted.evaluate(text(200))).toMatchObject({ status: 'failed', field: 'token request with a valid DPoP proof' }));
  it('token-type-dpop fails a body that is not JSON, and an absent token_type, without throwing', () => {
    expect(D.dpopTokenTypeIsDpop.evaluate(text(200))).toMatchObject({ status: 'failed', observed: '(absent)' });
    expect(D.dpopTokenTypeIsDpop.evaluate(exchange(200, { access_token: 'at' }))).toMatchObject({ status: 'failed', observed: '(absent)' });
  });
  it('token-type-dpop adds "not bound" only to a Bearer answer, not to another token_type', () =>
    expect(D.dpopTokenTypeIsDpop.evaluate(exchange(200, { access_token: 'at', token_type: 'mac' }))).toMatchObject({ status: 'failed', observed: '"mac"' }));
  it('dpopNotOffered excuses nothing for a body that is not JSON, or a Bearer token under another status than 200', () => {
    expect(D.dpopNotOffered(text(200), false)).toBeUndefined();
    expect(D.dpopNotOffered(exchange(201, { access_token: 'at', token_type: 'Bearer' }), false)).toBeUndefined();
  });
  it('bound-to-key fails a JWT whose cnf claim is null, without throwing', () =>
    expect(D.dpopTokenBoundToKey.evaluate({ kind: 'jwt', claims: { cnf: null }, jkt: 'thumb' })).toMatchObject({ status: 'failed', observed: '(absent)' }));
  it('resource valid-proof-accepted names the call', () =>
    expect(D.dpopResourceProofAccepted.evaluate(exchange(401, {}))).toMatchObject({ field: 'resource call with a DPoP-bound token and a valid proof' }));
  it.each([
    ['token request with a DPoP proof whose htm names another method', D.dpopWrongHtmRejected],
    ['token request with a DPoP proof whose htu names another URI', D.dpopWrongHtuRejected],
    ['token request with a DPoP proof whose iat is older than the acceptance window', D.dpopStaleIatRejected],
    ['token request with a DPoP proof whose iat lies further in the future than the whole acceptance window', D.dpopFutureIatRejected],
    ['token request with a DPoP proof (same jti) that was already accepted once', D.dpopReusedJtiRejected],
    ['token request with an alg "none" DPoP proof', D.dpopAlgNoneRejected],
    ['token request with a DPoP proof whose jwk header contains the private key', D.dpopPrivateJwkRejected],
    ['resource call with a DPoP proof without ath', D.dpopResourceMissingAthRejected],
    ['resource call with a DPoP proof whose ath is the hash of another access token', D.dpopResourceWrongAthRejected],
  ] as const)('a refusal check accepting a token names the defect: %s', (field, check) =>
    expect(check.evaluate(exchange(200, dpopToken))).toMatchObject({ status: 'failed', field }));
});
