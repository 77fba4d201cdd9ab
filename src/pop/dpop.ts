/**
 * RFC 9449 DPoP proofs: a builder (with forging hooks for negative tests) for the client side and a verifier for
 * mock authorization and resource servers.
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, EmbeddedJWK, errors, type CryptoKey, type JWK } from 'jose';
import { parseCompact, show, signCompact } from './jws-internal.ts';
import type { ReplayCache } from './replay-cache.ts';

/**
 * Stable failure codes of {@link verifyDpopProof}.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export type DpopErrorCode =
  | 'missing'
  | 'malformed'
  | 'bad_typ'
  | 'bad_alg'
  | 'private_key_in_jwk'
  | 'bad_signature'
  | 'bad_htm'
  | 'bad_htu'
  | 'stale_iat'
  | 'future_iat'
  | 'replayed'
  | 'missing_ath'
  | 'bad_ath'
  | 'jkt_mismatch';

/**
 * The claims of a DPoP proof JWT.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export interface DpopClaims {
  jti: string;
  htm: string;
  htu: string;
  iat: number;
  ath?: string;
  nonce?: string;
  [claim: string]: unknown;
}

/**
 * Outcome of {@link verifyDpopProof}; `jkt` is the RFC 7638 SHA-256 thumbprint of the proof's public key.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export type DpopVerifyResult =
  | { ok: true; jkt: string; claims: DpopClaims }
  | { ok: false; code: DpopErrorCode; message: string };

/**
 * Asymmetric JWS algorithms accepted in a proof (RFC 9449 §4.2: not "none", not a MAC).
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export const DPOP_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

/** JWK members that only a private or symmetric key has. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/**
 * base64url(SHA-256(ASCII access token)): the `ath` claim binding a proof to an access token.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'utf8').digest('base64url');
}

/**
 * RFC 7638 SHA-256 JWK thumbprint (base64url), via jose `calculateJwkThumbprint`: the value of `cnf.jkt` and of
 * `dpop_jkt`.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6.1
 */
export async function jwkThumbprintOf(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

/**
 * Per protected-header segment (which holds the proof's `jwk`): the imported key and its thumbprint. A client sends
 * the same header with every proof, so a verifier imports its key and hashes its thumbprint once, not per proof.
 * Bounded; a failed import or thumbprint is not kept.
 */
const byHeader = new Map<string, { key?: ReturnType<typeof EmbeddedJWK>; jkt?: Promise<string> }>();
const BY_HEADER_MAX = 256;

function headerEntry(segment: string): { key?: ReturnType<typeof EmbeddedJWK>; jkt?: Promise<string> } {
  let e = byHeader.get(segment);
  if (!e) {
    if (byHeader.size >= BY_HEADER_MAX) byHeader.clear();
    byHeader.set(segment, (e = {}));
  }
  return e;
}

function embeddedKeyOf(segment: string, load: () => ReturnType<typeof EmbeddedJWK>): ReturnType<typeof EmbeddedJWK> {
  const e = headerEntry(segment);
  if (!e.key) {
    const key = load();
    key.catch(() => {
      if (e.key === key) delete e.key;
    });
    e.key = key;
  }
  return e.key;
}

function thumbprintOf(segment: string, jwk: JWK): Promise<string> {
  const e = headerEntry(segment);
  if (!e.jkt) {
    const jkt = jwkThumbprintOf(jwk);
    jkt.catch(() => {
      if (e.jkt === jkt) delete e.jkt;
    });
    e.jkt = jkt;
  }
  return e.jkt;
}

/**
 * Options of {@link buildDpopProof}.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export interface DpopBuildOptions {
  privateKey: CryptoKey;
  /** Goes into the `jwk` header; must be public (use `mutate.header.jwk` to forge a private one). */
  publicJwk: JWK;
  /** Default ES256. */
  alg?: 'ES256' | 'RS256';
  htm: string;
  htu: string;
  /** When given, the proof carries `ath` = base64url(SHA-256(accessToken)). */
  accessToken?: string;
  nonce?: string;
  /** Default: now, epoch seconds. */
  iat?: number;
  /** Default: a random UUID v4. */
  jti?: string;
  /** Merged over the header / claims after they are built; a key set to `undefined` is removed. */
  mutate?: { header?: Record<string, unknown>; claims?: Record<string, unknown> };
  /** `none`: header `alg` "none" (unless mutated) and an empty signature. Default `normal`. */
  sign?: 'normal' | 'none';
}

