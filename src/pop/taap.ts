/**
 * T-Mobile TAAP Proof-of-Possession (PoP) tokens: builders for the client side, a forger for negative tests and a
 * verifier for mock authorization servers.
 *
 * A TAAP PoP token is an RS256 JWS (`{"alg":"RS256","typ":"JWT"}`) whose claims bind it to one HTTP request:
 * `ehts` lists the signed request parts joined with `;` (real header names plus the pseudo-parts `uri`,
 * `http-method` and `body`), and `edts` is base64url(SHA-256(value1 + value2 + ...)) over those parts' values,
 * concatenated in `ehts` order with no separator. Besides `ehts`/`edts` it carries `iat`, `exp`, `jti` and `v: "1"`.
 *
 * ## Boundary shifting (a limitation of the TAAP design, not of this verifier)
 * Because the values are concatenated WITHOUT separators or lengths, `edts` commits only to the concatenation,
 * not to where one value ends and the next begins. For adjacent parts `Content-Type;body`, the request
 * `Content-Type: application/json` + body `Xabc` and the request `Content-Type: application/jsonX` + body `abc`
 * hash identically. (Only ADJACENT parts in `ehts` can trade characters; in T-Mobile's usual order
 * `Content-Type;Authorization;uri;http-method;body` the pairs are Content-Type|Authorization,
 * Authorization|uri, uri|http-method and http-method|body.)
 *
 * A verifier that only recomputes `edts` from the received request therefore accepts every re-split of a signed
 * request. No check that uses only the token can fix this: the token carries a single hash of the concatenation,
 * so every split of the same concatenation is equally consistent with it. A complete fix needs a protocol change
 * (length-prefixed or per-part hashes). {@link verifyTaapPop} adds two sound, partial defences, both reported as
 * `bad_part` AFTER the `edts` check passed:
 * 1. `strictPartSyntax` (default on): each signed value must be well-formed for its kind as it would arrive over
 *    HTTP: `http-method` an RFC 9110 token, `uri` an origin-form target (`/...`, visible ASCII, no `#`), header
 *    values without leading/trailing whitespace or control characters. A genuine request always passes; a shift
 *    that moves whitespace, `{`, or a non-`/` character onto a boundary does not.
 * 2. `pinnedValues`: exact values the server knows independently (its route's method and path, the mandated
 *    `Content-Type: application/json`). A pinned value that was shifted no longer matches.
 * A shift that keeps every value well-formed and touches only unpinned parts (for example moving characters
 * between `Authorization` and an unpinned custom header) still passes: that residue is inherent to TAAP.
 * {@link shiftTaapBoundary} builds such re-split requests so the harness can probe real servers.
 *
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
import { createHash, createPrivateKey, KeyObject, randomUUID, timingSafeEqual, verify as nodeVerify } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, compactVerify, errors, importPKCS8, importSPKI, SignJWT, type CryptoKey } from 'jose';
import { epochNow, parseCompact, privateKeyInput, show, signCompact, signRs256Compact, type ForgeSigner } from './jws-internal.ts';
import { ReplayCache } from './replay-cache.ts';

export { ReplayCache } from './replay-cache.ts';
export type { ReplayCacheOptions } from './replay-cache.ts';

/**
 * The pseudo-parts TAAP can sign besides real headers: the request target (path plus query exactly as sent),
 * the method, and the body. They are matched case-sensitively; every other `ehts` name is a header name.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export const TAAP_PSEUDO_PARTS = ['uri', 'http-method', 'body'] as const;

/**
 * One of {@link TAAP_PSEUDO_PARTS}.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export type TaapPseudoPart = (typeof TAAP_PSEUDO_PARTS)[number];

/**
 * The request a PoP token is bound to, as it is (or will be) on the wire.
 * `headers` should not contain the PoP header (`X-Authorization`) itself.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export interface PopRequest {
  method: string;
  /** Path plus query exactly as sent, not re-encoded. */
  uri: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The claims of a TAAP PoP token.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export interface TaapClaims {
  iat: number;
  exp: number;
  jti: string;
  /** Token format version; always "1". */
  v: string;
  /** Signed part names joined with ";". */
  ehts: string;
  /** base64url(SHA-256(concatenated values of the ehts parts)), no padding. */
  edts: string;
  [claim: string]: unknown;
}

