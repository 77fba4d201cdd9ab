/**
 * Self-tests of the TAAP PoP checks and probe builders: each check with a conforming and a violating input,
 * asserting the status and the expected/observed message; the boundary-shift probe against the real verifier,
 * with and without the defences a server can apply.
 */
import fc from 'fast-check';
import { generateKeyPair, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import * as P from '../../src/checks/pop.ts';
import { buildTaapPop, computeEdts, verifyTaapPop, type PopRequest } from '../../src/pop/taap.ts';
import { exchange, transportFailure } from '../support/exchange.ts';

const token = { access_token: 'at-123456789', expires_in: '3599', status: 'approved' };

describe('acceptance checks', () => {
  it('checkValidPopAccepted', () => {
    expect(P.checkValidPopAccepted(exchange(200, token)).status).toBe('passed');
    expect(P.checkValidPopAccepted(exchange(401, { error: 'invalid_request' }))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^token request with a valid PoP token: expected HTTP 200 with an access_token \(T-Mobile TAAP .*\), observed HTTP 401 with \{"error":"invalid_request"\}$/),
    });
    expect(P.checkValidPopAccepted(exchange(200, { status: 'approved' })).status).toBe('failed');
  });

  it('checkResourceValidPopAccepted', () => {
    expect(P.checkResourceValidPopAccepted(exchange(204)).status).toBe('passed');
    expect(P.checkResourceValidPopAccepted(transportFailure())).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/resource call with a valid PoP token: expected a 2xx response .*, observed no response \(timeout/),
    });
  });
});

describe('rejection checks', () => {
  it('checkPopRejected: a 4xx without a token passes; a token or a non-4xx fails, naming the defect', () => {
    expect(P.checkPopRejected(exchange(401, { error: 'invalid_request' }), P.popExpiredRejected).status).toBe('passed');
    const r = P.checkPopRejected(exchange(200, token), P.popExpiredRejected);
    expect(r).toMatchObject({ status: 'failed', expected: 'a 4xx error without access_token' });
    expect(r.status === 'failed' && r.reason).toMatch(/^token request with an expired PoP token: expected a 4xx error without access_token \(.*60 seconds.*\), observed HTTP 200 with \{"access_token"/);
    // a 4xx that still carries a token is not a rejection; a 5xx is not one either
    expect(P.checkPopRejected(exchange(400, token), P.popAlgNoneRejected).status).toBe('failed');
    expect(P.checkPopRejected(exchange(500, { error: 'server_error' }), P.popAlgNoneRejected).status).toBe('failed');
  });

  it('checkPopRejected: with variants, the first served variant is named', () => {
    const probes: P.PopProbe[] = [
      { variant: 'SPKI PEM', exchange: exchange(401, {}) },
      { variant: 'PKCS#1 PEM', exchange: exchange(200, token) },
    ];
    expect(P.checkPopRejected(probes, P.popHs256ConfusionRejected)).toMatchObject({ status: 'failed', reason: expect.stringContaining('(algorithm confusion) (PKCS#1 PEM): expected') });
    expect(P.checkPopRejected([{ variant: 'a', exchange: exchange(401, {}) }, { variant: 'b', exchange: exchange(403, {}) }], P.popHs256ConfusionRejected).status).toBe('passed');
  });

  it('checkResourcePopRejected', () => {
    expect(P.checkResourcePopRejected(exchange(401, { error: 'invalid_token' }), P.resourcePopReplayRejected).status).toBe('passed');
    expect(P.checkResourcePopRejected(exchange(200, { ok: true }), P.resourcePopReplayRejected)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^resource call with a PoP token \(same jti\) that was already accepted once: expected a 4xx error \(.*one hop.*\), observed HTTP 200 with \{"ok":true\}$/),
    });
  });

  it('checkBoundaryShiftRejected: refused shift + served control passes; served shift fails; refused control is inconclusive', () => {
    expect(P.checkBoundaryShiftRejected(exchange(401, {}), exchange(200, token)).status).toBe('passed');
    expect(P.checkBoundaryShiftRejected(exchange(200, token), exchange(200, token))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/moved into the query string .*: expected a 4xx error without access_token .* observed HTTP 200/) });
    expect(P.checkBoundaryShiftRejected(exchange(401, {}), exchange(400, { error: 'invalid_request' }))).toMatchObject({ status: 'skipped', reason: expect.stringContaining('observed HTTP 400') });
  });

  it('every rejection has a distinct stable id under pop.taap.', () => {
    const all = Object.values(P).filter((v): v is P.PopRejection => typeof v === 'object' && v !== null && 'defect' in v);
    expect(all.length).toBe(22);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    for (const r of all) expect(r.id).toMatch(/^pop\.taap\.(resource\.)?[a-z0-9-]+-rejected$/);
  });
});

