import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { base64url, compactVerify, decodeJwt, exportPKCS8, exportSPKI, SignJWT, type CryptoKey } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildTaapPop,
  computeEdts,
  decodeTaapPop,
  defaultTaapParts,
  forgeTaapPop,
  ReplayCache,
  shiftTaapBoundary,
  TAAP_PSEUDO_PARTS,
  TaapPartError,
  taapSignedValues,
  verifyTaapPop,
  type PopRequest,
  type TaapErrorCode,
  type TaapVerifyOptions,
  type TaapVerifyResult,
} from '../../src/pop/taap.ts';
import { signRs256Compact } from '../../src/pop/jws-internal.ts';
import { testKeyPair } from '../../providers/keys/test-keys.ts';
import { shippedRs256Keys } from '../support/keys.ts';

const NOW = 1_700_000_000;
const PARTS = ['Content-Type', 'Authorization', 'uri', 'http-method', 'body'];
const REQ: PopRequest = {
  method: 'POST',
  uri: '/oauth2/v6/tokens?a=1%2F2&b=x+y',
  headers: { 'Content-Type': 'application/json', Authorization: 'Basic MTIzOmFiYw==' },
  body: '{"grant-type":"client_credentials","scope":"response_mode"}',
};

let privateKey: CryptoKey;
let publicKey: CryptoKey;
let privatePem: string;
let publicPem: string;
let otherPrivateKey: CryptoKey;

beforeAll(async () => {
  ({ privateKey, publicKey } = await shippedRs256Keys('taap-client'));
  ({ privateKey: otherPrivateKey } = await shippedRs256Keys('unregistered-client'));
  privatePem = await exportPKCS8(privateKey);
  publicPem = await exportSPKI(publicKey);
});

function opts(overrides: Partial<TaapVerifyOptions> = {}): TaapVerifyOptions {
  return { publicKey, request: REQ, requiredParts: PARTS, maxLifetimeSeconds: 120, now: NOW, ...overrides };
}

function good(overrides: Partial<Parameters<typeof buildTaapPop>[0]> = {}): Promise<string> {
  return buildTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, ...overrides });
}

function expectFail(result: TaapVerifyResult, code: TaapErrorCode, observed?: string): void {
  expect(result.ok ? 'ok' : result.code).toBe(code);
  if (!result.ok && observed !== undefined) expect(result.message).toContain(observed);
}

const sha256b64u = (s: string) => createHash('sha256').update(s, 'utf8').digest('base64url');