/**
 * Stable failure codes of {@link verifyTaapPop}. `bad_part` is this library's boundary-shift defence (see the
 * module documentation); all others follow the TAAP validation steps.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export type TaapErrorCode =
  | 'missing'
  | 'malformed'
  | 'bad_alg'
  | 'bad_signature'
  | 'missing_claim'
  | 'expired'
  | 'future_iat'
  | 'lifetime_too_long'
  | 'missing_part'
  | 'edts_mismatch'
  | 'replayed'
  | 'bad_version'
  | 'bad_part';

/**
 * Outcome of {@link verifyTaapPop}. Failures carry a message stating what was expected and what was observed.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export type TaapVerifyResult =
  | { ok: true; claims: TaapClaims }
  | { ok: false; code: TaapErrorCode; message: string };

/**
 * Thrown by {@link taapSignedValues} (and so by the builders) when a named header cannot be resolved to exactly
 * one value in the request.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export class TaapPartError extends Error {
  override readonly name = 'TaapPartError';
  constructor(
    readonly part: string,
    readonly reason: 'absent' | 'ambiguous' | 'invalid_name',
    message: string,
  ) {
    super(message);
  }
}

function isPseudo(part: string): part is TaapPseudoPart {
  return (TAAP_PSEUDO_PARTS as readonly string[]).includes(part);
}

/** Canonical form for comparing part names: pseudo-parts exact, header names lower-cased. */
function canonicalPart(part: string): string {
  return isPseudo(part) ? part : part.toLowerCase();
}

/** Finds the one request header whose name matches `name` case-insensitively; returns its actual key. */
function headerKey(headers: Record<string, string>, name: string): string {
  const wanted = name.toLowerCase();
  const keys = Object.keys(headers).filter((k) => k.toLowerCase() === wanted);
  if (keys.length === 0) {
    throw new TaapPartError(name, 'absent', `TAAP part ${show(name)}: expected a request header of that name, observed none`);
  }
  if (keys.length > 1) {
    throw new TaapPartError(
      name,
      'ambiguous',
      `TAAP part ${show(name)}: expected exactly one matching request header, observed ${keys.length} (${keys.map((k) => show(k)).join(', ')})`,
    );
  }
  return keys[0]!;
}

function checkPartName(part: string): void {
  if (part === '' || part.includes(';')) {
    throw new TaapPartError(part, 'invalid_name', `TAAP part name: expected a non-empty name without ";", observed ${show(part)}`);
  }
}

/**
 * The values signed for `parts`, in order: `uri` -> `req.uri`, `http-method` -> `req.method`, `body` -> `req.body`,
 * any other name -> the value of the request header with that name (case-insensitive).
 * @throws {TaapPartError} when a named header is absent or matches more than one request header
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function taapSignedValues(parts: string[], req: PopRequest): string[] {
  return parts.map((part) => {
    checkPartName(part);
    switch (part) {
      case 'uri':
        return req.uri;
      case 'http-method':
        return req.method;
      case 'body':
        return req.body;
      default:
        return req.headers[headerKey(req.headers, part)]!;
    }
  });
}

/**
 * `edts` for `parts` of `req`: base64url without padding of SHA-256 over the UTF-8 bytes of the values
 * concatenated in order with no separator.
 * @throws {TaapPartError} as {@link taapSignedValues}
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function computeEdts(parts: string[], req: PopRequest): string {
  return createHash('sha256').update(taapSignedValues(parts, req).join(''), 'utf8').digest('base64url');
}

/**
 * The default signed parts: every header of `req.headers` in insertion order, then `uri`, `http-method`, `body`.
 * @throws {TaapPartError} if a header is named like a pseudo-part (it would be ambiguous in `ehts`)
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function defaultTaapParts(req: PopRequest): string[] {
  const headers = Object.keys(req.headers);
  for (const h of headers) {
    if (isPseudo(h.toLowerCase())) {
      throw new TaapPartError(h, 'invalid_name', `TAAP header name: expected no clash with pseudo-parts ${TAAP_PSEUDO_PARTS.join(', ')}, observed ${show(h)}`);
    }
  }
  return [...headers, ...TAAP_PSEUDO_PARTS];
}

/**
 * Options of {@link buildTaapPop}.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export interface TaapBuildOptions {
  /** The client's RSA private key; a string is PEM PKCS#8. */
  privateKey: CryptoKey | KeyObject | string;
  request: PopRequest;
  /** Signed parts in order. Default: {@link defaultTaapParts}. */
  parts?: string[];
  /** `exp - iat`. Default 120 (what T-Mobile's own example token uses; its text says 60). */
  lifetimeSeconds?: number;
  /** `iat`, epoch seconds. Default: now. */
  now?: number;
  /** Default: a random UUID v4. */
  jti?: string;
}

