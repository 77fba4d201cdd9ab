/**
 * PKCE values (RFC 7636): a fresh high-entropy code_verifier and its code_challenge. Pure helpers, no I/O.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PkceMethod, ProviderSpec } from '../spec/schema.ts';

/** A verifier, the challenge sent for it and the method that derived the challenge. */
export interface PkcePair {
  verifier: string;
  challenge: string;
  method: PkceMethod;
}

/**
 * A new code_verifier: 32 random octets base64url-encoded, 43 characters of the unreserved set, as RFC 7636 §4.1
 * recommends ("It is RECOMMENDED that the output of a suitable random number generator be used to create a
 * 32-octet sequence").
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export function newCodeVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The code_challenge of `verifier` under `method`: BASE64URL(SHA256(ASCII(verifier))) for S256, the verifier
 * itself for plain.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export function codeChallenge(verifier: string, method: PkceMethod): string {
  return method === 'plain' ? verifier : createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh verifier with its challenge (S256 unless stated). */
export function newPkcePair(method: PkceMethod = 'S256'): PkcePair {
  const verifier = newCodeVerifier();
  return { verifier, challenge: codeChallenge(verifier, method), method };
}

/** The spec's PKCE support for the authorization_code grant (`none` when the spec has no such grant). */
export function pkceSupport(spec: ProviderSpec): 'required' | 'supported' | 'none' {
  return spec.grants.authorization_code?.pkce ?? 'none';
}

/**
 * The method the harness uses by default: S256 where the spec accepts it (RFC 7636 §4.2: "If the client is
 * capable of using S256, it MUST use S256"), else plain.
 */
export function defaultPkceMethod(spec: ProviderSpec): PkceMethod {
  const methods = spec.grants.authorization_code?.pkceMethods ?? ['S256'];
  return methods.includes('S256') ? 'S256' : 'plain';
}