/**
 * Builds a DPoP proof JWT (header `typ` "dpop+jwt", `alg`, `jwk` = the public key; claims `jti`, `htm`, `htu`,
 * `iat`, optional `ath` and `nonce`). With `mutate` / `sign: 'none'` it forges non-conforming proofs.
 * @throws {TypeError} if `publicJwk` contains private key members
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export async function buildDpopProof(opts: DpopBuildOptions): Promise<string> {
  const privateMember = PRIVATE_JWK_MEMBERS.find((m) => m in opts.publicJwk);
  if (privateMember) throw new TypeError(`buildDpopProof publicJwk: expected a public JWK, observed private member "${privateMember}"`);
  const alg = opts.alg ?? 'ES256';
  const header: Record<string, unknown> = {
    typ: 'dpop+jwt',
    alg: opts.sign === 'none' ? 'none' : alg,
    jwk: opts.publicJwk,
    ...opts.mutate?.header,
  };
  const claims: Record<string, unknown> = {
    jti: opts.jti ?? randomUUID(),
    htm: opts.htm,
    htu: opts.htu,
    iat: opts.iat ?? Math.floor(Date.now() / 1000),
    ...(opts.accessToken !== undefined ? { ath: accessTokenHash(opts.accessToken) } : {}),
    ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}),
    ...opts.mutate?.claims,
  };
  return signCompact(header, claims, opts.sign === 'none' ? { alg: 'none' } : { alg, key: opts.privateKey });
}

/**
 * Options of {@link verifyDpopProof}.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export interface DpopVerifyOptions {
  /** The method of the request the proof arrived with. */
  htm: string;
  /** The URI of that request; compared without query and fragment. */
  htu: string;
  /** When given, the proof must carry a matching `ath`. */
  accessToken?: string;
  /** The verifier's clock, epoch seconds. */
  now: number;
  /** Oldest accepted `iat`, as seconds before `now`. Default 300. */
  maxAgeSeconds?: number;
  /** Tolerance for `iat` in either direction. Default 5. */
  clockSkewSeconds?: number;
  /** When given, each `jti` is accepted once (recorded only after every other check passed). */
  replayCache?: ReplayCache;
  /** When given, the proof key's thumbprint must equal it (e.g. the access token's `cnf.jkt`). */
  expectedJkt?: string;
}

/** scheme://authority/path with URL normalisation (case, default port, dot segments), query and fragment dropped. */
function htuKey(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return undefined;
  }
}

/** jose's `typ` comparison: case-insensitive, an "application/" prefix optional (RFC 7515 §4.1.9). */
function normalizeTyp(typ: string): string {
  const t = typ.toLowerCase();
  return t.startsWith('application/') ? t.slice('application/'.length) : t;
}

function fail(code: DpopErrorCode, message: string): DpopVerifyResult {
  return { ok: false, code, message };
}