function taapClaimsFor(opts: Omit<TaapBuildOptions, 'privateKey'>, edtsOverride?: string): TaapClaims {
  const parts = opts.parts ?? defaultTaapParts(opts.request);
  const iat = opts.now ?? epochNow();
  return {
    iat,
    exp: iat + (opts.lifetimeSeconds ?? 120),
    jti: opts.jti ?? randomUUID(),
    v: '1',
    ehts: parts.join(';'),
    edts: edtsOverride ?? computeEdts(parts, opts.request),
  };
}

async function rsaPrivateKey(key: CryptoKey | KeyObject | string): Promise<CryptoKey | KeyObject> {
  return typeof key === 'string' ? importPKCS8(key, 'RS256') : key;
}

/**
 * Builds a conforming TAAP PoP token for `opts.request`.
 * @returns the compact JWS to send in `X-Authorization`
 * @throws {TaapPartError} when a part names a header the request lacks or carries twice
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export async function buildTaapPop(opts: TaapBuildOptions): Promise<string> {
  const claims = taapClaimsFor(opts);
  const k = rsaSigningKey(opts.privateKey);
  if (!k) return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(await rsaPrivateKey(opts.privateKey));
  // RSASSA-PKCS1-v1_5 is deterministic, so the token is byte-identical to jose's.
  return signRs256Compact({ alg: 'RS256', typ: 'JWT' }, claims, k);
}

/** Node key objects of the signing keys seen (PEM text bounded; CryptoKeys weakly held). */
const signingPems = new Map<string, KeyObject | null>();
const signingCryptoKeys = new WeakMap<CryptoKey, KeyObject | null>();

/**
 * The private RSA key (2048 bits or more, jose's floor) as a node KeyObject for synchronous RS256 signing, or
 * undefined when it is anything else (then jose signs, and reports an unusable key as before).
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.3
 */
function rsaSigningKey(key: CryptoKey | KeyObject | string): KeyObject | undefined {
  const usable = (k: KeyObject) => (k.type === 'private' && k.asymmetricKeyType === 'rsa' && (k.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048 ? k : null);
  const convert = (f: () => KeyObject) => {
    try {
      return usable(f());
    } catch {
      return null;
    }
  };
  if (key instanceof KeyObject) return usable(key) ?? undefined;
  if (typeof key === 'string') {
    if (!signingPems.has(key)) {
      if (signingPems.size >= 64) signingPems.clear();
      signingPems.set(key, convert(() => createPrivateKey(key)));
    }
    return signingPems.get(key) ?? undefined;
  }
  if (!signingCryptoKeys.has(key)) signingCryptoKeys.set(key, convert(() => KeyObject.from(key as Parameters<typeof KeyObject.from>[0])));
  return signingCryptoKeys.get(key) ?? undefined;
}

/**
 * Options of {@link forgeTaapPop}: those of {@link buildTaapPop} (with `privateKey` needed only for `rs256`) plus
 * the forgery.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export interface TaapForgeOptions extends Omit<TaapBuildOptions, 'privateKey'> {
  privateKey?: CryptoKey | KeyObject | string;
  /** Merged over the protected header / claims after they are built; a key set to `undefined` is removed. */
  mutate?: { header?: Record<string, unknown>; claims?: Record<string, unknown> };
  /**
   * `rs256` (default): a real RS256 signature with `privateKey`. `none`: header `alg` "none" and an empty
   * signature. `{ hs256Secret }`: header `alg` "HS256", HMAC-SHA-256 keyed with the secret (for algorithm
   * confusion, pass the public key's PEM bytes). `mutate.header.alg` may override the header alg in every mode;
   * the signature is still made as the mode says.
   */
  sign?: 'rs256' | 'none' | { hs256Secret: Uint8Array };
  /** Replaces the computed `edts` (before `mutate.claims` is applied). */
  edtsOverride?: string;
}

