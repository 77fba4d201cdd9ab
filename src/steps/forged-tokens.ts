/**
 * Probe tokens for the protected resource: a random bearer value that was never issued, malformed Authorization
 * values, and — when an issued access token is a compact JWS, whatever the spec calls it — forged copies of it
 * (RFC 7515 §7.1 compact serialisation): `alg: none`, re-signed with a key the server never saw, and one claim
 * changed under the original signature. Pure helpers except for key generation; nothing here sends a request.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
import { generateKeyPair as generateNodeKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { CompactSign, generateKeyPair } from 'jose';
import { testKeyPair } from '../../providers/keys/test-keys.ts';

/** A compact JWS split into its parts, with the decoded protected header and payload. */
export interface JwsParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The three base64url segments as issued. */
  segments: [string, string, string];
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Decodes a base64url segment as a JSON object, or undefined. */
function jsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The parts of `token` when it is a compact JWS by shape: three base64url segments, a JSON header with a string
 * `alg` and a JSON object payload (RFC 7515 §7.1; RFC 7519 §7.2). Undefined for an opaque token.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function jwsParts(token: string): JwsParts | undefined {
  const segments = token.split('.');
  if (segments.length !== 3) return undefined;
  const [h, p, s] = segments as [string, string, string];
  if (!B64URL.test(h) || !B64URL.test(p) || (s !== '' && !B64URL.test(s))) return undefined;
  const header = jsonSegment(h);
  const payload = jsonSegment(p);
  if (!header || typeof header.alg !== 'string' || !payload) return undefined;
  return { header, payload, segments: [h, p, s] };
}

const encode = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');

/** A random bearer value of the usual length, in the b64token alphabet, that no server issued (RFC 6750 §2.1). */
export function bogusBearerToken(): string {
  return `oauthgate-bogus-${randomBytes(24).toString('base64url')}`;
}

/** A malformed Authorization value built from a real token, and what makes it malformed. */
export interface MalformedProbe {
  name: string;
  /** The credentials after "Bearer ". */
  credentials: string;
}

/**
 * Authorization values that break RFC 6750 §2.1's syntax (`credentials = "Bearer" 1*SP b64token`): the issued
 * token followed by a space and more text (a server that reads the first word accepts it), and the issued token
 * with a character outside b64token appended.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function malformedBearerProbes(issued: string): MalformedProbe[] {
  return [
    { name: 'the issued token followed by a space and more text', credentials: `${issued} oauthgate-extra` },
    { name: 'the issued token with a character outside b64token appended', credentials: `${issued}"` },
  ];
}

/** The `alg: none` copy of a JWS: same payload, header alg "none", empty signature (RFC 7519 §6.1). */
export function algNoneCopy(jws: JwsParts): string {
  return `${encode({ ...jws.header, alg: 'none' })}.${jws.segments[1]}.`;
}

const generateRsaKeyPair = promisify(generateNodeKeyPair);
let unregistered: Promise<KeyObject> | undefined;
/**
 * An RSA private key no client registered and no server holds (the TAAP suite's stranger, the RS256 re-signed copy). For a mock it is the fixed test key shipped with the project
 * (providers/keys/unregistered-client.json: no generation at all). For a live target it is made once per process
 * and off the event loop (node:crypto generates it on the libuv thread pool), because a published test key is
 * never used to sign anything sent to a live target. A failed generation is not cached.
 */
export function unregisteredKey(live: boolean): Promise<KeyObject> {
  if (!live) return Promise.resolve(testKeyPair('unregistered-client').privateKey);
  if (!unregistered) {
    const made = generateRsaKeyPair('rsa', { modulusLength: 2048 }).then((pair) => pair.privateKey);
    made.catch(() => {
      if (unregistered === made) unregistered = undefined;
    });
    unregistered = made;
  }
  return unregistered;
}

/** Foreign private keys by algorithm, made once per process (a failed generation is not kept). */
const foreignKeys = new Map<string, ReturnType<typeof generateKeyPair>>();

/**
 * A private key of algorithm `alg` that no server has seen: generated on first use and kept for the process, since
 * an RSA key costs 0.1-0.5 s of CPU and any key the server does not hold proves the same thing.
 */
function foreignKey(alg: string): ReturnType<typeof generateKeyPair> {
  let made = foreignKeys.get(alg);
  if (!made) {
    made = generateKeyPair(alg);
    foreignKeys.set(alg, made);
    made.catch(() => {
      if (foreignKeys.get(alg) === made) foreignKeys.delete(alg);
    });
  }
  return made;
}

/**
 * A copy of a JWS signed with a key of the same algorithm that the server never saw (same header, kid included,
 * same payload bytes): a server that verifies against its own keys must refuse it. Throws for an algorithm jose
 * cannot generate a key for. An RS256 copy is signed with {@link unregisteredKey}: for a bundled mock
 * (`live: false`) the shipped test key the mocks never register; for a live target, or when `live` is not given, a
 * key generated for the process, as a published key never signs what a live target gets.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export async function reSignedCopy(jws: JwsParts, opts: { live?: boolean } = {}): Promise<string> {
  const alg = String(jws.header.alg);
  const key = /^HS\d+$/.test(alg) ? randomBytes(64) : alg === 'RS256' ? await unregisteredKey(opts.live !== false) : (await foreignKey(alg)).privateKey;
  return new CompactSign(Buffer.from(jws.segments[1], 'base64url')).setProtectedHeader(jws.header as { alg: string }).sign(key);
}

/** A claim changed under the original signature, and how. */
export interface ChangedClaimProbe {
  claim: 'scope' | 'exp' | 'aud';
  token: string;
}

/**
 * Copies of a JWS with one claim changed and the header and signature left as issued: `scope` widened, `exp` a
 * day later, `aud` another audience — one copy for each of those claims the token carries.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export function changedClaimCopies(jws: JwsParts): ChangedClaimProbe[] {
  const out: ChangedClaimProbe[] = [];
  const copy = (claim: ChangedClaimProbe['claim'], value: unknown) =>
    out.push({ claim, token: `${jws.segments[0]}.${encode({ ...jws.payload, [claim]: value })}.${jws.segments[2]}` });
  const p = jws.payload;
  if (typeof p.scope === 'string') copy('scope', `${p.scope} oauthgate-admin`.trim());
  if (typeof p.exp === 'number') copy('exp', p.exp + 86_400);
  if (p.aud !== undefined) copy('aud', 'oauthgate-other-audience');
  return out;
}