describe('edts known answers', () => {
  it('hashes the ehts values concatenated with no separator', () => {
    const byHand = sha256b64u(
      'application/json' + 'Basic MTIzOmFiYw==' + '/oauth2/v6/tokens?a=1%2F2&b=x+y' + 'POST' + '{"grant-type":"client_credentials","scope":"response_mode"}',
    );
    expect(byHand).toBe('9fcb5q2o1wm9OzyxTkaBO2lcCXt5HJCNMTdIpU5ih7U');
    expect(computeEdts(PARTS, REQ)).toBe('9fcb5q2o1wm9OzyxTkaBO2lcCXt5HJCNMTdIpU5ih7U');
    // a ";"-joined variant would be a different (wrong) hash
    expect(computeEdts(PARTS, REQ)).not.toBe(sha256b64u(taapSignedValues(PARTS, REQ).join(';')));
  });

  it('encodes values as UTF-8, base64url without padding', () => {
    const req: PopRequest = { method: 'POST', uri: '/oauth2/v2/tokens', headers: {}, body: '{"name":"Zoë ☃"}' };
    const edts = computeEdts(['uri', 'http-method', 'body'], req);
    expect(edts).toBe('OYzNmdy-2g9txyCdlnckhNixwSuLfCsOo5_UI0L4gbY');
    expect(edts).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('resolves parts in ehts order, header names case-insensitively, uri as sent', () => {
    expect(taapSignedValues(['uri', 'content-type', 'AUTHORIZATION', 'http-method', 'body'], REQ)).toEqual([
      '/oauth2/v6/tokens?a=1%2F2&b=x+y',
      'application/json',
      'Basic MTIzOmFiYw==',
      'POST',
      REQ.body,
    ]);
    expect(TAAP_PSEUDO_PARTS).toEqual(['uri', 'http-method', 'body']);
  });

  it('refuses absent, ambiguous and invalid part names', () => {
    expect(() => taapSignedValues(['X-Missing'], REQ)).toThrow(TaapPartError);
    const twice = { ...REQ, headers: { 'content-type': 'a', 'Content-Type': 'b' } };
    expect(() => computeEdts(['Content-Type'], twice)).toThrow(/exactly one/);
    expect(() => computeEdts(['a;b'], REQ)).toThrow(TaapPartError);
    expect(() => computeEdts([''], REQ)).toThrow(TaapPartError);
  });

  it('defaults to every header in insertion order, then the pseudo-parts', () => {
    expect(defaultTaapParts(REQ)).toEqual(PARTS);
    expect(() => defaultTaapParts({ ...REQ, headers: { URI: '/x' } })).toThrow(TaapPartError);
  });
});

describe('the T-Mobile example token (seed 002, line 56)', () => {
  const token = readFileSync(new URL('./fixtures/tmobile-example-pop.txt', import.meta.url), 'utf8').trim();

  it('decodes to the claims quoted in the seeds README', () => {
    const { header, claims } = decodeTaapPop(token);
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toMatchObject({
      edts: '-UvVyPVZpOM-UfVb50ZO-_bAWgRUusyTeSL4p7SpLJM',
      v: '1',
      exp: 1660665664,
      ehts: 'Content-Type;Authorization;uri;http-method;body',
      iat: 1660665544,
    });
    expect(claims.jti).toMatch(/^9e2b5260-/);
    expect(claims.exp! - claims.iat!).toBe(120); // while the document's text says 60 s
  });

  it('its edts is not the hash of the curl request printed beside it (not usable as a golden vector)', () => {
    const shown: PopRequest = {
      method: 'POST',
      uri: '/oauth2/v2/tokens',
      headers: { 'Content-Type': 'application/json', Authorization: 'Basic MTIzOmFiYw==' },
      body: '',
    };
    expect(computeEdts(PARTS, shown)).not.toBe(decodeTaapPop(token).claims.edts);
  });

  it('is rejected by the verifier with our key (bad_signature) once its alg check passes', async () => {
    const result = await verifyTaapPop(token, opts({ now: 1660665550 }));
    expectFail(result, 'bad_signature', 'sL1JYALo');
  });
});

describe('buildTaapPop', () => {
  it('builds an RS256 JWT with the TAAP claims', async () => {
    const { header, claims } = decodeTaapPop(await good());
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toMatchObject({ iat: NOW, exp: NOW + 120, v: '1', ehts: PARTS.join(';'), edts: computeEdts(PARTS, REQ) });
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('defaults parts, lifetime and the clock', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { claims } = decodeTaapPop(await buildTaapPop({ privateKey, request: REQ }));
    expect(claims.ehts).toBe(PARTS.join(';'));
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it('accepts a PEM PKCS#8 string or a KeyObject, honours jti and lifetime', async () => {
    for (const key of [privatePem, createPrivateKey(privatePem)]) {
      const token = await good({ privateKey: key, jti: 'fixed-jti', lifetimeSeconds: 60 });
      const result = await verifyTaapPop(token, opts({ maxLifetimeSeconds: 60 }));
      expect(result).toMatchObject({ ok: true, claims: { jti: 'fixed-jti', exp: NOW + 60 } });
    }
  });
});

describe('verifyTaapPop', () => {
  it('round-trips build -> verify with a CryptoKey, PEM SPKI or KeyObject', async () => {
    const token = await good();
    for (const key of [publicKey, publicPem, createPublicKey(publicPem)]) {
      const result = await verifyTaapPop(token, opts({ publicKey: key }));
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.claims.edts).toBe(computeEdts(PARTS, REQ));
    }
  });

  it('missing: no token', async () => {
    expect((await verifyTaapPop(await good(), opts())).ok).toBe(true);
    expectFail(await verifyTaapPop(undefined, opts()), 'missing', 'none');
    expectFail(await verifyTaapPop('', opts()), 'missing');
  });

  it('malformed: not a compact JWS', async () => {
    expect((await verifyTaapPop(await good(), opts())).ok).toBe(true);
    expectFail(await verifyTaapPop('abc', opts()), 'malformed', 'observed 1');
    expectFail(await verifyTaapPop('a.b.c.d', opts()), 'malformed', 'observed 4');
    expectFail(await verifyTaapPop('a+b.c.d', opts()), 'malformed', '"a+b"');
    expectFail(await verifyTaapPop(`${base64url.encode('not json')}.e30.`, opts()), 'malformed', 'not json');
    expectFail(await verifyTaapPop(`${base64url.encode('{"alg":"RS256"}')}.${base64url.encode('[1]')}.sig`, opts()), 'malformed', '[1]');
  });

  it('bad_alg: alg none (unsigned)', async () => {
    const forged = await forgeTaapPop({ request: REQ, parts: PARTS, now: NOW, sign: 'none' });
    expect(forged.endsWith('.')).toBe(true);
    expect(decodeTaapPop(forged).header.alg).toBe('none');
    expectFail(await verifyTaapPop(forged, opts()), 'bad_alg', '"none"');
    for (const alg of ['None', 'NONE']) {
      const variant = await forgeTaapPop({ request: REQ, parts: PARTS, now: NOW, sign: 'none', mutate: { header: { alg } } });
      expectFail(await verifyTaapPop(variant, opts()), 'bad_alg', `"${alg}"`);
    }
  });

  it('bad_alg: HS256 keyed with the public key PEM bytes (algorithm confusion)', async () => {
    const forged = await forgeTaapPop({ request: REQ, parts: PARTS, now: NOW, sign: { hs256Secret: new TextEncoder().encode(publicPem) } });
    expect(decodeTaapPop(forged).header.alg).toBe('HS256');
    // also offer the verifier the PEM string, as a confused server would hold it
    expectFail(await verifyTaapPop(forged, opts({ publicKey: publicPem })), 'bad_alg', '"HS256"');
  });

  it('bad_alg: alg spelled differently but validly RS256-signed, or absent', async () => {
    const lower = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { header: { alg: 'rs256' } } });
    expectFail(await verifyTaapPop(lower, opts()), 'bad_alg', '"rs256"');
    const absent = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { header: { alg: undefined } } });
    expectFail(await verifyTaapPop(absent, opts()), 'bad_alg', 'undefined');
  });

  it('bad_signature: signed by an unregistered key, or payload swapped', async () => {
    expect((await verifyTaapPop(await good(), opts())).ok).toBe(true);
    const foreign = await good({ privateKey: otherPrivateKey });
    const sig = foreign.split('.')[2]!.slice(0, 10);
    expectFail(await verifyTaapPop(foreign, opts()), 'bad_signature', sig);
    const [h, , s] = (await good()).split('.');
    const otherPayload = (await good({ jti: 'other' })).split('.')[1];
    expectFail(await verifyTaapPop(`${h}.${otherPayload}.${s}`, opts()), 'bad_signature');
  });

  it('the synchronously signed token is byte for byte the one jose\'s SignJWT writes for the same claims and key', async () => {
    for (const key of [privateKey, privatePem]) {
      const token = await buildTaapPop({ privateKey: key, request: REQ, parts: PARTS, now: NOW });
      const jose = await new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey);
      expect(token).toBe(jose);
    }
  });

  it('the synchronous RS256 check agrees with jose on every changed signature, payload or header character', async () => {
    const token = await good();
    const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    await fc.assert(fc.asyncProperty(fc.nat(2), fc.nat(4096), fc.nat(63), async (segment, at, ch) => {
      const parts = token.split('.');
      const seg = parts[segment]!;
      const i = at % seg.length;
      parts[segment] = seg.slice(0, i) + ALPHA[ch] + seg.slice(i + 1);
      const changed = parts.join('.');
      const joseAccepts = await compactVerify(changed, publicKey, { algorithms: ['RS256'] }).then(() => true, () => false);
      const r = await verifyTaapPop(changed, opts());
      const signatureAccepted = r.ok || !['bad_signature', 'malformed', 'bad_alg'].includes(r.code);
      expect(signatureAccepted, `${JSON.stringify(r)} for segment ${segment} char ${i}`).toBe(joseAccepts);
    }), { numRuns: 150, seed: 7 });
  });

  it('a header with crit is left to jose, which refuses it (malformed), as before the synchronous check', async () => {
    const forged = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { header: { crit: ['x-unknown'], 'x-unknown': 1 } } });
    expectFail(await verifyTaapPop(forged, opts()), 'malformed');
  });

  it('missing_claim: each required claim', async () => {
    for (const claim of ['iat', 'exp', 'jti', 'v', 'ehts', 'edts']) {
      const forged = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { claims: { [claim]: undefined } } });
      expectFail(await verifyTaapPop(forged, opts()), 'missing_claim', `"${claim}"`);
    }
  });

  it('malformed: claims of the wrong type', async () => {
    const forged = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { claims: { iat: String(NOW) } } });
    expectFail(await verifyTaapPop(forged, opts()), 'malformed', `"${NOW}"`);
    const ehts = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { claims: { ehts: 'uri;;body' } } });
    expectFail(await verifyTaapPop(ehts, opts()), 'malformed', 'uri;;body');
    const negative = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { claims: { exp: NOW - 2 } } });
    expectFail(await verifyTaapPop(negative, opts({ now: NOW - 3 })), 'malformed', 'observed -2 s');
    const crit = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { header: { crit: ['x-unknown'], 'x-unknown': 1 } } });
    expectFail(await verifyTaapPop(crit, opts()), 'malformed', '"x-unknown"');
  });

  it('bad_version: v other than "1"', async () => {
    const forged = await forgeTaapPop({ privateKey: privatePem, request: REQ, parts: PARTS, now: NOW, mutate: { claims: { v: '2' } } });
    expectFail(await verifyTaapPop(forged, opts()), 'bad_version', '"2"');
    const numeric = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { claims: { v: 1 } } });
    expectFail(await verifyTaapPop(numeric, opts()), 'malformed', 'observed 1');
  });

  it('expired: exp in the past beyond the skew', async () => {
    const token = await good({ now: NOW - 120 }); // exp = NOW
    expect((await verifyTaapPop(token, opts({ now: NOW + 4 }))).ok).toBe(true);
    expectFail(await verifyTaapPop(token, opts({ now: NOW + 5 })), 'expired', `observed ${NOW}`);
    expectFail(await verifyTaapPop(await good({ now: NOW - 1000 }), opts()), 'expired', `${NOW - 880}`);
  });

  it('future_iat: iat ahead of the clock beyond the skew', async () => {
    expect((await verifyTaapPop(await good({ now: NOW + 5 }), opts())).ok).toBe(true);
    expectFail(await verifyTaapPop(await good({ now: NOW + 6 }), opts()), 'future_iat', `observed ${NOW + 6}`);
    expect((await verifyTaapPop(await good({ now: NOW + 1 }), opts({ clockSkewSeconds: 0 }))).ok).toBe(false);
  });

  it('lifetime_too_long: exp - iat above the maximum', async () => {
    expect((await verifyTaapPop(await good({ lifetimeSeconds: 60 }), opts({ maxLifetimeSeconds: 60 }))).ok).toBe(true);
    const result = await verifyTaapPop(await good({ lifetimeSeconds: 120 }), opts({ maxLifetimeSeconds: 60 }));
    expectFail(result, 'lifetime_too_long');
    expect(!result.ok && result.message).toBe('PoP "exp" - "iat": expected at most 60 s, observed 120 s');
  });

  it('missing_part: a required part not in ehts', async () => {
    const token = await good({ parts: ['Content-Type', 'Authorization', 'uri', 'http-method'] });
    expect((await verifyTaapPop(token, opts({ requiredParts: ['content-type', 'authorization', 'uri'] }))).ok).toBe(true);
    expectFail(await verifyTaapPop(token, opts()), 'missing_part', '"Content-Type;Authorization;uri;http-method"');
  });

  it('missing_part: ehts names a header the request does not carry', async () => {
    const withExtra: PopRequest = { ...REQ, headers: { ...REQ.headers, 'X-Trace': 't1' } };
    const token = await good({ request: withExtra, parts: [...PARTS, 'X-Trace'] });
    expect((await verifyTaapPop(token, opts({ request: withExtra }))).ok).toBe(true);
    expectFail(await verifyTaapPop(token, opts()), 'missing_part', '"X-Trace"');
  });

  it('edts_mismatch: body, uri, method or a signed header value changed', async () => {
    const token = await good();
    expect((await verifyTaapPop(token, opts())).ok).toBe(true);
    const edts = decodeTaapPop(token).claims.edts!;
    const changed: PopRequest[] = [
      { ...REQ, body: REQ.body.replace('response_mode', 'admin') },
      { ...REQ, uri: '/oauth2/v6/tokens?a=1%2f2&b=x+y' }, // re-encoded: not as signed
      { ...REQ, method: 'PUT' },
      { ...REQ, headers: { ...REQ.headers, Authorization: 'Basic MTIzOmFiYw==x' } },
      { ...REQ, headers: { ...REQ.headers, 'Content-Type': 'application/JSON' } },
    ];
    for (const request of changed) {
      const result = await verifyTaapPop(token, opts({ request }));
      expectFail(result, 'edts_mismatch', edts);
      expect(!result.ok && result.message).toContain(computeEdts(PARTS, request));
    }
  });

  it('edts_mismatch: an edts differing only in letter case', async () => {
    const edts = computeEdts(PARTS, REQ);
    const swapped = [...edts].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
    expect(swapped.toLowerCase()).toBe(edts.toLowerCase());
    expect(swapped).not.toBe(edts);
    const forged = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, edtsOverride: swapped });
    expectFail(await verifyTaapPop(forged, opts()), 'edts_mismatch', swapped);
  });

  it('replayed: the same jti twice, recorded only after every other check passed', async () => {
    const replayCache = new ReplayCache();
    const token = await good({ jti: 'once' });
    // a rejected presentation (tampered body) must not consume the jti
    expectFail(await verifyTaapPop(token, opts({ replayCache, request: { ...REQ, body: '' } })), 'edts_mismatch');
    expect(replayCache.size).toBe(0);
    expect((await verifyTaapPop(token, opts({ replayCache }))).ok).toBe(true);
    expectFail(await verifyTaapPop(token, opts({ replayCache, now: NOW + 30 })), 'replayed', '"once"');
    expectFail(await verifyTaapPop(await good({ jti: 'once', now: NOW + 10 }), opts({ replayCache, now: NOW + 10 })), 'replayed', '"once"');
    expect((await verifyTaapPop(await good({ jti: 'twice' }), opts({ replayCache }))).ok).toBe(true);
  });

  it('bad_part: duplicate request headers matching a signed name', async () => {
    const token = await good();
    const request = { ...REQ, headers: { ...REQ.headers, authorization: 'Basic other' } };
    expectFail(await verifyTaapPop(token, opts({ request })), 'bad_part', '"authorization"');
  });

  it('never throws on arbitrary input (property)', async () => {
    const verifyOpts = opts();
    const b64json = (v: unknown) => base64url.encode(JSON.stringify(v) ?? 'null');
    const header = fc.oneof(
      fc.jsonValue(),
      fc.record({ alg: fc.constantFrom('RS256', 'none', 'HS256', 'rs256'), typ: fc.string(), crit: fc.array(fc.string()) }, { requiredKeys: ['alg'] }),
    );
    const claims = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { iat: fc.oneof(fc.integer(), fc.string()), exp: fc.double(), jti: fc.string(), v: fc.string(), ehts: fc.string(), edts: fc.string() },
        { requiredKeys: [] },
      ),
    );
    const tokens = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', '=', '+', '/', ' ') }),
      fc.tuple(header, claims, fc.base64String()).map(([h, c, s]) => `${b64json(h)}.${b64json(c)}.${s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`),
    );
    await fc.assert(
      fc.asyncProperty(tokens, async (token) => {
        const result = await verifyTaapPop(token, verifyOpts);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(typeof result.message).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('boundary shifting (values concatenated without separators)', () => {
  const CT_BODY = ['Content-Type', 'body'];
  const original: PopRequest = { method: 'POST', uri: '/oauth2/v2/tokens', headers: { 'Content-Type': 'application/json' }, body: 'Xabc' };

  it('shiftTaapBoundary re-splits without changing the concatenation or edts', () => {
    const shifted = shiftTaapBoundary(original, CT_BODY, 0, 1);
    expect(shifted.headers['Content-Type']).toBe('application/jsonX');
    expect(shifted.body).toBe('abc');
    expect(computeEdts(CT_BODY, shifted)).toBe(computeEdts(CT_BODY, original));
    expect(shiftTaapBoundary(shifted, CT_BODY, 0, -1)).toEqual(original);
    expect(() => shiftTaapBoundary(original, CT_BODY, 0, 5)).toThrow(RangeError);
    expect(() => shiftTaapBoundary(original, CT_BODY, 1, 1)).toThrow(RangeError);
    expect(() => shiftTaapBoundary(original, ['body', 'Content-Type', 'body'], 0, 1)).toThrow(/more than once/);
  });

  it('KNOWN LIMITATION: a pure edts check accepts a re-split request', async () => {
    const token = await good({ request: original, parts: CT_BODY });
    const shifted = shiftTaapBoundary(original, CT_BODY, 0, 1);
    const pure = { requiredParts: CT_BODY, strictPartSyntax: false };
    expect((await verifyTaapPop(token, opts({ ...pure, request: original }))).ok).toBe(true);
    expect((await verifyTaapPop(token, opts({ ...pure, request: shifted }))).ok).toBe(true);
    // both values stay well-formed, so syntax checking alone cannot tell either
    expect((await verifyTaapPop(token, opts({ requiredParts: CT_BODY, request: shifted }))).ok).toBe(true);
  });

  it('pinnedValues rejects the re-split when the shifted part has a known value', async () => {
    const token = await good({ request: original, parts: CT_BODY });
    const pinnedValues = { 'content-type': 'application/json' };
    expect((await verifyTaapPop(token, opts({ requiredParts: CT_BODY, pinnedValues, request: original }))).ok).toBe(true);
    const shifted = shiftTaapBoundary(original, CT_BODY, 0, 1);
    expectFail(await verifyTaapPop(token, opts({ requiredParts: CT_BODY, pinnedValues, request: shifted })), 'bad_part', '"application/jsonX"');
  });

  it('strictPartSyntax rejects shifts that leave a value ill-formed (the pure check accepts them)', async () => {
    const token = await good();
    const cases: Array<[index: number, shift: number, observed: string]> = [
      [1, -1, '"=/oauth2/v6/tokens'], // Authorization|uri: uri no longer starts with "/"
      [3, 1, '"POST{"'], // http-method|body: "{" is not a token character
      [0, 'Basic '.length, '"application/jsonBasic "'], // Content-Type|Authorization: trailing whitespace
    ];
    for (const [index, shift, observed] of cases) {
      const shifted = shiftTaapBoundary(REQ, PARTS, index, shift);
      expect(computeEdts(PARTS, shifted)).toBe(computeEdts(PARTS, REQ));
      expect((await verifyTaapPop(token, opts({ request: shifted, strictPartSyntax: false }))).ok).toBe(true);
      expectFail(await verifyTaapPop(token, opts({ request: shifted })), 'bad_part', observed);
    }
  });

  it('layered: a well-formed uri|method shift passes syntax but not a pinned method', async () => {
    const token = await good();
    const shifted = shiftTaapBoundary(REQ, PARTS, 2, -1); // uri loses its last "y", method becomes "yPOST"
    expect(shifted.method).toBe('yPOST');
    expect((await verifyTaapPop(token, opts({ request: shifted }))).ok).toBe(true);
    const pinnedValues = { 'http-method': 'POST' };
    expect((await verifyTaapPop(token, opts({ pinnedValues }))).ok).toBe(true);
    expectFail(await verifyTaapPop(token, opts({ request: shifted, pinnedValues })), 'bad_part', '"yPOST"');
  });

  it('KNOWN LIMITATION: a well-formed shift between unpinned parts passes even the hardened verifier', async () => {
    const req: PopRequest = { ...REQ, headers: { ...REQ.headers, 'X-Dealer': 'D123' } };
    const parts = ['Content-Type', 'Authorization', 'X-Dealer', 'uri', 'http-method', 'body'];
    const token = await good({ request: req, parts });
    const shifted = shiftTaapBoundary(req, parts, 1, 2); // Authorization gains "D1", X-Dealer becomes "23"
    expect(shifted.headers['X-Dealer']).toBe('23');
    const pinnedValues = { 'http-method': 'POST', uri: REQ.uri, 'Content-Type': 'application/json' };
    const result = await verifyTaapPop(token, opts({ request: shifted, requiredParts: parts, pinnedValues }));
    expect(result.ok).toBe(true);
  });
});

describe('ReplayCache', () => {
  it('reports a jti seen before and unexpired; forgets it after exp', () => {
    const cache = new ReplayCache();
    expect(cache.seen('a', NOW + 10, NOW)).toBe(false);
    expect(cache.seen('a', NOW + 10, NOW + 9)).toBe(true);
    expect(cache.seen('a', NOW + 30, NOW + 10)).toBe(false); // expired, so recorded afresh
    expect(cache.seen('a', NOW + 30, NOW + 20)).toBe(true);
  });

  it('evicts expired entries so they do not accumulate', () => {
    const cache = new ReplayCache();
    for (let i = 0; i < 5_000; i++) cache.seen(`old-${i}`, NOW + 10, NOW);
    expect(cache.size).toBe(5_000);
    cache.seen('new', NOW + 100, NOW + 10);
    expect(cache.size).toBe(1);
    expect(cache.evictedUnexpired).toBe(0);
  });

  it('stays bounded with many unexpired entries, evicting the soonest-expiring first', () => {
    const cache = new ReplayCache({ maxEntries: 1_000 });
    // Every jti is new: none may be reported as seen (one expect for all, not 20,000: ~0.25 s of expect bookkeeping).
    const reportedSeen: number[] = [];
    for (let i = 0; i < 20_000; i++) if (cache.seen(`j-${i}`, NOW + 1_000 + i, NOW)) reportedSeen.push(i);
    expect(reportedSeen).toEqual([]);
    expect(cache.size).toBe(1_000);
    expect(cache.evictedUnexpired).toBe(19_000);
    expect(cache.seen('j-19999', NOW + 30_000, NOW)).toBe(true); // latest-expiring kept
    expect(cache.seen('j-0', NOW + 1_000, NOW)).toBe(false); // soonest-expiring was evicted (the documented trade-off)
  });

  it('defaults to 100 000 entries', () => {
    const cache = new ReplayCache();
    for (let i = 0; i < 120_000; i++) cache.seen(`k-${i}`, NOW + 60, NOW);
    expect(cache.size).toBe(100_000);
  });

  it('rejects nonsensical configuration and times', () => {
    expect(() => new ReplayCache({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ReplayCache().seen('x', Number.NaN, NOW)).toThrow(TypeError);
  });
});

describe('verifyTaapPop: keys it cannot use, edge values', () => {
  it('leaves a registered key that is not an RSA public key of 2048 bits or more to jose, which refuses it', async () => {
    const token = await good();
    expect((await verifyTaapPop(token, opts({ publicKey: createPublicKey(publicPem) }))).ok).toBe(true);
    // the private key of the very pair that signed: node could verify with it, jose refuses a private key for verify
    await expect(verifyTaapPop(token, opts({ publicKey: createPrivateKey(privatePem) }))).rejects.toThrow();
    // an EC key is the registered key's fault, not the token's: it throws, naming the key (jose's JOSENotSupported
    // would have called the token malformed; node's verify would have called it bad_signature)
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(verifyTaapPop(token, opts({ publicKey: ec.publicKey }))).rejects.toThrow('TAAP verify: the registered key must be an RSA public key (RS256), got a public ec key');
    await expect(verifyTaapPop(token, opts({ publicKey: createPrivateKey(privatePem) }))).rejects.toThrow('got a private rsa key');
    // a 1024-bit RSA pair: node signs and verifies with it, jose (and so this verifier) refuses it
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const claims = decodeJwt(token);
    const smallToken = await signRs256Compact({ alg: 'RS256', typ: 'JWT' }, claims, small.privateKey);
    await expect(verifyTaapPop(smallToken, opts({ publicKey: small.publicKey }))).rejects.toThrow();
  });

  it('edts_mismatch, not a crash, for an edts of another length', async () => {
    const forged = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, edtsOverride: 'short' });
    expectFail(await verifyTaapPop(forged, opts()), 'edts_mismatch', '"short"');
  });

  it('accepts a zero lifetime (exp = iat); a negative one is malformed', async () => {
    expect((await verifyTaapPop(await good({ lifetimeSeconds: 0 }), opts())).ok).toBe(true);
    expectFail(await verifyTaapPop(await good({ lifetimeSeconds: -1 }), opts({ now: NOW - 5 })), 'malformed', 'observed -1 s');
  });

  it('remembers an accepted jti until exp plus the skew: a replay inside the skew window is caught', async () => {
    const replayCache = new ReplayCache();
    const token = await good({ jti: 'late' }); // exp = NOW + 120, accepted until NOW + 125
    expect((await verifyTaapPop(token, opts({ replayCache, now: NOW + 122 }))).ok).toBe(true);
    const again = await verifyTaapPop(token, opts({ replayCache, now: NOW + 124 }));
    expectFail(again, 'replayed', `(cached until ${NOW + 125})`);
  });
});

describe('forgeTaapPop', () => {
  it('needs a private key for the rs256 mode only', async () => {
    await expect(forgeTaapPop({ request: REQ, parts: PARTS, now: NOW })).rejects.toThrow('forgeTaapPop: sign "rs256" needs privateKey');
    await expect(forgeTaapPop({ request: REQ, parts: PARTS, now: NOW, sign: 'none' })).resolves.toMatch(/\.$/);
  });

  it('signs HS256 with the given secret and writes the computed claims', async () => {
    const secret = new TextEncoder().encode(publicPem);
    const token = await forgeTaapPop({ request: REQ, parts: PARTS, now: NOW, jti: 'j', sign: { hs256Secret: secret } });
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(s).toBe(createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url'));
    expect(decodeTaapPop(token)).toEqual({
      header: { alg: 'HS256', typ: 'JWT' },
      claims: { iat: NOW, exp: NOW + 120, jti: 'j', v: '1', ehts: PARTS.join(';'), edts: computeEdts(PARTS, REQ) },
    });
  });
});

describe('shiftTaapBoundary: what does not fit', () => {
  const two: PopRequest = { method: 'POST', uri: '/t', headers: { 'Content-Type': 'ab' }, body: 'cd' };
  const parts = ['Content-Type', 'body'];

  it('moves exactly as many characters as fit, in either direction', () => {
    expect(shiftTaapBoundary(two, parts, 0, 2)).toMatchObject({ headers: { 'Content-Type': 'abcd' }, body: '' });
    expect(shiftTaapBoundary(two, parts, 0, -2)).toMatchObject({ headers: { 'Content-Type': '' }, body: 'abcd' });
    expect(shiftTaapBoundary(two, parts, 0, 0)).toEqual(two);
    expect(() => shiftTaapBoundary(two, parts, 0, 3)).toThrow('shiftTaapBoundary shift: expected at most 2, observed 3');
    expect(() => shiftTaapBoundary(two, parts, 0, -3)).toThrow('shiftTaapBoundary shift: expected at least -2, observed -3');
  });

  it('refuses an index that is negative, fractional or has no next part', () => {
    expect(() => shiftTaapBoundary(two, parts, -1, 1)).toThrow('shiftTaapBoundary index: expected 0..0, observed -1');
    expect(() => shiftTaapBoundary(two, parts, 0.5, 1)).toThrow(RangeError);
    expect(() => shiftTaapBoundary(two, parts, 1, 1)).toThrow(RangeError);
  });

  it('shifts between the method and the uri, and between two headers', () => {
    const req: PopRequest = { method: 'GET', uri: '/a', headers: { 'X-A': 'p', 'X-B': 'q' }, body: '' };
    expect(shiftTaapBoundary(req, ['http-method', 'uri'], 0, 1)).toMatchObject({ method: 'GET/', uri: 'a' });
    expect(shiftTaapBoundary(req, ['x-a', 'x-b'], 0, 1).headers).toEqual({ 'X-A': 'pq', 'X-B': '' });
  });
});

describe('TAAP part errors, claim edges and messages', () => {
  const caught = (f: () => unknown): unknown => {
    try {
      f();
    } catch (err) {
      return err;
    }
    return undefined;
  };

  it('a part name with ";" is invalid even when a header of that name exists (it would split in ehts); so is ""', () => {
    const req: PopRequest = { ...REQ, headers: { ...REQ.headers, 'a;b': 'x' } };
    expect(caught(() => computeEdts(['a;b'], req))).toMatchObject({ name: 'TaapPartError', reason: 'invalid_name', part: 'a;b', message: 'TAAP part name: expected a non-empty name without ";", observed "a;b"' });
    expect(caught(() => computeEdts([''], REQ))).toMatchObject({ reason: 'invalid_name' });
    expect(caught(() => computeEdts(['X-Missing'], REQ))).toMatchObject({ reason: 'absent', message: 'TAAP part "X-Missing": expected a request header of that name, observed none' });
  });

  it('names both headers of an ambiguous part', () => {
    const twice = { ...REQ, headers: { 'content-type': 'a', 'Content-Type': 'b' } };
    expect(caught(() => computeEdts(['Content-Type'], twice))).toMatchObject({
      reason: 'ambiguous',
      message: 'TAAP part "Content-Type": expected exactly one matching request header, observed 2 ("content-type", "Content-Type")',
    });
  });

  it('defaultTaapParts names the header that clashes with a pseudo-part', () => {
    expect(caught(() => defaultTaapParts({ ...REQ, headers: { Body: 'x' } }))).toMatchObject({ reason: 'invalid_name', message: 'TAAP header name: expected no clash with pseudo-parts uri, http-method, body, observed "Body"' });
  });

  it('malformed: an empty jti', async () => {
    expect((await verifyTaapPop(await good({ jti: 'j' }), opts())).ok).toBe(true);
    expectFail(await verifyTaapPop(await good({ jti: '' }), opts()), 'malformed', 'PoP "jti": expected a non-empty string, observed ""');
  });

  it('bad_signature from jose too: a header with b64 (no crit) is left to jose, which finds the foreign signature', async () => {
    const own = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, mutate: { header: { b64: true } } });
    expect((await verifyTaapPop(own, opts())).ok).toBe(true);
    const foreign = await forgeTaapPop({ privateKey: otherPrivateKey, request: REQ, parts: PARTS, now: NOW, mutate: { header: { b64: true } } });
    expectFail(await verifyTaapPop(foreign, opts()), 'bad_signature', 'PoP signature: expected a valid RS256 signature by the registered client key, observed');
  });

  it('messages: the token label, every missing claim, seconds ago and in the future', async () => {
    expectFail(await verifyTaapPop('abc', opts()), 'malformed', 'PoP token is not a compact JWS');
    const twoMissing = await forgeTaapPop({ privateKey, request: REQ, parts: PARTS, now: NOW, jti: 'j', mutate: { claims: { iat: undefined, exp: undefined } } });
    expectFail(await verifyTaapPop(twoMissing, opts()), 'missing_claim', 'observed no "iat", "exp" in ["jti","v","ehts","edts"]');
    expectFail(await verifyTaapPop(await good({ now: NOW - 1000 }), opts()), 'expired', '(880 s ago)');
    expectFail(await verifyTaapPop(await good({ now: NOW + 60 }), opts()), 'future_iat', '(60 s in the future)');
  });

  it('part syntax: a method must be a token from its first character, a uri must not carry a fragment, a body may hold anything', async () => {
    const check = async (request: PopRequest) => verifyTaapPop(await good({ request }), opts({ request }));
    expect((await check(REQ)).ok).toBe(true);
    expectFail(await check({ ...REQ, method: '{POST' }), 'bad_part', '"{POST"');
    expectFail(await check({ ...REQ, uri: '/oauth2/v6/tokens#x' }), 'bad_part', '"/oauth2/v6/tokens#x"');
    expect((await check({ ...REQ, body: ' {"a":1}\n' })).ok).toBe(true);
  });

  it('shiftTaapBoundary names the part that appears twice and the parts', () => {
    expect(() => shiftTaapBoundary(REQ, ['body', 'uri', 'body'], 0, 1)).toThrow('shiftTaapBoundary: part "body" appears more than once in "body;uri;body"');
  });
});

describe('buildTaapPop: keys jose would refuse are refused on the fast path too', () => {
  it('rejects a 1024-bit RSA key and an EC key, as jose does, instead of signing with them', async () => {
    await expect(good({ privateKey: testKeyPair('unregistered-client').privateKey })).resolves.toMatch(/\./); // an RSA-2048 KeyObject
    await expect(good({ privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey })).rejects.toThrow(TypeError);
    await expect(good({ privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey })).rejects.toThrow();
    await expect(good({ privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string })).rejects.toThrow(TypeError);
  });

  it('rejects an RSA-PSS key (node would sign with PSS padding under an RS256 header), as jose does', async () => {
    await expect(good({ privateKey: generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey })).rejects.toThrow();
  });
});