/**
 * Builds a deliberately non-conforming TAAP PoP token for negative tests: `alg: none`, HS256 keyed with public
 * key bytes, overridden or removed header members and claims, a wrong `edts`.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export async function forgeTaapPop(opts: TaapForgeOptions): Promise<string> {
  const claims: Record<string, unknown> = { ...taapClaimsFor(opts, opts.edtsOverride), ...opts.mutate?.claims };
  const mode = opts.sign ?? 'rs256';
  let signer: ForgeSigner;
  if (mode === 'none') signer = { alg: 'none' };
  else if (mode === 'rs256') {
    if (opts.privateKey === undefined) throw new TypeError('forgeTaapPop: sign "rs256" needs privateKey');
    signer = { alg: 'RS256', key: privateKeyInput(opts.privateKey) };
  } else signer = { alg: 'HS256', secret: mode.hs256Secret };
  const header: Record<string, unknown> = { alg: signer.alg, typ: 'JWT', ...opts.mutate?.header };
  return signCompact(header, claims, signer);
}

/**
 * Decodes a TAAP PoP token WITHOUT verifying it, for reports and fixtures.
 * @throws when the token is not a decodable JWT
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function decodeTaapPop(token: string): { header: Record<string, unknown>; claims: Partial<TaapClaims> & Record<string, unknown> } {
  return {
    header: decodeProtectedHeader(token) as Record<string, unknown>,
    claims: decodeJwt(token) as Partial<TaapClaims> & Record<string, unknown>,
  };
}

/**
 * Options of {@link verifyTaapPop}.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export interface TaapVerifyOptions {
  /** The registered client public key; a string is PEM SPKI. */
  publicKey: CryptoKey | KeyObject | string;
  /** The request as actually received. */
  request: PopRequest;
  /** Parts that must appear in `ehts` (header names case-insensitive). */
  requiredParts: string[];
  /** Largest accepted `exp - iat`. */
  maxLifetimeSeconds: number;
  /** Tolerance for `exp` and `iat`. Default 5. */
  clockSkewSeconds?: number;
  /** The verifier's clock, epoch seconds. */
  now: number;
  /** When given, each `jti` is accepted once (recorded only after every other check passed). */
  replayCache?: ReplayCache;
  /** Boundary-shift defence 1 (see the module documentation). Default true; false gives a pure `edts` check. */
  strictPartSyntax?: boolean;
  /**
   * Boundary-shift defence 2: part name -> the exact value it must have (header names case-insensitive), for parts
   * the server knows independently, e.g. `{ 'http-method': 'POST', uri: '/oauth2/v2/tokens', 'Content-Type':
   * 'application/json' }`. Only applied to parts listed in `ehts`.
   */
  pinnedValues?: Record<string, string>;
}

const REQUIRED_CLAIMS = ['iat', 'exp', 'jti', 'v', 'ehts', 'edts'] as const;
const TOKEN_CHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/; // RFC 9110 §5.6.2 token
const ORIGIN_FORM = /^\/[\x21-\x22\x24-\x7e]*$/; // "/" then visible ASCII except "#"
const BAD_FIELD_CHARS = /[\x00-\x08\x0a-\x1f\x7f]/; // CTLs except HTAB (RFC 9110 §5.5)

/** Why a signed value could not have arrived as-is in a well-formed HTTP request, or undefined if it could. */
function syntaxProblem(part: string, value: string): string | undefined {
  switch (part) {
    case 'body':
      return undefined;
    case 'http-method':
      return TOKEN_CHARS.test(value) ? undefined : 'an RFC 9110 method token';
    case 'uri':
      return ORIGIN_FORM.test(value) ? undefined : 'an origin-form target ("/" then visible ASCII, no "#")';
    default:
      return BAD_FIELD_CHARS.test(value) || /^[ \t]|[ \t]$/.test(value)
        ? 'a field value without control characters or leading/trailing whitespace'
        : undefined;
  }
}

function fail(code: TaapErrorCode, message: string): TaapVerifyResult {
  return { ok: false, code, message };
}

