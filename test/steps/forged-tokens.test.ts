/**
 * The probe tokens: JWS detection by shape, and forged copies that differ from the issued token exactly where
 * they should (the alg, the key, one claim) and nowhere else.
 */
import { describe, expect, it } from 'vitest';
import { SignJWT, compactVerify, decodeProtectedHeader, decodeJwt, generateKeyPair } from 'jose';
import { shippedRs256Keys } from '../support/keys.ts';
import { testKeyPair } from '../../providers/keys/test-keys.ts';
import * as F from '../../src/steps/forged-tokens.ts';

async function issued(claims: Record<string, unknown> = { scope: 'read write', aud: 'client', jti: 'j1' }) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const token = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' }).setIssuedAt(1000).setExpirationTime(4600).sign(privateKey);
  return { token, publicKey, parts: F.jwsParts(token)! };
}

describe('jwsParts', () => {
  it('reads a compact JWS', async () => {
    const { parts } = await issued();
    expect(parts.header).toMatchObject({ alg: 'ES256', kid: 'k1' });
    expect(parts.payload).toMatchObject({ scope: 'read write', exp: 4600 });
  });
  it.each([['an opaque token', 'abcDEF123_-'], ['two dots but not JSON', 'abc.def.ghi'], ['four segments', 'a.b.c.d'], ['a header without alg', `${Buffer.from('{"typ":"JWT"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.x`]])(
    'is undefined for %s', (_n, v) => expect(F.jwsParts(v)).toBeUndefined());
});

describe('forged copies', () => {
  it('alg none: same payload, alg "none", empty signature', async () => {
    const { parts } = await issued();
    const copy = F.algNoneCopy(parts);
    expect(copy.endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(copy)).toEqual({ ...parts.header, alg: 'none' });
    expect(copy.split('.')[1]).toBe(parts.segments[1]);
  });

  it('re-signed: same header and payload, a signature the original key does not verify', async () => {
    const { parts, publicKey } = await issued();
    const copy = await F.reSignedCopy(parts);
    expect(copy.split('.').slice(0, 2)).toEqual(parts.segments.slice(0, 2));
    await expect(compactVerify(copy, publicKey)).rejects.toThrow();
    await expect(compactVerify(parts.segments.join('.'), publicKey)).resolves.toBeDefined();
  });

  it('re-signs with one foreign key per algorithm, made once: two RS256 copies are the same bytes, and neither verifies', async () => {
    const { privateKey, publicKey } = await shippedRs256Keys('taap-client'); // the issuer's; the copies' key is made by F
    const token = await new SignJWT({ scope: 'read' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    const [a, b] = await Promise.all([F.reSignedCopy(F.jwsParts(token)!), F.reSignedCopy(F.jwsParts(token)!)]);
    expect(b).toBe(a); // RSASSA-PKCS1-v1_5 is deterministic: equal signatures mean the same key
    expect(a).not.toBe(token);
    await expect(compactVerify(a, publicKey)).rejects.toThrow();
  });

  it('for a bundled mock signs an RS256 copy with the shipped key the mocks never register; for a live target never with a published key', async () => {
    const { privateKey, publicKey } = await shippedRs256Keys('taap-client');
    const token = await new SignJWT({ scope: 'read' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    const unregistered = testKeyPair('unregistered-client').publicKey;
    const onMock = await F.reSignedCopy(F.jwsParts(token)!, { live: false });
    await expect(compactVerify(onMock, unregistered)).resolves.toBeDefined();
    await expect(compactVerify(onMock, publicKey)).rejects.toThrow();
    for (const live of [true, undefined]) {
      const copy = await F.reSignedCopy(F.jwsParts(token)!, live === undefined ? {} : { live });
      await expect(compactVerify(copy, unregistered)).rejects.toThrow();
      await expect(compactVerify(copy, publicKey)).rejects.toThrow();
    }
  });

  it('re-signs an HMAC token with another secret', async () => {
    const secret = new Uint8Array(32).fill(7);
    const token = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    const copy = await F.reSignedCopy(F.jwsParts(token)!);
    expect(copy).not.toBe(token);
    await expect(compactVerify(copy, secret)).rejects.toThrow();
  });

  it('changed claims: one copy per present claim, one claim changed, header and signature as issued', async () => {
    const { parts } = await issued();
    const copies = F.changedClaimCopies(parts);
    expect(copies.map((c) => c.claim)).toEqual(['scope', 'exp', 'aud']);
    for (const c of copies) {
      const [h, , s] = c.token.split('.');
      expect([h, s]).toEqual([parts.segments[0], parts.segments[2]]);
      const claims = decodeJwt(c.token);
      const changed = Object.keys(parts.payload).filter((k) => JSON.stringify(claims[k]) !== JSON.stringify(parts.payload[k]));
      expect(changed).toEqual([c.claim]);
    }
  });

  it('changed claims: none when the token carries none of scope, exp, aud', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect(F.changedClaimCopies(F.jwsParts(token)!)).toEqual([]);
  });
});

describe('bogus and malformed bearer values', () => {
  it('a bogus token is a fresh b64token every time', () => {
    const a = F.bogusBearerToken();
    expect(a).toMatch(/^[A-Za-z0-9._~+/-]+=*$/);
    expect(F.bogusBearerToken()).not.toBe(a);
  });
  it('each malformed probe carries the issued token and breaks the b64token syntax', () => {
    for (const p of F.malformedBearerProbes('tok123')) {
      expect(p.credentials).toContain('tok123');
      expect(p.credentials).not.toMatch(/^[A-Za-z0-9._~+/-]+=*$/);
    }
  });
});