describe('probe builders', () => {
  const http = { method: 'POST', url: 'http://127.0.0.1:1234/oauth2/v6/tokens', headers: { 'Content-Type': 'application/json', Authorization: 'Basic MTIzOmFiYw==', 'X-Authorization': 'pop' }, body: '{"a":1}' };

  it('taapRequestOf drops the PoP header and keeps path plus query; httpRequestOf reverses it', () => {
    const view = P.taapRequestOf({ ...http, url: `${http.url}?x=1` }, 'x-authorization');
    expect(view).toEqual({ method: 'POST', uri: '/oauth2/v6/tokens?x=1', headers: { 'Content-Type': 'application/json', Authorization: 'Basic MTIzOmFiYw==' }, body: '{"a":1}' });
    expect(P.httpRequestOf(http, view)).toEqual({ method: 'POST', url: 'http://127.0.0.1:1234/oauth2/v6/tokens?x=1', headers: view.headers, body: '{"a":1}' });
  });

  it('taapPartsFor keeps the required parts the request has, or undefined for the TAAP default', () => {
    const view = P.taapRequestOf(http, 'X-Authorization');
    expect(P.taapPartsFor(['Content-Type', 'Authorization', 'uri', 'http-method', 'body', 'X-Absent'], view)).toEqual(['Content-Type', 'Authorization', 'uri', 'http-method', 'body']);
    expect(P.taapPartsFor([], view)).toBeUndefined();
  });

  it('swapLetterCase changes every letter and nothing else', () => {
    expect(P.swapLetterCase('-UvVyPVZ_9')).toBe('-uVvYpvz_9');
    fc.assert(fc.property(fc.string(), (s) => P.swapLetterCase(P.swapLetterCase(s)) === s && P.swapLetterCase(s).toLowerCase() === s.toLowerCase()));
  });
});

describe('boundary-shift probe against the TAAP verifier', () => {
  const NOW = 1_700_000_000;
  const PARTS = ['Content-Type', 'Authorization', 'uri', 'http-method', 'body'];
  const req: PopRequest = { method: 'POST', uri: '/oauth2/v2/tokens', headers: { 'Content-Type': 'application/json', Authorization: 'Basic MTIzOmFiYw==' }, body: '' };
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  beforeAll(async () => {
    ({ privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true }));
  });

  const probe = () => P.boundaryShiftProbe(req, PARTS);
  const verify = async (presented: PopRequest, defences: boolean) => {
    const p = probe();
    const pop = await buildTaapPop({ privateKey, request: p.signed, parts: p.parts, now: NOW, lifetimeSeconds: 60 });
    return verifyTaapPop(pop, {
      publicKey, request: presented, requiredParts: PARTS, maxLifetimeSeconds: 60, now: NOW,
      strictPartSyntax: defences, ...(defences ? { pinnedValues: { 'http-method': 'POST', uri: '/oauth2/v2/tokens' } } : {}),
    });
  };

  it('puts the probe header right after uri and moves all but its last character into the query', () => {
    const p = probe();
    expect(p.parts).toEqual(['Content-Type', 'Authorization', 'uri', P.SHIFT_PROBE_HEADER, 'http-method', 'body']);
    expect(p.signed.headers[P.SHIFT_PROBE_HEADER]).toBe('?oauthgate-probe=1');
    expect(p.shifted.uri).toBe('/oauth2/v2/tokens?oauthgate-probe=');
    expect(p.shifted.headers[P.SHIFT_PROBE_HEADER]).toBe('1');
    expect(computeEdts(p.parts, p.shifted)).toBe(computeEdts(p.parts, p.signed));
  });

  it('adds uri to the signed parts when the spec does not require it', () => {
    expect(P.boundaryShiftProbe(req, ['Authorization', 'body']).parts).toEqual(['Authorization', 'body', 'uri', P.SHIFT_PROBE_HEADER]);
  });

  it('a pure-edts verifier serves the shifted request (the weakness the check probes)', async () => {
    expect((await verify(probe().shifted, false)).ok).toBe(true);
  });

  it('a verifier that pins its own path refuses it as bad_part, and still serves the unshifted control', async () => {
    expect(await verify(probe().shifted, true)).toMatchObject({ ok: false, code: 'bad_part', message: expect.stringContaining('"/oauth2/v2/tokens"') });
    expect((await verify(probe().signed, true)).ok).toBe(true);
  });

  it('regression: part syntax alone (no pinned path) does not catch this shift, so the mock must pin', async () => {
    const p = probe();
    const pop = await buildTaapPop({ privateKey, request: p.signed, parts: p.parts, now: NOW, lifetimeSeconds: 60 });
    const r = await verifyTaapPop(pop, { publicKey, request: p.shifted, requiredParts: PARTS, maxLifetimeSeconds: 60, now: NOW, strictPartSyntax: true });
    expect(r.ok).toBe(true);
  });
});
