import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { base64url, calculateJwkThumbprint, CompactSign, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  accessTokenHash,
  buildDpopProof,
  DPOP_ALGORITHMS,
  jwkThumbprintOf,
  verifyDpopProof,
  type DpopBuildOptions,
  type DpopErrorCode,
  type DpopVerifyOptions,
  type DpopVerifyResult,
} from '../../src/pop/dpop.ts';
import { ReplayCache } from '../../src/pop/taap.ts';
import { testKeyPair } from '../../providers/keys/test-keys.ts';
import { shippedRs256Keys } from '../support/keys.ts';

const NOW = 1_700_000_000;
const HTU = 'https://as.example.com/oauth2/token';
const ACCESS_TOKEN = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';

let ecPrivate: CryptoKey;
let ecPublicJwk: JWK;
let ecPrivateJwk: JWK;
let rsaPrivate: CryptoKey;
let rsaPublicJwk: JWK;
let otherPublicJwk: JWK;

beforeAll(async () => {
  const ec = await generateKeyPair('ES256', { extractable: true });
  ecPrivate = ec.privateKey;
  ecPublicJwk = await exportJWK(ec.publicKey);
  ecPrivateJwk = await exportJWK(ec.privateKey);
  const rsa = await shippedRs256Keys('unregistered-client');
  rsaPrivate = rsa.privateKey;
  rsaPublicJwk = await exportJWK(rsa.publicKey);
  otherPublicJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey);
});

function proof(overrides: Partial<DpopBuildOptions> = {}): Promise<string> {
  return buildDpopProof({ privateKey: ecPrivate, publicJwk: ecPublicJwk, htm: 'POST', htu: HTU, iat: NOW, ...overrides });
}

function opts(overrides: Partial<DpopVerifyOptions> = {}): DpopVerifyOptions {
  return { htm: 'POST', htu: HTU, now: NOW, ...overrides };
}

function expectFail(result: DpopVerifyResult, code: DpopErrorCode, observed?: string): void {
  expect(result.ok ? 'ok' : result.code).toBe(code);
  if (!result.ok && observed !== undefined) expect(result.message).toContain(observed);
}

async function expectOk(p: string | Promise<string>, o: Partial<DpopVerifyOptions> = {}): Promise<void> {
  const result = await verifyDpopProof(await p, opts(o));
  expect(result.ok ? 'ok' : `${result.code}: ${result.message}`).toBe('ok');
}

