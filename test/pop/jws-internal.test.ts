// The compact-JWS helpers under the TAAP and DPoP verifiers (RFC 7515 §7.1): the tolerant parser's verdict on each
// kind of ill-formed segment, the message renderer's cut, the forging signer's hand-made signatures (which jose
// would refuse to produce, so they must still be real signatures) and the NumericDate clock.
import { createHmac, createPublicKey, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { base64url } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { epochNow, parseCompact, show, signCompact, signRs256Compact } from '../../src/pop/jws-internal.ts';

const b64 = (bytes: string | Uint8Array) => Buffer.from(bytes).toString('base64url');
const EMPTY_OBJECT = b64('{ }'); // "eyB9": four characters, a whole base64 quantum

afterEach(() => {
  vi.useRealTimers();
});

describe('parseCompact', () => {
  it('decodes header and payload and keeps the signature text', () => {
    expect(parseCompact(`${b64('{"alg":"RS256"}')}.${b64('{"a":1}')}.c2ln`, 'T')).toEqual({ header: { alg: 'RS256' }, payload: { a: 1 }, signature: 'c2ln' });
  });

  it('refuses a segment of 4n+1 characters, which Buffer would silently shorten', () => {
    expect(parseCompact(`${EMPTY_OBJECT}.${EMPTY_OBJECT}.`, 'T')).toEqual({ header: {}, payload: {}, signature: '' });
    expect(parseCompact(`${EMPTY_OBJECT}A.${EMPTY_OBJECT}.`, 'T')).toBe('T header: expected base64url-encoded UTF-8, observed "eyB9A"');
  });

  it('refuses bytes that are not UTF-8 inside a JSON string', () => {
    const valid = b64(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0xa9]), Buffer.from('"}')]));
    const invalid = b64(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xa9]), Buffer.from('"}')]));
    expect(parseCompact(`${EMPTY_OBJECT}.${valid}.`, 'T')).toEqual({ header: {}, payload: { a: 'é' }, signature: '' });
    expect(parseCompact(`${EMPTY_OBJECT}.${invalid}.`, 'T')).toBe(`T payload: expected base64url-encoded UTF-8, observed "${invalid}"`);
  });

  it('refuses JSON that is not an object: null, an array, a string', () => {
    for (const [json, observed] of [['null', 'null'], ['[]', '[]'], ['"x"', '"x"']] as const) {
      expect(parseCompact(`${b64(json)}.${EMPTY_OBJECT}.`, 'T'), json).toBe(`T header: expected a JSON object, observed ${observed}`);
    }
  });

  it('refuses text that is not JSON, quoting it', () => {
    expect(parseCompact(`${EMPTY_OBJECT}.${b64('{a:1}')}.`, 'T')).toBe('T payload: expected a JSON object, observed "{a:1}"');
  });

  it('names the empty header or payload segment', () => {
    expect(parseCompact(`.${EMPTY_OBJECT}.`, 'T')).toBe(`T: expected non-empty header and payload segments, observed ".${EMPTY_OBJECT}."`);
    expect(parseCompact(`${EMPTY_OBJECT}..`, 'T')).toBe(`T: expected non-empty header and payload segments, observed "${EMPTY_OBJECT}.."`);
  });

  it('names the segment with a character outside the base64url alphabet', () => {
    expect(parseCompact(`${EMPTY_OBJECT}.${EMPTY_OBJECT}.ab=`, 'T')).toBe('T signature: expected base64url characters only, observed "ab="');
    expect(parseCompact(`${EMPTY_OBJECT}.${EMPTY_OBJECT}.a/b`, 'T')).toBe('T signature: expected base64url characters only, observed "a/b"');
    expect(parseCompact(`${EMPTY_OBJECT}.${EMPTY_OBJECT}.a-_b`, 'T')).toMatchObject({ signature: 'a-_b' });
  });
});

describe('show', () => {
  it('renders JSON, and what JSON cannot render as text', () => {
    expect(show('a"b')).toBe('"a\\"b"');
    expect(show(undefined)).toBe('undefined');
    expect(show(10n)).toBe('10');
  });

  it('cuts after max characters (100 by default) and marks the cut', () => {
    expect(show('x'.repeat(98))).toBe(`"${'x'.repeat(98)}"`); // exactly 100 characters: whole
    expect(show('x'.repeat(99))).toBe(`"${'x'.repeat(99)}…`); // 101: cut to 100
    expect(show('abcdef', 5)).toBe('"abcd…');
    expect(show('abc', 5)).toBe('"abc"');
  });
});

describe('signCompact (the forging signer)', () => {
  const claims = { sub: 'x' };

  it('signs HS256 by hand, as HMAC-SHA-256 over the signing input, when the header names another alg', async () => {
    const secret = new TextEncoder().encode('k'.repeat(32));
    const token = await signCompact({ alg: 'hs256' }, claims, { alg: 'HS256', secret });
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'hs256' });
    expect(s).toBe(createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url'));
    const viaJose = await signCompact({ alg: 'HS256' }, claims, { alg: 'HS256', secret });
    expect(viaJose.split('.')[2]).toBe(createHmac('sha256', secret).update(viaJose.slice(0, viaJose.lastIndexOf('.'))).digest('base64url'));
  });

  it('signs ES256 by hand with a P-1363 (r || s) signature when the header names another alg', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = await signCompact({ alg: 'es256' }, claims, { alg: 'ES256', key: privateKey });
    const [h, p, s] = token.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    expect(sig.length).toBe(64);
    expect(nodeVerify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
    expect(JSON.parse(Buffer.from(p, 'base64url').toString())).toEqual(claims);
  });

  it('signs RS256 by hand (the same bytes as signRs256Compact) and leaves "none" unsigned', async () => {
    // node signs with a key of any size; 1024 bits keeps this test fast
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const token = await signCompact({ alg: 'RS256 ' }, claims, { alg: 'RS256', key: privateKey });
    expect(token).toBe(await signRs256Compact({ alg: 'RS256 ' }, claims, privateKey));
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(nodeVerify('sha256', Buffer.from(`${h}.${p}`), createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(s, 'base64url'))).toBe(true);
    expect(await signCompact({ alg: 'none' }, claims, { alg: 'none' })).toBe(`${base64url.encode('{"alg":"none"}')}.${base64url.encode(JSON.stringify(claims))}.`);
  });

  it('falls back to the hand-made path when jose refuses the header (an unknown crit)', async () => {
    const secret = new TextEncoder().encode('k'.repeat(32));
    const header = { alg: 'HS256', crit: ['x-unknown'], 'x-unknown': 1 };
    const token = await signCompact(header, claims, { alg: 'HS256', secret });
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual(header);
    expect(s).toBe(createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url'));
  });
});

describe('signCompact: a key jose refuses is an error, not a token', () => {
  it('rethrows jose\'s refusal of a 1024-bit RSA key when the header names RS256 (only a refused header falls back)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    await expect(signCompact({ alg: 'RS256' }, { sub: 'x' }, { alg: 'RS256', key: privateKey })).rejects.toThrow(TypeError);
    // the same key under a header jose would refuse anyway is signed by hand: that path is for forged headers
    await expect(signCompact({ alg: 'RS256', crit: ['x-unknown'], 'x-unknown': 1 }, { sub: 'x' }, { alg: 'RS256', key: privateKey })).resolves.toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

describe('epochNow', () => {
  it('is the current time in whole seconds, rounded down', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_700_000_000_999);
    expect(epochNow()).toBe(1_700_000_000);
  });
});
