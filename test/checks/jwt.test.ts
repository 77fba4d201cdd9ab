/**
 * Self-tests of the issued-JWT checks: each with a conforming and a violating input, asserting the status and
 * that the message states expected and observed; plus T-Mobile's documented example tokens as a regression.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { shippedRs256Keys } from '../support/keys.ts';
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
  const kp = await shippedRs256Keys('mock-server-signing');
  key = kp.privateKey;
  jwks = { keys: [{ ...(await exportJWK(kp.publicKey)), kid: 'k1', alg: 'RS256' }] };
  otherKey = (await shippedRs256Keys('unregistered-client')).privateKey;
});
const signed = (k: CryptoKey, claims: Record<string, unknown> = { sub: 'c' }) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(k);

const A = J.accessTokenJwtChecks;
const I = J.idTokenJwtChecks;

describe('decodes', () => {
  it('passes on a compact JWS with JSON header and claims', () => {
    expect(A.decodes.evaluate(unsigned({ sub: 'c' }))).toEqual({ status: 'passed' });
    expect(I.decodes.evaluate(unsigned({ sub: 'c' }))).toEqual({ status: 'passed' });
  });

  it('fails on an opaque token, naming the field', () => {
    expect(A.decodes.evaluate('opaque-token-value')).toMatchObject({
      status: 'failed',
      reason: '"access_token" in token response: expected a JWT (compact JWS with JSON header and claims) (provider spec tokenResponse.fields, RFC 7519 §7.2), observed 1 dot-separated segment(s), not 3',
    });
  });

  it('fails on an absent value, a header that is not JSON, a claims array and a non-base64url segment (one segment changed each)', () => {
    expect(I.decodes.evaluate(undefined)).toMatchObject({ status: 'failed', field: '"id_token" in token response', observed: '(absent)' });
    expect(I.decodes.evaluate(`${base64url.encode('x')}.${base64url.encode('{}')}.`)).toMatchObject({ status: 'failed', observed: 'a header that is not base64url JSON' });
    expect(I.decodes.evaluate(`${base64url.encode('{"alg":"none"}')}.${base64url.encode('[1]')}.`)).toMatchObject({ status: 'failed', observed: 'a claims segment that is not a JSON object' });
    expect(I.decodes.evaluate(`${base64url.encode('{"alg":"none"}')}.${base64url.encode('{}')}.a+b`)).toMatchObject({ status: 'failed', observed: 'characters outside base64url' });
    expect(I.decodes.evaluate(42)).toMatchObject({ status: 'failed', observed: 'a number, not a string' });
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

describe('signature-verifies', () => {
  it('verifyJwtSignature: a token by a key in the JWKS verifies', async () => {
    const v = await J.verifyJwtSignature(await signed(key), jwks);
    expect(v).toEqual({ alg: 'RS256', kid: 'k1', kids: ['k1'] });
    expect(A.signatureVerifies.evaluate(v)).toEqual({ status: 'passed' });
  });

  it('verifyJwtSignature: the same claims signed by another key do not; the check fails naming alg, kid and the code', async () => {
    const v = await J.verifyJwtSignature(await signed(otherKey), jwks);
    expect(v.error).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    expect(A.signatureVerifies.evaluate(v)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^signature of access_token: expected a valid signature by a key in the target's JWKS \(kids \["k1"\]\) \(RFC 7515 §5\.2\), observed alg "RS256", kid "k1": ERR_JWS_SIGNATURE_VERIFICATION_FAILED$/) });
  });

  it('verifyJwtSignature: alg "none" does not verify', async () => {
    const v = await J.verifyJwtSignature(unsigned({ sub: 'c' }), jwks);
    expect(v.error).toBeDefined();
    expect(I.signatureVerifies.evaluate(v)).toMatchObject({ status: 'failed', reason: expect.stringContaining('observed alg "none"') });
  });

  it('the check fails on a verification error alone (one property)', () => {
    const verified: J.SignatureVerification = { alg: 'RS256', kid: 'k1', kids: ['k1'] };
    expect(A.signatureVerifies.evaluate(verified).status).toBe('passed');
    expect(A.signatureVerifies.evaluate({ ...verified, error: 'ERR_JWKS_NO_MATCHING_KEY' })).toMatchObject({ status: 'failed', observed: 'alg "RS256", kid "k1": ERR_JWKS_NO_MATCHING_KEY' });
  });
});

describe('times-current', () => {
  const c = I.timesCurrent;
  const T = J.JWT_CLOCK_TOLERANCE_SECONDS;

  it('passes on a token issued now that expires later', () => {
    expect(c.evaluate({ iat: NOW, exp: NOW + 3600 }, NOW)).toEqual({ status: 'passed' });
  });

  it('iat: up to the tolerance ahead of the clock passes, one second more fails', () => {
    expect(c.evaluate({ iat: NOW + T, exp: NOW + 3600 }, NOW).status).toBe('passed');
    expect(c.evaluate({ iat: NOW + T + 1, exp: NOW + 3600 }, NOW)).toMatchObject({ status: 'failed', reason: `"iat" in id_token: expected at most now (${NOW}) + ${T} s (RFC 7519 §4.1.6), observed ${NOW + T + 1} (${T + 1} s in the future)` });
  });

  it('exp: one second after now passes, now itself fails (expired)', () => {
    expect(c.evaluate({ iat: NOW - 10, exp: NOW + 1 }, NOW).status).toBe('passed');
    expect(c.evaluate({ iat: NOW - 10, exp: NOW }, NOW)).toMatchObject({ status: 'failed', reason: `"exp" in id_token: expected later than now (${NOW}) for a token just issued (RFC 7519 §4.1.4), observed ${NOW} (0 s ago)` });
  });

  it('exp: one second after iat passes, equal to iat fails', () => {
    expect(c.evaluate({ iat: NOW + 30, exp: NOW + 31 }, NOW).status).toBe('passed');
    expect(c.evaluate({ iat: NOW + 30, exp: NOW + 30 }, NOW)).toMatchObject({ status: 'failed', field: '"exp" in id_token', expected: `later than iat (${NOW + 30})` });
  });

  it('a string iat, or a string exp, fails (one claim each)', () => {
    expect(A.timesCurrent.evaluate({ iat: String(NOW), exp: NOW + 3600 }, NOW)).toMatchObject({ status: 'failed', reason: expect.stringContaining('expected NumericDate numbers (RFC 7519 §4.1.4, §4.1.6), observed iat "1700000000", exp') });
    expect(A.timesCurrent.evaluate({ iat: NOW, exp: String(NOW + 3600) }, NOW).status).toBe('failed');
  });
});

describe('lifetime-matches-expires-in', () => {
  const c = A.lifetimeMatchesExpiresIn;
  const claims = { iat: NOW, exp: NOW + 3600 };
  const T = J.LIFETIME_TOLERANCE_SECONDS;

  it('passes on expires_in equal to exp - iat, and within the tolerance either side', () => {
    expect(c.evaluate(claims, 3600)).toEqual({ status: 'passed' });
    expect(c.evaluate(claims, 3600 - T).status).toBe('passed');
    expect(c.evaluate(claims, 3600 + T).status).toBe('passed');
  });

  it('fails one second beyond the tolerance either side', () => {
    expect(c.evaluate(claims, 3600 - T - 1)).toMatchObject({ status: 'failed', observed: '3600 s' });
    expect(c.evaluate(claims, 3600 + T + 1).status).toBe('failed');
  });

  it('compares a numeric-string expires_in by its value', () => {
    expect(c.evaluate(claims, '3599').status).toBe('passed');
    expect(c.evaluate(claims, '3597').status).toBe('failed');
    expect(c.evaluate({ iat: NOW, exp: NOW + 3599 }, '60')).toMatchObject({
      status: 'failed',
      reason: '"exp" - "iat" in access_token: expected expires_in "60" (60 s) give or take 2 s (RFC 6749 §5.1), observed 3599 s',
    });
  });

  it('fails on a non-numeric expires_in, and on a string iat', () => {
    expect(c.evaluate(claims, 'soon')).toMatchObject({ status: 'failed', reason: expect.stringContaining('observed "soon"') });
    expect(c.evaluate({ ...claims, iat: String(NOW) }, 3600)).toMatchObject({ status: 'failed', field: '"iat" and "exp" in access_token' });
  });

  it('is not applicable without expires_in (RFC 6749 §5.1 only RECOMMENDS it)', () => {
    expect(c.evaluate(claims, undefined)).toMatchObject({ status: 'not_applicable', reason: 'the token response has no expires_in' });
  });
});

describe('issuer and audience', () => {
  it('expectedIssuer: the target wins over the spec, and says so', () => {
    expect(J.expectedIssuer('http://127.0.0.1:1/', 'https://apis.t-mobile.com/oauth2/v1')).toEqual({ issuer: 'http://127.0.0.1:1/', source: 'the target\'s issuer, which overrides the spec\'s documented "https://apis.t-mobile.com/oauth2/v1"' });
    expect(J.expectedIssuer('http://127.0.0.1:1/', 'http://127.0.0.1:1/')).toEqual({ issuer: 'http://127.0.0.1:1/', source: 'the target\'s issuer' });
    expect(J.expectedIssuer(undefined, 'https://apis.t-mobile.com/oauth2/v1')).toEqual({ issuer: 'https://apis.t-mobile.com/oauth2/v1', source: 'the spec\'s idToken.issuer' });
    expect(J.expectedIssuer(undefined, undefined)).toBeUndefined();
  });

  it('issuer-matches: the expected iss passes; another, a trailing slash more, or none fails', () => {
    const expected = J.expectedIssuer('http://127.0.0.1:1/', 'https://apis.t-mobile.com/oauth2/v1')!;
    expect(I.issuerMatches.evaluate({ iss: 'http://127.0.0.1:1/' }, expected)).toEqual({ status: 'passed' });
    expect(I.issuerMatches.evaluate({ iss: 'https://apis.t-mobile.com/oauth2/v1' }, expected)).toMatchObject({
      status: 'failed',
      reason: '"iss" in id_token: expected "http://127.0.0.1:1/" (the target\'s issuer, which overrides the spec\'s documented "https://apis.t-mobile.com/oauth2/v1") (OpenID Connect Core §3.1.3.7 step 2), observed "https://apis.t-mobile.com/oauth2/v1"',
    });
    expect(A.issuerMatches.evaluate({ iss: 'http://127.0.0.1:1//' }, expected)).toMatchObject({ status: 'failed', field: '"iss" in access_token' });
    expect(A.issuerMatches.evaluate({}, expected)).toMatchObject({ status: 'failed', observed: '(absent)' });
  });

  it('audience-is-client: the client_id or an array containing it passes; another value or array fails', () => {
    const c = I.audienceIsClient;
    expect(c.evaluate({ aud: 'client-1' }, 'client-1').status).toBe('passed');
    expect(c.evaluate({ aud: ['rs', 'client-1'] }, 'client-1').status).toBe('passed');
    expect(c.evaluate({ aud: 'rs' }, 'client-1')).toMatchObject({ status: 'failed', reason: '"aud" in id_token: expected the client_id "client-1" or an array containing it (OpenID Connect Core §2), observed "rs"' });
    expect(c.evaluate({ aud: ['rs', 'client-2'] }, 'client-1').status).toBe('failed');
    expect(c.evaluate({}, 'client-1')).toMatchObject({ status: 'failed', observed: '(absent)' });
  });

  const full = { iss: 'i', sub: 's', aud: 'a', exp: 2, iat: 1 };
  it('required-claims: all of iss, sub, aud, exp and iat passes', () => {
    expect(I.requiredClaims.evaluate(full)).toEqual({ status: 'passed' });
  });

  it.each(Object.keys(full))('required-claims: without "%s" fails, naming it', (claim) => {
    const { [claim]: _, ...rest } = full as Record<string, unknown>;
    expect(I.requiredClaims.evaluate(rest)).toMatchObject({ status: 'failed', observed: expect.stringMatching(new RegExp(`^no "${claim}" among`)) });
  });

  it('required-claims: the message lists every missing claim', () => {
    expect(I.requiredClaims.evaluate({ iss: 'i', aud: 'a', exp: 2 })).toMatchObject({ status: 'failed', reason: 'id_token claims: expected iss, sub, aud, exp and iat (OpenID Connect Core §2), observed no "sub", "iat" among ["iss","aud","exp"]' });
  });
});

describe('ids', () => {
  it('jwtChecks gives stable ids per field, in run order', () => {
    expect(Object.values(A).map((c) => c.id)).toEqual([
      'jwt.access-token.decodes', 'jwt.access-token.signature-verifies', 'jwt.access-token.times-current', 'jwt.access-token.issuer-matches', 'jwt.access-token.lifetime-matches-expires-in',
    ]);
    expect(Object.values(I).map((c) => c.id)).toEqual([
      'jwt.id-token.decodes', 'jwt.id-token.signature-verifies', 'jwt.id-token.times-current', 'jwt.id-token.issuer-matches', 'jwt.id-token.required-claims', 'jwt.id-token.audience-is-client',
    ]);
    expect(A.lifetimeMatchesExpiresIn.requirement).toContain('RFC 6749 §5.1');
    expect(I.issuerMatches.requirement).toContain('OpenID Connect Core §2');
    expect(A.issuerMatches.requirement).toContain('RFC 9068 §2.2');
  });
});

describe('regression: T-Mobile\'s documented example response (002 lines 74-76) is not a false positive', () => {
  const lines = readFileSync(`${SPECS_DIR}/sources/002_d1acf14bb93aaaa0.txt`, 'utf8').split('\n');
  const value = (line: number) => /"(eyJ[^"]+)"/.exec(lines[line - 1]!)![1]!;
  const spec = loadSpec('tmobile-naas-v2').spec;
  const claimsAt = (line: number) => (J.decodeJwt(value(line)) as J.DecodedJwt).claims;
  const issuer = () => J.expectedIssuer(undefined, spec.idToken?.issuer)!;

  it('access_token decodes; exp - iat (3600 s) matches expires_in "3599"; iss is the documented issuer', () => {
    expect(A.decodes.evaluate(value(75)).status).toBe('passed');
    expect(A.lifetimeMatchesExpiresIn.evaluate(claimsAt(75), '3599').status).toBe('passed');
    expect(A.issuerMatches.evaluate(claimsAt(75), issuer()).status).toBe('passed');
  });

  it('id_token decodes and carries the required claims, the documented issuer and its subject as audience', () => {
    expect(I.decodes.evaluate(value(74)).status).toBe('passed');
    const claims = claimsAt(74);
    expect(I.issuerMatches.evaluate(claims, issuer()).status).toBe('passed');
    expect(I.requiredClaims.evaluate(claims).status).toBe('passed');
    expect(I.audienceIsClient.evaluate(claims, String(claims.sub)).status).toBe('passed');
  });
});

describe('jwt: hostile values, and what a failure names', () => {
  const c = A.lifetimeMatchesExpiresIn;
  const claims = { iat: NOW, exp: NOW + 3600 };
  const seg = (v: unknown) => base64url.encode(JSON.stringify(v));
  it('decodeJwt refuses a claims segment that is JSON but not an object (null, a number)', () => {
    expect(J.decodeJwt(`${seg({ alg: 'none' })}.${seg(null)}.`)).toBe('a claims segment that is not a JSON object');
    expect(J.decodeJwt(`${seg({ alg: 'none' })}.${seg(5)}.`)).toBe('a claims segment that is not a JSON object');
  });
  it('verifyJwtSignature reports an undecodable token without throwing, and names a key without kid "(none)"', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const v = await J.verifyJwtSignature('not-a-jwt', { keys: [jwk] });
    expect(v).toMatchObject({ alg: undefined, kid: undefined, kids: ['(none)'] });
    expect(typeof v.error).toBe('string');
  });
  it('lifetime: an expires_in with text around its digits, or an array, is no number of seconds', () => {
    for (const bad of ['x3600', '3600s', [3600]]) expect(c.evaluate(claims, bad)).toMatchObject({ status: 'failed', field: '"expires_in" in token response' });
  });
  it('lifetime: a non-numeric expires_in names the field, the expectation and RFC 6749 §5.1', () =>
    expect(c.evaluate(claims, 'soon')).toEqual({
      status: 'failed', field: '"expires_in" in token response', expected: 'a number of seconds (or a numeric string)', observed: '"soon"',
      reason: '"expires_in" in token response: expected a number of seconds (or a numeric string) (RFC 6749 §5.1), observed "soon"',
    }));
  it('lifetime: a string exp fails as a string iat does, stating both and RFC 7519 §4.1.4', () =>
    expect(c.evaluate({ ...claims, exp: String(NOW + 3600) }, 3600)).toEqual({
      status: 'failed', field: '"iat" and "exp" in access_token', expected: 'NumericDate numbers', observed: `iat ${NOW}, exp "${NOW + 3600}"`,
      reason: `"iat" and "exp" in access_token: expected NumericDate numbers (RFC 7519 §4.1.4), observed iat ${NOW}, exp "${NOW + 3600}"`,
    }));
  it('times-current: states the NumericDate expectation, and cites RFC 7519 §4.1.4 for exp not after iat', () => {
    expect(A.timesCurrent.evaluate({ iat: 'now', exp: NOW + 60 }, NOW)).toMatchObject({ status: 'failed', expected: 'NumericDate numbers' });
    expect(A.timesCurrent.evaluate({ iat: NOW, exp: NOW }, NOW)).toMatchObject({ status: 'failed', expected: `later than iat (${NOW})`, reason: expect.stringContaining('(RFC 7519 §4.1.4)') });
  });
});
