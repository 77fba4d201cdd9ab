/**
 * Signed evidence (`<out>/evidence.jws`): a compact JWS (jose) over a manifest holding the SHA-256 of summary.json,
 * the spec files' hashes as the run recorded them, and the SHA-256 of every report file under the output folder
 * (except the generated HTML in `allure-report/`, which `oauthgate report` adds later, and the run's lock file). `oauthgate verify-report`
 * checks the signature, then every file against the manifest, and names each file that changed, vanished or appeared.
 * @see https://www.rfc-editor.org/rfc/rfc7515
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { CompactSign, compactVerify, createLocalJWKSet, calculateJwkThumbprint, exportJWK, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { UserError } from '../errors.ts';
import { RUN_LOCK_FILE } from '../io/out-dir.ts';
import type { Summary } from './summary.ts';
import { sha256Hex } from './specs.ts';
import { writeFileAtomic } from './summary.ts';

/** The signed file's name inside the output folder. */
export const EVIDENCE_FILE = 'evidence.jws';
/** Folders under the output folder that the signature does not cover (generated after the run). */
export const UNSIGNED_DIRS = ['allure-report'];
/** JWS `typ` of the evidence. */
export const EVIDENCE_TYP = 'oauthgate-evidence+jws';

/** What the JWS signs. */
export interface EvidenceManifest {
  harness: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  summarySha256: string;
  specs: { id: string; file: string; sha256: string }[];
  /** Path relative to the output folder (forward slashes) → SHA-256 of the file's bytes. */
  files: Record<string, string>;
}

/** Every file under `dir` the signature covers, as sorted relative paths with forward slashes. */
export function coveredFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const rel = relative(dir, p).split(sep).join('/');
      if (UNSIGNED_DIRS.includes(rel) || rel === EVIDENCE_FILE || rel === RUN_LOCK_FILE || /\.tmp$/.test(name)) continue;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** Hashes of every covered file. */
export function hashFiles(dir: string): Record<string, string> {
  return Object.fromEntries(coveredFiles(dir).map((f) => [f, sha256Hex(readFileSync(join(dir, f)))]));
}

/** The JWS algorithm for a key: RS256, PS256, ES256/384/512 or EdDSA. */
export function algorithmFor(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return 'RS256';
    case 'rsa-pss':
      return 'PS256';
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'ES256';
      if (curve === 'secp384r1') return 'ES384';
      if (curve === 'secp521r1') return 'ES512';
      throw new Error(`unsupported EC curve ${curve}`);
    }
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
  }
}

/** Reads a PEM private key for signing; bad input names the file, never the key. */
export function loadSigningKey(file: string, display = file): { key: KeyObject; alg: string } {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (e) {
    throw new UserError(`--sign-key ${display}: cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new UserError(`--sign-key ${display}: expected a PEM private key (PKCS#8, PKCS#1 or SEC1), observed something else`);
  }
  try {
    return { key, alg: algorithmFor(key) };
  } catch (e) {
    throw new UserError(`--sign-key ${display}: ${(e as Error).message} (use RSA, EC P-256/384/521 or Ed25519)`);
  }
}

/** The manifest of an output folder as it is now. */
export function buildManifest(dir: string, summary: Summary): EvidenceManifest {
  const files = hashFiles(dir);
  const summarySha256 = files['summary.json'];
  if (!summarySha256) throw new Error(`${dir}: no summary.json to sign`);
  return {
    harness: summary.harness,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    summarySha256,
    specs: summary.specs.map((s) => ({ id: s.id, file: s.file, sha256: s.sha256 })),
    files,
  };
}

/** Signs the output folder: writes `evidence.jws` and returns its path. */
export async function signReport(dir: string, summary: Summary, signer: { key: KeyObject; alg: string }): Promise<string> {
  const manifest = buildManifest(dir, summary);
  const kid = await calculateJwkThumbprint(await exportJWK(createPublicKey(signer.key)));
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(manifest)))
    .setProtectedHeader({ alg: signer.alg, typ: EVIDENCE_TYP, kid })
    .sign(signer.key);
  const file = join(dir, EVIDENCE_FILE);
  writeFileAtomic(file, `${jws}\n`);
  return file;
}