/**
 * Verifies a DPoP proof per RFC 9449 §4.3, in this order: presence; one well-formed JWT; `typ` "dpop+jwt"; `alg`
 * an asymmetric algorithm (never "none" or HS*); `jwk` a public key; the signature under that `jwk` (jose
 * `compactVerify` with `EmbeddedJWK`, algorithms pinned to {@link DPOP_ALGORITHMS}); `jti`/`htm`/`htu`/`iat`
 * present; `htm` equal (case-sensitive); `htu` equal ignoring query and fragment; `iat` within `maxAgeSeconds`
 * (plus skew) in the past and at most skew in the future; `ath` when `accessToken` is given; `jkt` when
 * `expectedJkt` is given; finally the replay cache (entries kept until `iat + maxAge + skew`). `nonce` is not
 * checked. Never throws for any `proof` value; throws only for an invalid `opts.htu`.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export async function verifyDpopProof(proof: string | undefined, opts: DpopVerifyOptions): Promise<DpopVerifyResult> {
  const expectedHtu = htuKey(opts.htu);
  if (expectedHtu === undefined) throw new TypeError(`verifyDpopProof htu: expected an absolute URI, observed ${show(opts.htu)}`);
  const maxAge = opts.maxAgeSeconds ?? 300;
  const skew = opts.clockSkewSeconds ?? 5;
  const now = opts.now;

  if (proof === undefined || proof === '') return fail('missing', 'DPoP proof: expected a JWT in the DPoP header, observed none');
  const parsed = parseCompact(proof, 'DPoP proof');
  if (typeof parsed === 'string') return fail('malformed', parsed);
  const { header, payload } = parsed;

  if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== 'dpop+jwt') {
    return fail('bad_typ', `DPoP header "typ": expected "dpop+jwt", observed ${show(header.typ)}`);
  }
  if (typeof header.alg !== 'string' || !(DPOP_ALGORITHMS as readonly string[]).includes(header.alg)) {
    return fail('bad_alg', `DPoP header "alg": expected an asymmetric algorithm (${DPOP_ALGORITHMS.join(', ')}), observed ${show(header.alg)}`);
  }
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    return fail('malformed', `DPoP header "jwk": expected a public JWK object, observed ${show(jwk)}`);
  }
  const privateMembers = PRIVATE_JWK_MEMBERS.filter((m) => m in jwk);
  if (privateMembers.length > 0) {
    return fail('private_key_in_jwk', `DPoP header "jwk": expected a public key, observed private member(s) ${privateMembers.map((m) => `"${m}"`).join(', ')}`);
  }

  let keyError: unknown;
  const headerSegment = proof.slice(0, proof.indexOf('.'));
  const embeddedKey: typeof EmbeddedJWK = async (protectedHeader, token) => {
    try {
      return await embeddedKeyOf(headerSegment, () => EmbeddedJWK(protectedHeader, token));
    } catch (err) {
      keyError = err;
      throw err;
    }
  };
  try {
    await compactVerify(proof, embeddedKey, { algorithms: [...DPOP_ALGORITHMS] });
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return fail('bad_signature', `DPoP signature: expected a valid ${header.alg} signature by the "jwk" header key, observed ${show(parsed.signature, 24)} which does not verify`);
    }
    if (keyError === undefined && err instanceof errors.JOSEError) {
      return fail('malformed', `DPoP proof: rejected by the JWS parser: ${err.message}`);
    }
    // jose cannot use the embedded key for this alg (wrong kty or crv, invalid members, RSA modulus under 2048
    // bits, ...). Every key here comes from the proof, so this is always the proof's fault: never rethrow.
    const reason = keyError ?? err;
    return fail('bad_signature', `DPoP header "jwk": expected a public key usable with ${show(header.alg)}, observed one jose rejects (${reason instanceof Error ? reason.message : show(reason)})`);
  }

  for (const c of ['jti', 'htm', 'htu'] as const) {
    if (typeof payload[c] !== 'string' || payload[c] === '') {
      return fail('malformed', `DPoP claim "${c}": expected a non-empty string, observed ${show(payload[c])}`);
    }
  }
  if (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat)) {
    return fail('malformed', `DPoP claim "iat": expected a NumericDate (number), observed ${show(payload.iat)}`);
  }
  const claims = payload as DpopClaims;

  if (claims.htm !== opts.htm) return fail('bad_htm', `DPoP claim "htm": expected ${show(opts.htm)}, observed ${show(claims.htm)}`);
  if (htuKey(claims.htu) !== expectedHtu) {
    return fail('bad_htu', `DPoP claim "htu": expected ${show(expectedHtu)} (query and fragment ignored), observed ${show(claims.htu)}`);
  }
  if (claims.iat > now + skew) {
    return fail('future_iat', `DPoP claim "iat": expected at most now (${now}) plus ${skew} s skew, observed ${claims.iat} (${claims.iat - now} s in the future)`);
  }
  if (now - claims.iat > maxAge + skew) {
    return fail('stale_iat', `DPoP claim "iat": expected at most ${maxAge} s (plus ${skew} s skew) before now (${now}), observed ${claims.iat} (${now - claims.iat} s old)`);
  }
  if (opts.accessToken !== undefined) {
    if (claims.ath === undefined) return fail('missing_ath', `DPoP claim "ath": expected ${show(accessTokenHash(opts.accessToken))} for the presented access token, observed none`);
    const expectedAth = accessTokenHash(opts.accessToken);
    if (claims.ath !== expectedAth) return fail('bad_ath', `DPoP claim "ath": expected ${show(expectedAth)}, observed ${show(claims.ath)}`);
  }

  let jkt: string;
  try {
    jkt = await thumbprintOf(headerSegment, jwk as JWK);
  } catch (err) {
    return fail('malformed', `DPoP header "jwk": expected a key with RFC 7638 thumbprint members, observed ${show(jwk)} (${(err as Error).message})`);
  }
  if (opts.expectedJkt !== undefined && jkt !== opts.expectedJkt) {
    return fail('jkt_mismatch', `DPoP key thumbprint: expected ${show(opts.expectedJkt)}, observed ${show(jkt)}`);
  }

  if (opts.replayCache?.seen(claims.jti, claims.iat + maxAge + skew, now)) {
    return fail('replayed', `DPoP claim "jti": expected a value not used before, observed ${show(claims.jti)} already accepted`);
  }
  return { ok: true, jkt, claims };
}
