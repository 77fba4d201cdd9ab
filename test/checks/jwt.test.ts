/**
 * Self-tests of the issued-JWT checks: each with a conforming and a violating input, asserting the status and
 * that the message states expected and observed; plus T-Mobile's documented example tokens as a regression.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import * as J from '../../src/checks/jwt.ts';
import { loadSpec, SPECS_DIR } from '../../src/spec/load.ts';

const NOW = 1_700_000_000;
const unsigned = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'none' }) =>
  `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}.`;

let key: CryptoKey;
let jwks: { keys: JWK[] };
let otherKey: CryptoKey;
beforeAll(async () => {
  const kp = await generateKeyPair('RS256', { extractable: true });
  key = kp.privateKey;
  jwks = { keys: [{ ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'RS256' }] };
  otherKey = (await generateKeyPair('RS256')).privateKey;
});
const signed = (k: CryptoKey, claims: Record<string, unknown> = { sub: 'c' }) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(k);

describe('decoding', () => {
  it('checkJwtDecodes', () => {
    expect(J.checkJwtDecodes('access_token', unsigned({ sub: 'c' })).status).toBe('passed');
    expect(J.checkJwtDecodes('access_token', 'opaque-token-value')).toMatchObject({
      status: 'failed',
      reason: '"access_token" in token response: expected a JWT (compact JWS with JSON header and claims) (provider spec tokenResponse.fields, RFC 7519 §7.2), observed 1 dot-separated segment(s), not 3',
    });
    expect(J.checkJwtDecodes('id_token', undefined)).toMatchObject({ status: 'failed', reason: expect.stringContaining('observed (absent)') });
    expect(J.checkJwtDecodes('id_token', `${base64url.encode('x')}.${base64url.encode('{}')}.`)).toMatchObject({ status: 'failed', reason: expect.stringContaining('observed a header that is not base64url JSON') });
  });

  it('decodeJwt never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.anything(), (v) => {
      J.decodeJwt(v);
    }));
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      J.decodeJwt(`${a}.${b}.x`);
    }));
  });
});

describe('signature', () => {
  it('checkJwtSignatureVerifies: a token by a key in the JWKS passes', async () => {
    expect((await J.checkJwtSignatureVerifies('access_token', await signed(key), jwks)).status).toBe('passed');
  });

  it('checkJwtSignatureVerifies: another key, or alg "none", fails with kid and reason', async () => {
    const r = await J.checkJwtSignatureVerifies('access_token', await signed(otherKey), jwks);
    expect(r).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^signature of access_token: expected a valid signature by a key in the target's JWKS \(kids \["k1"\]\) \(RFC 7515 §5\.2\), observed alg "RS256", kid "k1": ERR_JWS_SIGNATURE_VERIFICATION_FAILED$/) });
    expect(await J.checkJwtSignatureVerifies('id_token', unsigned({ sub: 'c' }), jwks)).toMatchObject({ status: 'failed', reason: expect.stringContaining('observed alg "none"') });
  });
});

describe('times and lifetime', () => {
  it('checkJwtTimesCurrent', () => {
    expect(J.checkJwtTimesCurrent('id_token', { iat: NOW, exp: NOW + 3600 }, NOW).status).toBe('passed');
    expect(J.checkJwtTimesCurrent('id_token', { iat: NOW - 7200, exp: NOW - 3600 }, NOW)).toMatchObject({ status: 'failed', reason: `"exp" in id_token: expected later than now (${NOW}) for a token just issued (RFC 7519 §4.1.4), observed ${NOW - 3600} (3600 s ago)` });
    expect(J.checkJwtTimesCurrent('id_token', { iat: NOW + 600, exp: NOW + 4200 }, NOW)).toMatchObject({ status: 'failed', reason: expect.stringContaining('observed 1700000600 (600 s in the future)') });
    expect(J.checkJwtTimesCurrent('access_token', { iat: String(NOW), exp: NOW + 1 }, NOW)).toMatchObject({ status: 'failed', reason: expect.stringContaining('expected NumericDate numbers (RFC 7519 §4.1.4, §4.1.6), observed iat "1700000000", exp') });
  });

  it('checkJwtLifetimeMatchesExpiresIn compares a numeric-string expires_in by its value', () => {
    expect(J.checkJwtLifetimeMatchesExpiresIn('access_token', { iat: NOW, exp: NOW + 3600 }, 3600).status).toBe('passed');
    expect(J.checkJwtLifetimeMatchesExpiresIn('access_token', { iat: NOW, exp: NOW + 3600 }, '3599').status).toBe('passed');
    expect(J.checkJwtLifetimeMatchesExpiresIn('access_token', { iat: NOW, exp: NOW + 3600 }, '3597').status).toBe('failed');
    expect(J.checkJwtLifetimeMatchesExpiresIn('access_token', { iat: NOW, exp: NOW + 3599 }, '60')).toMatchObject({
      status: 'failed',
      reason: '"exp" - "iat" in access_token: expected expires_in "60" (60 s) give or take 2 s (RFC 6749 §5.1), observed 3599 s',
    });
    expect(J.checkJwtLifetimeMatchesExpiresIn('access_token', { iat: NOW, exp: NOW + 60 }, 'soon')).toMatchObject({ status: 'failed', reason: expect.stringContaining('observed "soon"') });
  });
});

describe('issuer and audience', () => {
  it('expectedIssuer: the target wins over the spec, and says so', () => {
    expect(J.expectedIssuer('http://127.0.0.1:1/', 'https://apis.t-mobile.com/oauth2/v1')).toEqual({ issuer: 'http://127.0.0.1:1/', source: 'the target\'s issuer, which overrides the spec\'s documented "https://apis.t-mobile.com/oauth2/v1"' });
    expect(J.expectedIssuer(undefined, 'https://apis.t-mobile.com/oauth2/v1')).toEqual({ issuer: 'https://apis.t-mobile.com/oauth2/v1', source: 'the spec\'s idToken.issuer' });
    expect(J.expectedIssuer(undefined, undefined)).toBeUndefined();
  });

  it('checkJwtIssuerMatches', () => {
    const expected = J.expectedIssuer('http://127.0.0.1:1/', 'https://apis.t-mobile.com/oauth2/v1')!;
    expect(J.checkJwtIssuerMatches('id_token', { iss: 'http://127.0.0.1:1/' }, expected).status).toBe('passed');
    expect(J.checkJwtIssuerMatches('id_token', { iss: 'https://apis.t-mobile.com/oauth2/v1' }, expected)).toMatchObject({
      status: 'failed',
      reason: '"iss" in id_token: expected "http://127.0.0.1:1/" (the target\'s issuer, which overrides the spec\'s documented "https://apis.t-mobile.com/oauth2/v1") (OpenID Connect Core §3.1.3.7 step 2), observed "https://apis.t-mobile.com/oauth2/v1"',
    });
  });

  it('checkIdTokenAudienceIsClient', () => {
    expect(J.checkIdTokenAudienceIsClient({ aud: 'client-1' }, 'client-1').status).toBe('passed');
    expect(J.checkIdTokenAudienceIsClient({ aud: ['rs', 'client-1'] }, 'client-1').status).toBe('passed');
    expect(J.checkIdTokenAudienceIsClient({ aud: 'rs' }, 'client-1')).toMatchObject({ status: 'failed', reason: '"aud" in id_token: expected the client_id "client-1" or an array containing it (OpenID Connect Core §2), observed "rs"' });
  });

  it('checkIdTokenRequiredClaims', () => {
    expect(J.checkIdTokenRequiredClaims({ iss: 'i', sub: 's', aud: 'a', exp: 2, iat: 1 }).status).toBe('passed');
    expect(J.checkIdTokenRequiredClaims({ iss: 'i', aud: 'a', exp: 2 })).toMatchObject({ status: 'failed', reason: 'id_token claims: expected iss, sub, aud, exp and iat (OpenID Connect Core §2), observed no "sub", "iat" among ["iss","aud","exp"]' });
  });

  it('jwtMeta gives stable ids per field', () => {
    expect(J.jwtMeta('id_token', 'audience-is-client').id).toBe('jwt.id-token.audience-is-client');
    expect(J.jwtMeta('access_token', 'lifetime-matches-expires-in')).toMatchObject({ id: 'jwt.access-token.lifetime-matches-expires-in', requirement: expect.stringContaining('RFC 6749 §5.1') });
  });
});

describe('regression: T-Mobile\'s documented example response (002 lines 74-76) is not a false positive', () => {
  const lines = readFileSync(`${SPECS_DIR}/sources/002_d1acf14bb93aaaa0.txt`, 'utf8').split('\n');
  const value = (line: number) => /"(eyJ[^"]+)"/.exec(lines[line - 1]!)![1]!;
  const spec = loadSpec('tmobile-naas-v2').spec;

  it('id_token and access_token decode; exp - iat (3600 s) matches expires_in "3599"; claims and issuer as documented', () => {
    for (const [field, line] of [['id_token', 74], ['access_token', 75]] as const) {
      expect(J.checkJwtDecodes(field, value(line)).status).toBe('passed');
      const { claims } = J.decodeJwt(value(line)) as J.DecodedJwt;
      expect(J.checkJwtLifetimeMatchesExpiresIn(field, claims, '3599').status).toBe('passed');
      expect(J.checkJwtIssuerMatches(field, claims, J.expectedIssuer(undefined, spec.idToken?.issuer)!).status).toBe('passed');
      expect(J.checkIdTokenRequiredClaims(claims).status).toBe('passed');
      expect(J.checkIdTokenAudienceIsClient(claims, String(claims.sub)).status).toBe('passed');
    }
  });
});
