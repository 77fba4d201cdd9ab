/**
 * Internal helpers shared by `taap.ts`, `dpop.ts` and the mock: tolerant compact-JWS parsing for verifiers (never
 * throws), an RS256 signer on node's crypto (thread pool), and a forging signer for negative tests. Not part of the public API.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
import { createHmac, createPrivateKey, KeyObject, sign as nodeSign } from 'node:crypto';
import { base64url, CompactSign, errors, type CryptoKey } from 'jose';

const B64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A compact JWS split and decoded, signature not checked.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export interface ParsedCompact {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decodeJsonSegment(segment: string, what: string): Record<string, unknown> | string {
  let text: string;
  try {
    // The caller has checked the alphabet; a length of 4n+1 is no base64 at all (Buffer would drop the extra bits).
    if (segment.length % 4 === 1) throw new RangeError('bad length');
    text = utf8.decode(Buffer.from(segment, 'base64url'));
  } catch {
    return `${what}: expected base64url-encoded UTF-8, observed ${show(segment)}`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${what}: expected a JSON object, observed ${show(text)}`;
  }
  if (!isPlainObject(value)) return `${what}: expected a JSON object, observed ${show(value)}`;
  return value;
}

/**
 * Splits and decodes a compact JWS. Returns an explanation string instead of throwing.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function parseCompact(token: string, label: string): ParsedCompact | string {
  const segments = token.split('.');
  if (segments.length !== 3) {
    return `${label} is not a compact JWS: expected 3 dot-separated segments, observed ${segments.length}`;
  }
  const [h, p, s] = segments as [string, string, string];
  for (const [seg, name] of [[h, 'header'], [p, 'payload'], [s, 'signature']] as const) {
    if (!B64URL.test(seg)) return `${label} ${name}: expected base64url characters only, observed ${show(seg)}`;
  }
  if (h === '' || p === '') return `${label}: expected non-empty header and payload segments, observed ${show(token)}`;
  const header = decodeJsonSegment(h, `${label} header`);
  if (typeof header === 'string') return header;
  const payload = decodeJsonSegment(p, `${label} payload`);
  if (typeof payload === 'string') return payload;
  return { header, payload, signature: s };
}

/**
 * JSON rendering for messages, truncated so a hostile value cannot flood a report.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function show(value: unknown, max = 100): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * How {@link signCompact} signs. `none` yields an empty signature.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 */
export type ForgeSigner =
  | { alg: 'RS256' | 'ES256'; key: CryptoKey | KeyObject }
  | { alg: 'HS256'; secret: Uint8Array }
  | { alg: 'none' };

function toKeyObject(key: CryptoKey | KeyObject): KeyObject {
  return key instanceof KeyObject ? key : KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
}

/**
 * `b64u(header).b64u(payload).b64u(signature)`, RS256 (RSASSA-PKCS1-v1_5 with SHA-256): the bytes jose's SignJWT
 * writes (each part JSON.stringify'd). The RSA private-key operation (~1 ms, most of a TAAP run's CPU) runs on
 * libuv's thread pool through node's callback `crypto.sign`, so the event loop keeps sending and answering requests
 * on the other core meanwhile; without WebCrypto's key import and promise layers.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 */
export function signRs256Compact(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): Promise<string> {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return new Promise((resolve, reject) => {
    nodeSign('sha256', Buffer.from(input, 'ascii'), key, (err, signature) => (err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`)));
  });
}

/**
 * Produces `b64u(header).b64u(payload).b64u(signature)` for arbitrary (possibly hostile) header and claims.
 * When the header's `alg` equals the signer's algorithm and jose accepts the header, jose `CompactSign` does the
 * work. Otherwise (a forged `alg` such as `"rs256"` or `"None"`, a `crit` jose refuses to emit, ...) the signing
 * input is assembled here and signed with node:crypto, because jose by design will not produce such tokens.
 * Keys set to `undefined` in header or claims are dropped (JSON semantics), which lets tests remove members.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 */
export async function signCompact(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signer: ForgeSigner,
): Promise<string> {
  const payloadJson = JSON.stringify(claims);
  if (signer.alg !== 'none' && header.alg === signer.alg) {
    try {
      const jws = new CompactSign(new TextEncoder().encode(payloadJson)).setProtectedHeader(
        JSON.parse(JSON.stringify(header)) as { alg: string },
      );
      return await jws.sign(signer.alg === 'HS256' ? signer.secret : signer.key);
    } catch (err) {
      if (!(err instanceof errors.JOSEError)) throw err;
      // jose refuses this header (e.g. an unknown crit); fall through to the manual path.
    }
  }
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(payloadJson)}`;
  let signature: Uint8Array;
  switch (signer.alg) {
    case 'none':
      return `${input}.`;
    case 'HS256':
      signature = createHmac('sha256', signer.secret).update(input).digest();
      break;
    case 'RS256':
      return signRs256Compact(header, claims, toKeyObject(signer.key));
    case 'ES256':
      signature = nodeSign('sha256', Buffer.from(input), { key: toKeyObject(signer.key), dsaEncoding: 'ieee-p1363' });
      break;
  }
  return `${input}.${base64url.encode(signature)}`;
}

/**
 * PEM (PKCS#8) text to a KeyObject; key objects pass through. Used only by the manual forging path.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function privateKeyInput(key: CryptoKey | KeyObject | string): CryptoKey | KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}

/**
 * Current time in whole epoch seconds (a JWT NumericDate).
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-2
 */
export function epochNow(): number {
  return Math.floor(Date.now() / 1000);
}