/** Imported PEM public keys, so a verifier given the same PEM again does not parse it again (bounded). */
const importedPublicKeys = new Map<string, Promise<CryptoKey | KeyObject>>();

async function rsaPublicKey(key: CryptoKey | KeyObject | string): Promise<CryptoKey | KeyObject> {
  if (key instanceof KeyObject && (key.type !== 'public' || key.asymmetricKeyType !== 'rsa')) {
    // jose would refuse it too, but an EC key with an error jose classes as the token's (JOSENotSupported), so the
    // token would be called malformed for the registered key's fault.
    throw new TypeError(`TAAP verify: the registered key must be an RSA public key (RS256), got a ${key.type} ${key.asymmetricKeyType ?? 'secret'} key`);
  }
  if (typeof key !== 'string') return key;
  let imported = importedPublicKeys.get(key);
  if (!imported) {
    if (importedPublicKeys.size >= 64) importedPublicKeys.clear();
    imported = importSPKI(key, 'RS256');
    imported.catch(() => importedPublicKeys.delete(key));
    importedPublicKeys.set(key, imported);
  }
  return imported;
}

/** Node key objects of imported CryptoKeys, so each key is converted once. */
const nodeKeys = new WeakMap<CryptoKey, KeyObject>();

/**
 * The RS256 signature check (RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256 over the JWS signing input) by node's
 * synchronous `crypto.verify`: one RSA-2048 verification takes tens of microseconds, while jose's WebCrypto path
 * adds a thread-pool round trip per token that dominated a verification. Only for a public RSA key of at least
 * 2048 bits (jose's own floor) and a header without `crit` or `b64` (RFC 7515 §4.1.11, RFC 7797), whose processing
 * is left to jose: then the result is undefined. The caller has checked `alg` is RS256 and the segments' alphabet.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.3
 */