describe('jwkThumbprintOf', () => {
  it('matches the RFC 7638 §3.1 example', async () => {
    const jwk: JWK = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(await jwkThumbprintOf(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});

describe('buildDpopProof', () => {
  it('builds a dpop+jwt with the public jwk, htm, htu, iat, jti', async () => {
    const p = await proof();
    expect(decodeProtectedHeader(p)).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: ecPublicJwk });
    const claims = decodeJwt(p);
    expect(claims).toMatchObject({ htm: 'POST', htu: HTU, iat: NOW });
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(claims).not.toHaveProperty('ath');
  });

  it('adds ath = base64url(sha256(access token)) and nonce when asked', async () => {
    const claims = decodeJwt(await proof({ accessToken: ACCESS_TOKEN, nonce: 'n-1' }));
    expect(claims.ath).toBe(createHash('sha256').update(ACCESS_TOKEN).digest('base64url'));
    expect(claims.ath).toBe(accessTokenHash(ACCESS_TOKEN));
    expect(claims.nonce).toBe('n-1');
  });

  it('refuses a private key as publicJwk (forging it needs mutate)', async () => {
    await expect(proof({ publicJwk: ecPrivateJwk })).rejects.toThrow(/"d"/);
  });
});

describe('verifyDpopProof', () => {
  it('accepts a valid ES256 proof and returns the key thumbprint', async () => {
    const result = await verifyDpopProof(await proof(), opts());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.jkt).toBe(await calculateJwkThumbprint(ecPublicJwk, 'sha256'));
      expect(result.claims).toMatchObject({ htm: 'POST', htu: HTU, iat: NOW });
    }
  });

  it('accepts a valid RS256 proof bound to an access token and an expected jkt', async () => {
    const p = await proof({ alg: 'RS256', privateKey: rsaPrivate, publicJwk: rsaPublicJwk, accessToken: ACCESS_TOKEN });
    await expectOk(p, { accessToken: ACCESS_TOKEN, expectedJkt: await jwkThumbprintOf(rsaPublicJwk) });
  });

  it('compares htu without query and fragment, after URL normalisation', async () => {
    await expectOk(proof(), { htu: `${HTU}?x=1#frag` });
    await expectOk(proof({ htu: `${HTU}?state=abc` }));
    await expectOk(proof({ htu: 'HTTPS://AS.Example.com:443/oauth2/token' }));
  });

  it('missing', async () => {
    await expectOk(proof());
    expectFail(await verifyDpopProof(undefined, opts()), 'missing', 'none');
    expectFail(await verifyDpopProof('', opts()), 'missing');
  });

  it('malformed: not a JWT, no jwk, missing claims', async () => {
    await expectOk(proof());
    expectFail(await verifyDpopProof('abc.def', opts()), 'malformed', 'observed 2');
    const two = `${await proof()}, ${await proof()}`; // two DPoP headers joined by a proxy
    expectFail(await verifyDpopProof(two, opts()), 'malformed');
    expectFail(await verifyDpopProof(await proof({ mutate: { header: { jwk: undefined } } }), opts()), 'malformed', 'undefined');
    expectFail(await verifyDpopProof(await proof({ mutate: { header: { jwk: 'key' } } }), opts()), 'malformed', '"key"');
    const crit = await proof({ mutate: { header: { crit: ['x-unknown'], 'x-unknown': 1 } } });
    expectFail(await verifyDpopProof(crit, opts()), 'malformed', '"x-unknown"');
    for (const claim of ['jti', 'htm', 'htu', 'iat']) {
      expectFail(await verifyDpopProof(await proof({ mutate: { claims: { [claim]: undefined } } }), opts()), 'malformed', `"${claim}"`);
    }
  });

  it('bad_typ', async () => {
    await expectOk(proof({ mutate: { header: { typ: 'application/dpop+jwt' } } }));
    expectFail(await verifyDpopProof(await proof({ mutate: { header: { typ: 'JWT' } } }), opts()), 'bad_typ', '"JWT"');
    expectFail(await verifyDpopProof(await proof({ mutate: { header: { typ: undefined } } }), opts()), 'bad_typ', 'undefined');
  });

  it('bad_alg: none and symmetric', async () => {
    await expectOk(proof());
    const unsigned = await proof({ sign: 'none' });
    expect(unsigned.endsWith('.')).toBe(true);
    expectFail(await verifyDpopProof(unsigned, opts()), 'bad_alg', '"none"');
    expectFail(await verifyDpopProof(await proof({ mutate: { header: { alg: 'HS256' } } }), opts()), 'bad_alg', '"HS256"');
    expectFail(await verifyDpopProof(await proof({ mutate: { header: { alg: 'es256' } } }), opts()), 'bad_alg', '"es256"');
  });

  it('private_key_in_jwk', async () => {
    await expectOk(proof());
    const result = await verifyDpopProof(await proof({ mutate: { header: { jwk: ecPrivateJwk } } }), opts());
    expectFail(result, 'private_key_in_jwk', '"d"');
    const oct = await proof({ mutate: { header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } } });
    expectFail(await verifyDpopProof(oct, opts()), 'private_key_in_jwk', '"k"');
  });

  it('bad_signature: jwk of another key, tampered claims, unusable key', async () => {
    await expectOk(proof());
    const foreign = await proof({ mutate: { header: { jwk: otherPublicJwk } } });
    expectFail(await verifyDpopProof(foreign, opts()), 'bad_signature', foreign.split('.')[2]!.slice(0, 10));
    const [h, , s] = (await proof()).split('.');
    const tampered = `${h}.${base64url.encode(JSON.stringify({ jti: 'x', htm: 'POST', htu: HTU, iat: NOW }))}.${s}`;
    expectFail(await verifyDpopProof(tampered, opts()), 'bad_signature');
    const mismatched = await proof({ mutate: { header: { jwk: rsaPublicJwk } } }); // RSA key, alg ES256
    expectFail(await verifyDpopProof(mismatched, opts()), 'bad_signature', 'ES256');
    // found by the property below: an RSA jwk under 2048 bits made jose throw a TypeError past the key resolver
    const tiny = `${base64url.encode(JSON.stringify({ typ: 'dpop+jwt', alg: 'RS256', jwk: { kty: 'RSA', n: '', e: '' } }))}.e30.`;
    expectFail(await verifyDpopProof(tiny, opts()), 'bad_signature', '2048');
  });

  it('bad_htm', async () => {
    await expectOk(proof({ htm: 'GET' }), { htm: 'GET' });
    expectFail(await verifyDpopProof(await proof({ htm: 'GET' }), opts()), 'bad_htm', '"GET"');
    expectFail(await verifyDpopProof(await proof({ htm: 'post' }), opts()), 'bad_htm', '"post"');
  });

  it('bad_htu', async () => {
    await expectOk(proof());
    const other = 'https://as.example.com/oauth2/other';
    expectFail(await verifyDpopProof(await proof({ htu: other }), opts()), 'bad_htu', other);
    expectFail(await verifyDpopProof(await proof({ htu: 'http://as.example.com/oauth2/token' }), opts()), 'bad_htu', '"http://');
    expectFail(await verifyDpopProof(await proof({ htu: 'not a uri' }), opts()), 'bad_htu', '"not a uri"');
  });

  it('stale_iat', async () => {
    await expectOk(proof({ iat: NOW - 305 }));
    expectFail(await verifyDpopProof(await proof({ iat: NOW - 306 }), opts()), 'stale_iat', `${NOW - 306}`);
    expectFail(await verifyDpopProof(await proof({ iat: NOW - 61 }), opts({ maxAgeSeconds: 60, clockSkewSeconds: 0 })), 'stale_iat', '61 s old');
  });

  it('future_iat', async () => {
    await expectOk(proof({ iat: NOW + 5 }));
    expectFail(await verifyDpopProof(await proof({ iat: NOW + 60 }), opts()), 'future_iat', `${NOW + 60}`);
  });

  it('replayed: a jti used twice; not consumed by a rejected proof', async () => {
    const replayCache = new ReplayCache();
    const p = await proof({ jti: 'dpop-once' });
    expectFail(await verifyDpopProof(p, opts({ replayCache, htm: 'GET' })), 'bad_htm');
    expect(replayCache.size).toBe(0);
    await expectOk(p, { replayCache });
    expectFail(await verifyDpopProof(p, opts({ replayCache, now: NOW + 10 })), 'replayed', '"dpop-once"');
  });

  it('missing_ath', async () => {
    await expectOk(proof({ accessToken: ACCESS_TOKEN }), { accessToken: ACCESS_TOKEN });
    expectFail(await verifyDpopProof(await proof(), opts({ accessToken: ACCESS_TOKEN })), 'missing_ath', 'observed none');
  });

  it('bad_ath', async () => {
    await expectOk(proof({ accessToken: ACCESS_TOKEN }), { accessToken: ACCESS_TOKEN });
    const wrong = await proof({ accessToken: 'another-token' });
    expectFail(await verifyDpopProof(wrong, opts({ accessToken: ACCESS_TOKEN })), 'bad_ath', accessTokenHash('another-token'));
  });

  it('jkt_mismatch', async () => {
    await expectOk(proof(), { expectedJkt: await jwkThumbprintOf(ecPublicJwk) });
    const otherJkt = await jwkThumbprintOf(otherPublicJwk);
    const result = await verifyDpopProof(await proof(), opts({ expectedJkt: otherJkt }));
    expectFail(result, 'jkt_mismatch', await jwkThumbprintOf(ecPublicJwk));
    expect(!result.ok && result.message).toContain(otherJkt);
  });

  it('never throws on arbitrary input (property)', async () => {
    const verifyOpts = opts();
    const b64json = (v: unknown) => base64url.encode(JSON.stringify(v) ?? 'null');
    const jwk = fc.oneof(
      fc.jsonValue(),
      fc.record({ kty: fc.constantFrom('EC', 'RSA', 'OKP', 'oct', 'x'), crv: fc.constantFrom('P-256', 'Ed25519', 'x'), x: fc.string(), y: fc.string(), n: fc.string(), e: fc.string() }, { requiredKeys: ['kty'] }),
      fc.constant(ecPublicJwk),
    );
    const header = fc.oneof(
      fc.jsonValue(),
      fc.record({ typ: fc.constantFrom('dpop+jwt', 'JWT'), alg: fc.constantFrom('ES256', 'RS256', 'EdDSA', 'none', 'HS256'), jwk, crit: fc.array(fc.string()) }, { requiredKeys: ['typ', 'alg', 'jwk'] }),
    );
    const claims = fc.oneof(
      fc.jsonValue(),
      fc.record({ jti: fc.string(), htm: fc.string(), htu: fc.string(), iat: fc.oneof(fc.double(), fc.string()), ath: fc.jsonValue() }, { requiredKeys: [] }),
    );
    const b64u = (s: string) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const proofs = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', '=', '+', '/', ' ') }),
      fc.tuple(header, claims, fc.base64String()).map(([h, c, s]) => `${b64json(h)}.${b64json(c)}.${b64u(s)}`),
    );
    await fc.assert(
      fc.asyncProperty(proofs, async (p) => {
        const result = await verifyDpopProof(p, { ...verifyOpts, accessToken: ACCESS_TOKEN, expectedJkt: 'x' });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(typeof result.message).toBe('string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('verifyDpopProof: each declared algorithm, each private member, claim edges', () => {
  /** A proof signed with jose directly, so algorithms buildDpopProof does not offer can be tried. */
  async function proofWith(alg: string, privateKey: KeyObject, publicJwk: JWK): Promise<string> {
    const claims = { jti: `j-${alg}`, htm: 'POST', htu: HTU, iat: NOW };
    return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ typ: 'dpop+jwt', alg, jwk: publicJwk }).sign(privateKey);
  }

  it('accepts a proof in every algorithm of DPOP_ALGORITHMS', async () => {
    const rsa = testKeyPair('taap-client'); // a shipped RSA-2048 pair
    const keyFor = (alg: string): KeyObject[] => {
      if (alg.startsWith('RS') || alg.startsWith('PS')) return [rsa.privateKey, rsa.publicKey];
      if (alg === 'ES256' || alg === 'ES384' || alg === 'ES512') {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg] });
        return [privateKey, publicKey];
      }
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      return [privateKey, publicKey];
    };
    expect(DPOP_ALGORITHMS).toHaveLength(11);
    for (const alg of DPOP_ALGORITHMS) {
      const [privateKey, publicKey] = keyFor(alg) as [KeyObject, KeyObject];
      const p = await proofWith(alg, privateKey, await exportJWK(publicKey));
      const result = await verifyDpopProof(p, opts());
      expect(result.ok ? 'ok' : `${result.code}: ${result.message}`, alg).toBe('ok');
    }
  });

  it('refuses a jwk carrying any one private or symmetric member, naming it', async () => {
    await expectOk(proof());
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']) {
      const p = await proof({ mutate: { header: { jwk: { ...ecPublicJwk, [member]: 'AQAB' } } } });
      expectFail(await verifyDpopProof(p, opts()), 'private_key_in_jwk', `"${member}"`);
    }
  });

  it('buildDpopProof refuses a publicJwk with any private member, naming it', async () => {
    await expect(proof({ publicJwk: { ...ecPublicJwk, k: 'AQAB' } })).rejects.toThrow('buildDpopProof publicJwk: expected a public JWK, observed private member "k"');
  });

  it('reads typ case-insensitively (RFC 7515 §4.1.9: media types are case-insensitive)', async () => {
    await expectOk(proof({ mutate: { header: { typ: 'DPoP+JWT' } } }));
    await expectOk(proof({ mutate: { header: { typ: 'Application/DPoP+jwt' } } }));
    expectFail(await verifyDpopProof(await proof({ mutate: { header: { typ: 'dpop+jwt/application' } } }), opts()), 'bad_typ');
  });

  it('refuses an empty jti, htm or htu, and an iat that is a string', async () => {
    await expectOk(proof());
    for (const claim of ['jti', 'htm', 'htu']) {
      expectFail(await verifyDpopProof(await proof({ mutate: { claims: { [claim]: '' } } }), opts()), 'malformed', `DPoP claim "${claim}": expected a non-empty string, observed ""`);
    }
    expectFail(await verifyDpopProof(await proof({ mutate: { claims: { iat: String(NOW) } } }), opts()), 'malformed', `DPoP claim "iat": expected a NumericDate (number), observed "${NOW}"`);
  });

  it('remembers an accepted jti as long as its iat is acceptable (iat + max age + skew)', async () => {
    const replayCache = new ReplayCache();
    const p = await proof({ jti: 'kept' });
    await expectOk(p, { replayCache });
    expectFail(await verifyDpopProof(p, opts({ replayCache, now: NOW + 304 })), 'replayed', '"kept"');
  });

  it('builds an unsigned proof with alg "none" when asked, ES256 by default', async () => {
    expect(decodeProtectedHeader(await proof({ sign: 'none' })).alg).toBe('none');
    expect(decodeProtectedHeader(await proof({ alg: undefined })).alg).toBe('ES256');
  });
});

