/**
 * The patterns a contract matches with: each one states what RFC 6749 / 6750 or the provider document requires
 * of a value — its type and shape — and no more, so a contract accepts every conforming server and rejects a
 * changed one. Patterns are whole-value regexes (Pact's regex matcher must match the entire value).
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-A
 */
import * as M from '@pact-foundation/pact/src/v3/matchers.js';
import type { ProviderSpec } from '../spec/schema.ts';

/** RFC 6749 Appendix A: `1*VSCHAR` (client_id, client_secret, code, access and refresh tokens). */
export const VSCHAR = '^[\\x20-\\x7E]+$';
/** RFC 6749 Appendix A.15/A.16: username and password are `*UNICODECHARNOCRLF`. */
export const NO_CRLF = '^[^\\r\\n]*$';
/** A compact JWS (RFC 7515 §7.1): three base64url parts, the last possibly empty. */
export const JWS = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$';
/** RFC 7617 Basic credentials (the scheme name is case-insensitive, RFC 9110 §11.1). */
export const BASIC = '^[Bb][Aa][Ss][Ii][Cc] [A-Za-z0-9+/]+={0,2}$';
/** RFC 6750 §2.1: `Bearer` followed by a b64token. */
export const BEARER = '^[Bb][Ee][Aa][Rr][Ee][Rr] [A-Za-z0-9._~+/-]+=*$';
/** An absolute http(s) URI without a fragment (RFC 6749 §3.1.2). */
export const REDIRECT_URI = '^https?://[^\\s#]+$';
/** RFC 6749 §5.1 `Cache-Control: no-store`, anywhere in the directive list (directives are case-insensitive, RFC 9111 §5.2). */
export const NO_STORE = `^(.*[,\\s])?${caseInsensitive('no-store')}([,\\s].*)?$`;
/** RFC 6749 §5.2: a 401 after Basic authentication carries a `WWW-Authenticate` Basic challenge. */
export const BASIC_CHALLENGE = `^${caseInsensitive('basic')}(\\s.*)?$`;
/** An example compact JWS for PoP headers; the request filter signs a fresh one per request. */
export const EXAMPLE_JWS = 'eyJhbGciOiJSUzI1NiJ9.eyJlZHRzIjoiZXhhbXBsZSJ9.c2lnbmF0dXJl';

/** Escapes regex metacharacters (Rust regex syntax, which Pact's core uses). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}

/** A whole-value pattern matching `s` letter by letter regardless of case: `[Bb][Ee]...`. */
export function caseInsensitive(s: string): string {
  return [...s].map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toUpperCase()}${c.toLowerCase()}]` : escapeRegex(c))).join('');
}

/** A media type with optional parameters (`application/json;charset=UTF-8`); type names are case-insensitive (RFC 9110 §8.3.1). */
export function mediaType(type: string): string {
  return `^${caseInsensitive(type)}(\\s*;.*)?$`;
}

/**
 * A scope value as the spec documents it: values from the catalogue (or RFC 6749 §3.3 NQCHAR tokens when there is
 * none) joined by the spec's delimiter — AT&T's comma lists included.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function scopePattern(spec: ProviderSpec): string {
  const cat = spec.scope.catalogue;
  const token = cat.length ? `(${cat.map(escapeRegex).join('|')})` : '[\\x21\\x23-\\x5B\\x5D-\\x7E]+';
  const d = spec.scope.delimiter === ',' ? ',' : ' ';
  return `^${token}(${d}${token})*$`;
}

/** A regex matcher for a string value. */
export const regex = (pattern: string, example: string) => M.regex(pattern, example);