function rs256Verifies(token: string, header: Record<string, unknown>, signature: string, key: CryptoKey | KeyObject): boolean | undefined {
  if ('crit' in header || 'b64' in header) return undefined;
  let k: KeyObject | undefined = key instanceof KeyObject ? key : nodeKeys.get(key);
  if (!k) {
    try {
      k = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    } catch {
      return undefined;
    }
    nodeKeys.set(key as CryptoKey, k);
  }
  if (k.type !== 'public' || k.asymmetricKeyType !== 'rsa' || (k.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
  const input = token.slice(0, token.length - signature.length - 1);
  return nodeVerify('sha256', Buffer.from(input, 'ascii'), k, Buffer.from(signature, 'base64url'));
}

/**
 * Verifies a TAAP PoP token against the request it arrived with, in this order: presence; compact-JWS shape;
 * header `alg` exactly "RS256" (anything else, including "none", "HS256" or "rs256", is `bad_alg`); the RS256
 * signature under `publicKey` (jose `compactVerify` pinned to RS256); required claims and their types; `v`;
 * `exp`, `iat`, lifetime; `requiredParts` present in `ehts`; every `ehts` header present in the request; `edts`
 * recomputed from the ACTUAL request and compared case-sensitively (constant time); boundary-shift defences
 * (`bad_part`); finally the replay cache (so a rejected token never consumes its `jti`).
 *
 * Never throws for any `token` value (it returns `{ ok: false }`); throws only for an unusable `publicKey`.
 *
 * Boundary shifting: a pure `edts` check is vulnerable, inherently so (see the module documentation). With
 * `strictPartSyntax` and `pinnedValues` this verifier rejects the re-splits that produce an ill-formed or
 * unexpected value, which is all a token-only check can do.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export async function verifyTaapPop(token: string | undefined, opts: TaapVerifyOptions): Promise<TaapVerifyResult> {
  const key = await rsaPublicKey(opts.publicKey);
  const skew = opts.clockSkewSeconds ?? 5;
  const now = opts.now;

  if (token === undefined || token === '') return fail('missing', 'PoP token: expected a compact JWS, observed none');
  const parsed = parseCompact(token, 'PoP token');
  if (typeof parsed === 'string') return fail('malformed', parsed);
  const { header, payload } = parsed;

  if (header.alg !== 'RS256') return fail('bad_alg', `PoP header "alg": expected "RS256", observed ${show(header.alg)}`);

  // An RSA key of 2048 bits or more is checked synchronously (see rs256Verifies); anything else goes through jose on
  // the thread pool while the claims and parts are checked here. Either way a bad signature decides the verdict
  // first, exactly as if it had been checked first.
  const sync = rs256Verifies(token, header, parsed.signature, key);
  if (sync === false) {
    return fail('bad_signature', `PoP signature: expected a valid RS256 signature by the registered client key, observed ${show(parsed.signature, 24)} which does not verify`);
  }
  const signature = sync === true ? Promise.resolve(undefined) : compactVerify(token, key, { algorithms: ['RS256'] }).then(() => undefined, (err: unknown) => ({ err }));
  let judged: TaapVerifyResult | { thrown: unknown };
  try {
    judged = judgeTaapClaims(payload, opts, now, skew);
  } catch (thrown) {
    judged = { thrown };
  }
  const sigFailure = await signature;
  if (sigFailure) {
    const { err } = sigFailure;
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return fail('bad_signature', `PoP signature: expected a valid RS256 signature by the registered client key, observed ${show(parsed.signature, 24)} which does not verify`);
    }
    if (err instanceof errors.JOSEAlgNotAllowed) return fail('bad_alg', `PoP header "alg": expected "RS256", observed ${show(header.alg)}`);
    if (err instanceof errors.JOSEError) return fail('malformed', `PoP token: rejected by the JWS parser: ${err.message}`);
    throw err; // a key or runtime problem, not something the token caused
  }
  if ('thrown' in judged) throw judged.thrown;
  if (!judged.ok) return judged;
  const { claims } = judged;

  if (opts.replayCache?.seen(claims.jti, claims.exp + skew, now)) {
    return fail('replayed', `PoP "jti": expected a value not used before, observed ${show(claims.jti)} already accepted (cached until ${claims.exp + skew})`);
  }
  return { ok: true, claims };
}

/**
 * The claim and part checks of {@link verifyTaapPop} after the signature (required claims and their types; `v`;
 * `exp`, `iat`, lifetime; `ehts` parts; `edts`; boundary-shift defences), in that order; the replay cache is not
 * consulted here.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
function judgeTaapClaims(payload: Record<string, unknown>, opts: TaapVerifyOptions, now: number, skew: number): TaapVerifyResult {
  const missing = REQUIRED_CLAIMS.filter((c) => payload[c] === undefined);
  if (missing.length > 0) {
    return fail('missing_claim', `PoP claims: expected ${REQUIRED_CLAIMS.join(', ')}, observed no ${missing.map((c) => `"${c}"`).join(', ')} in ${show(Object.keys(payload))}`);
  }
  for (const c of ['iat', 'exp'] as const) {
    if (typeof payload[c] !== 'number' || !Number.isFinite(payload[c])) {
      return fail('malformed', `PoP "${c}": expected a NumericDate (number), observed ${show(payload[c])}`);
    }
  }
  for (const c of ['jti', 'v', 'ehts', 'edts'] as const) {
    if (typeof payload[c] !== 'string') return fail('malformed', `PoP "${c}": expected a string, observed ${show(payload[c])}`);
  }
  const claims = payload as TaapClaims;
  if (claims.jti === '') return fail('malformed', 'PoP "jti": expected a non-empty string, observed ""');

  if (claims.v !== '1') return fail('bad_version', `PoP "v": expected "1", observed ${show(claims.v)}`);

  if (now >= claims.exp + skew) {
    return fail('expired', `PoP "exp": expected later than now (${now}) minus ${skew} s skew, observed ${claims.exp} (${now - claims.exp} s ago)`);
  }
  if (claims.iat > now + skew) {
    return fail('future_iat', `PoP "iat": expected at most now (${now}) plus ${skew} s skew, observed ${claims.iat} (${claims.iat - now} s in the future)`);
  }
  const lifetime = claims.exp - claims.iat;
  if (lifetime < 0) return fail('malformed', `PoP "exp" - "iat": expected a non-negative lifetime, observed ${lifetime} s`);
  if (lifetime > opts.maxLifetimeSeconds) {
    return fail('lifetime_too_long', `PoP "exp" - "iat": expected at most ${opts.maxLifetimeSeconds} s, observed ${lifetime} s`);
  }

  const parts = claims.ehts.split(';');
  if (parts.some((p) => p === '')) return fail('malformed', `PoP "ehts": expected ";"-separated non-empty part names, observed ${show(claims.ehts)}`);
  const signedSet = new Set(parts.map(canonicalPart));
  for (const required of opts.requiredParts) {
    if (!signedSet.has(canonicalPart(required))) {
      return fail('missing_part', `PoP "ehts": expected to include ${show(required)}, observed ${show(claims.ehts)}`);
    }
  }

  let values: string[];
  try {
    values = taapSignedValues(parts, opts.request);
  } catch (err) {
    if (!(err instanceof TaapPartError)) throw err;
    if (err.reason === 'absent') {
      return fail('missing_part', `PoP "ehts" names ${show(err.part)}: expected that header in the request, observed headers ${show(Object.keys(opts.request.headers))}`);
    }
    return fail('bad_part', err.message);
  }

  const expectedEdts = createHash('sha256').update(values.join(''), 'utf8').digest('base64url');
  const a = Buffer.from(expectedEdts);
  const b = Buffer.from(claims.edts);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return fail('edts_mismatch', `PoP "edts": expected ${show(expectedEdts)} (SHA-256 of the received request's ${show(claims.ehts)} values), observed ${show(claims.edts)}`);
  }

  // edts matched. Everything below targets requests re-split along part boundaries (see the module docs).
  if (opts.strictPartSyntax ?? true) {
    for (const [i, part] of parts.entries()) {
      const problem = syntaxProblem(part, values[i]!);
      if (problem) return fail('bad_part', `PoP part ${show(part)}: expected ${problem}, observed ${show(values[i])}`);
    }
  }
  if (opts.pinnedValues) {
    const pins = new Map(Object.entries(opts.pinnedValues).map(([k, v]) => [canonicalPart(k), v]));
    for (const [i, part] of parts.entries()) {
      const pinned = pins.get(canonicalPart(part));
      if (pinned !== undefined && pinned !== values[i]) {
        return fail('bad_part', `PoP part ${show(part)}: expected ${show(pinned)}, observed ${show(values[i])}`);
      }
    }
  }

  return { ok: true, claims };
}

/**
 * Re-splits `req` along the boundary between `parts[index]` and `parts[index + 1]`, keeping the concatenation of
 * the signed values (and so `edts`) unchanged. `shift > 0` moves the first `shift` characters of the next value to
 * the end of this one; `shift < 0` moves the last `-shift` characters of this value to the start of the next.
 * Lets the harness check whether a server accepts re-split requests (see the module documentation).
 * @throws {RangeError} if the shift does not fit, {@link TaapPartError} if a part cannot be resolved, and
 *   `Error` if a part appears twice in `parts` (its two occurrences could not both change)
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function shiftTaapBoundary(req: PopRequest, parts: string[], index: number, shift: number): PopRequest {
  if (!Number.isInteger(index) || index < 0 || index + 1 >= parts.length) {
    throw new RangeError(`shiftTaapBoundary index: expected 0..${parts.length - 2}, observed ${index}`);
  }
  const here = parts[index]!;
  const next = parts[index + 1]!;
  for (const p of [here, next]) {
    if (parts.filter((q) => canonicalPart(q) === canonicalPart(p)).length > 1) {
      throw new Error(`shiftTaapBoundary: part ${show(p)} appears more than once in ${show(parts.join(';'))}`);
    }
  }
  let [a, b] = taapSignedValues([here, next], req) as [string, string];
  if (shift > 0) {
    if (shift > b.length) throw new RangeError(`shiftTaapBoundary shift: expected at most ${b.length}, observed ${shift}`);
    [a, b] = [a + b.slice(0, shift), b.slice(shift)];
  } else if (shift < 0) {
    if (-shift > a.length) throw new RangeError(`shiftTaapBoundary shift: expected at least ${-a.length}, observed ${shift}`);
    [a, b] = [a.slice(0, a.length + shift), a.slice(a.length + shift) + b];
  }
  const out: PopRequest = { ...req, headers: { ...req.headers } };
  const assign = (part: string, value: string): void => {
    if (part === 'uri') out.uri = value;
    else if (part === 'http-method') out.method = value;
    else if (part === 'body') out.body = value;
    else out.headers[headerKey(out.headers, part)] = value;
  };
  assign(here, a);
  assign(next, b);
  return out;
}