describe('DPoP messages and defaults', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('buildDpopProof defaults iat to the current second', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_123_999);
    const p = await buildDpopProof({ privateKey: ecPrivate, publicJwk: ecPublicJwk, htm: 'POST', htu: HTU });
    expect(decodeJwt(p).iat).toBe(1_700_000_123);
  });

  it('refuses to judge against an htu that is not an absolute URI (a caller error, thrown)', async () => {
    await expect(verifyDpopProof(await proof(), opts({ htu: '/oauth2/token' }))).rejects.toThrow('verifyDpopProof htu: expected an absolute URI, observed "/oauth2/token"');
  });

  it('names the proof, the accepted algorithms and every private member in its messages', async () => {
    expectFail(await verifyDpopProof('a.b', opts()), 'malformed', 'DPoP proof is not a compact JWS: expected 3 dot-separated segments, observed 2');
    expectFail(await verifyDpopProof(await proof({ mutate: { header: { alg: 'HS256' } } }), opts()), 'bad_alg', '(RS256, RS384, RS512, PS256,');
    const twoPrivate = await proof({ mutate: { header: { jwk: { ...ecPublicJwk, d: 'AQAB', p: 'AQAB' } } } });
    expectFail(await verifyDpopProof(twoPrivate, opts()), 'private_key_in_jwk', 'observed private member(s) "d", "p"');
  });

  it('says how far in the future a future iat is', async () => {
    expectFail(await verifyDpopProof(await proof({ iat: NOW + 60 }), opts()), 'future_iat', '(60 s in the future)');
  });
});