/** A verification key: a PEM public key (or certificate), or a JWKS file. */
export type VerifyKey = { kind: 'pem'; key: KeyObject } | { kind: 'jwks'; jwks: JSONWebKeySet };

/** Reads a verification key file; bad input names the file. */
export function loadVerifyKey(file: string, display = file): VerifyKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`--key ${display}: cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (text.trimStart().startsWith('{')) {
    let jwks: unknown;
    try {
      jwks = JSON.parse(text);
    } catch {
      throw new UserError(`--key ${display}: expected a PEM public key or a JWKS ({"keys": [...]}), observed invalid JSON`);
    }
    if (!jwks || !Array.isArray((jwks as { keys?: unknown }).keys)) throw new UserError(`--key ${display}: keys: expected an array of JWKs`);
    const keys = (jwks as JSONWebKeySet).keys;
    if (keys.some((k) => 'd' in k)) throw new UserError(`--key ${display}: keys: expected public keys, observed a private key (member "d")`);
    return { kind: 'jwks', jwks: jwks as JSONWebKeySet };
  }
  try {
    return { kind: 'pem', key: createPublicKey(text) };
  } catch {
    throw new UserError(`--key ${display}: expected a PEM public key or a JWKS file, observed something else`);
  }
}

/** A JWKS whose keys without `kid` get their RFC 7638 thumbprint as kid (the signer puts it in the JWS header). */
async function withThumbprintKids(jwks: JSONWebKeySet): Promise<JSONWebKeySet> {
  return { keys: await Promise.all(jwks.keys.map(async (k) => (k.kid ? k : { ...k, kid: await calculateJwkThumbprint(k) }))) };
}

/** The outcome of verifying an output folder. */
export interface VerifyResult {
  ok: boolean;
  /** Problems, one line each, naming the file. */
  problems: string[];
  header?: JWSHeaderParameters;
  manifest?: EvidenceManifest;
}

/** Verifies `dir/evidence.jws` with `key`, then every covered file against the signed hashes. */
export async function verifyReport(dir: string, key: VerifyKey): Promise<VerifyResult> {
  const jwsFile = join(dir, EVIDENCE_FILE);
  if (!existsSync(jwsFile)) return { ok: false, problems: [`${EVIDENCE_FILE}: missing (was the run signed with --sign-key?)`] };
  const jws = readFileSync(jwsFile, 'utf8').trim();
  let payload: Uint8Array;
  let header: JWSHeaderParameters;
  try {
    const r = key.kind === 'pem' ? await compactVerify(jws, key.key) : await compactVerify(jws, createLocalJWKSet(await withThumbprintKids(key.jwks)));
    payload = r.payload;
    header = r.protectedHeader;
  } catch (e) {
    return { ok: false, problems: [`${EVIDENCE_FILE}: signature does not verify with the given key (${(e as { code?: string }).code ?? (e as Error).message})`] };
  }
  let manifest: EvidenceManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(payload)) as EvidenceManifest;
    if (!manifest.files || typeof manifest.files !== 'object') throw new Error('no files');
  } catch {
    return { ok: false, problems: [`${EVIDENCE_FILE}: signed payload is not an oauthgate evidence manifest`], header };
  }
  const problems: string[] = [];
  const now = hashFiles(dir);
  for (const [f, h] of Object.entries(manifest.files)) {
    if (!(f in now)) problems.push(`${f}: missing (signed, now absent)`);
    else if (now[f] !== h) problems.push(`${f}: changed (SHA-256 ${now[f]!.slice(0, 16)}…, signed ${h.slice(0, 16)}…)`);
  }
  for (const f of Object.keys(now)) if (!(f in manifest.files)) problems.push(`${f}: added (not covered by the signature)`);
  if (manifest.files['summary.json'] !== manifest.summarySha256) problems.push(`${EVIDENCE_FILE}: summarySha256 does not match the signed summary.json hash`);
  return { ok: problems.length === 0, problems, header, manifest };
}
