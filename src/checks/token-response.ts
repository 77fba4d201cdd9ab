/**
 * Checks on token-endpoint responses: success responses (RFC 6749 §5.1) and error responses (§5.2).
 * Each is a small named function over one {@link HttpExchange}; the contract checks compare with the spec,
 * the `rfc6749.*` checks compare with the RFC itself, so a documented deviation shows up as exactly that.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5
 */
import type { HttpExchange } from '../http/types.ts';
import type { ErrorCaseName, ProviderSpec } from '../spec/schema.ts';
import { bodyObject, typeName, fail, pass, show, type CheckMeta, type Outcome } from './check.ts';

/** Describes what a response is, for "observed" parts of messages. */
export function observedResponse(ex: HttpExchange): string {
  if (ex.failure) return `no response (${ex.failure.code}: ${ex.failure.message})`;
  const body = ex.json !== undefined ? show(ex.json) : ex.bodyText ? `non-JSON body ${show(ex.bodyText.slice(0, 80))}` : 'an empty body';
  return `HTTP ${ex.status} with ${body}`;
}



// ---------- success responses ----------

export const tokenRequestSucceeds: CheckMeta = { id: 'token.success-status-200', title: 'A valid token request gets HTTP 200 with a JSON object', requirement: 'RFC 6749 §5.1' };
/** A valid token request is answered 200 with a JSON object body. */
export function checkTokenRequestSucceeds(ex: HttpExchange): Outcome {
  if (ex.status !== 200 || !bodyObject(ex)) return fail('token response', 'HTTP 200 with a JSON object body', observedResponse(ex), 'RFC 6749 §5.1');
  return pass();
}

export const contentTypeIsJson: CheckMeta = { id: 'token.content-type-json', title: 'Token response Content-Type is application/json', requirement: 'RFC 6749 §5.1' };
/** The success response is `application/json`. */
export function checkContentTypeIsJson(ex: HttpExchange): Outcome {
  const ct = ex.headers['content-type'];
  if (!ct || !/^application\/json\s*(;|$)/i.test(ct)) return fail('"Content-Type" header', 'application/json', show(ct), 'RFC 6749 §5.1');
  return pass();
}

export const cacheControlNoStore: CheckMeta = { id: 'token.cache-control-no-store', title: 'Token response carries Cache-Control: no-store', requirement: 'RFC 6749 §5.1' };
/** Responses with tokens carry `Cache-Control: no-store`. */
export function checkCacheControlNoStore(ex: HttpExchange): Outcome {
  const cc = ex.headers['cache-control'];
  if (!cc || !cc.split(',').some((d) => d.trim().toLowerCase() === 'no-store')) return fail('"Cache-Control" header', 'a no-store directive', show(cc), 'RFC 6749 §5.1');
  return pass();
}

export const pragmaNoCache: CheckMeta = { id: 'token.pragma-no-cache', title: 'Token response carries Pragma: no-cache', requirement: 'RFC 6749 §5.1' };
/** Responses with tokens carry `Pragma: no-cache` (RFC 6749 §5.1; obsoleted for HTTP/1.1 caches by RFC 9111). */
export function checkPragmaNoCache(ex: HttpExchange): Outcome {
  const p = ex.headers.pragma;
  if (!p || p.trim().toLowerCase() !== 'no-cache') return fail('"Pragma" header', '"no-cache"', show(p), 'RFC 6749 §5.1');
  return pass();
}

export const accessTokenPresent: CheckMeta = { id: 'token.access-token-present', title: 'Token response has a non-empty string access_token', requirement: 'RFC 6749 §5.1' };
/** `access_token` is a non-empty string. */
export function checkAccessTokenPresent(ex: HttpExchange): Outcome {
  const v = bodyObject(ex)?.access_token;
  if (typeof v !== 'string' || v.length === 0) return fail('"access_token" in token response', 'a non-empty string', v === undefined ? '(absent)' : typeName(v), 'RFC 6749 §5.1');
  return pass();
}

function fieldTypeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'numeric-string':
      return typeof v === 'string' && /^\d+$/.test(v);
    case 'jwt':
      return typeof v === 'string' && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(v);
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return false;
  }
}

export const fieldsMatchSpec: CheckMeta = { id: 'token.fields-match-spec', title: 'Token response fields are present with the types the spec declares', requirement: 'provider spec: tokenResponse.fields' };
/** Every declared field is present when required and of the declared type when present. */
export function checkFieldsMatchSpec(ex: HttpExchange, spec: ProviderSpec): Outcome {
  const b = bodyObject(ex);
  if (!b) return fail('token response body', 'a JSON object', observedResponse(ex), 'RFC 6749 §5.1');
  const problems: string[] = [];
  for (const [name, f] of Object.entries(spec.tokenResponse.fields)) {
    const v = b[name];
    if (v === undefined) {
      if (f.required) problems.push(`"${name}": expected ${f.type}, observed (absent)`);
      continue;
    }
    if (!fieldTypeOk(f.type, v)) problems.push(`"${name}": expected ${f.type === 'jwt' ? 'a compact JWS' : `a ${f.type}`}, observed ${typeName(v)}`);
  }
  if (problems.length) return { status: 'failed', reason: `token response (provider spec tokenResponse.fields): ${problems.join('; ')}` };
  return pass();
}

export const fieldValuesMatchSpec: CheckMeta = { id: 'token.field-values-match-spec', title: 'Token response values equal those the spec documents', requirement: 'provider spec: tokenResponse.fields[].value' };
/** Fields with a documented exact value carry it (token_type compared case-insensitively when declared so). */
export function checkFieldValuesMatchSpec(ex: HttpExchange, spec: ProviderSpec): Outcome {
  const b = bodyObject(ex);
  if (!b) return fail('token response body', 'a JSON object', observedResponse(ex));
  const problems: string[] = [];
  for (const [name, f] of Object.entries(spec.tokenResponse.fields)) {
    if (f.value === undefined || b[name] === undefined) continue;
    const v = b[name];
    const ok = f.caseInsensitive && typeof v === 'string' ? v.toLowerCase() === String(f.value).toLowerCase() : v === f.value;
    if (!ok) problems.push(`"${name}": expected ${show(f.value)}${f.caseInsensitive ? ' (any case)' : ''}, observed ${show(v)}`);
  }
  if (problems.length) return { status: 'failed', reason: `token response (provider spec): ${problems.join('; ')}` };
  return pass();
}

export const tokenTypePresent: CheckMeta = { id: 'token.rfc6749.token-type-present', title: 'token_type is present (RFC 6749 §5.1 REQUIRED)', requirement: 'RFC 6749 §5.1' };
/** RFC 6749 §5.1: token_type is REQUIRED. */
export function checkTokenTypePresent(ex: HttpExchange): Outcome {
  const v = bodyObject(ex)?.token_type;
  if (typeof v !== 'string' || !v) return fail('"token_type" in token response', 'a string (REQUIRED)', v === undefined ? '(absent)' : typeName(v), 'RFC 6749 §5.1');
  return pass();
}

export const tokenTypeIsBearer: CheckMeta = { id: 'token.token-type-bearer', title: 'token_type is Bearer (case-insensitive)', requirement: 'RFC 6750 §4, RFC 6749 §7.1' };
/** A Bearer-token provider answers token_type "Bearer" in any case (RFC 6749 §7.1 is case-insensitive). */
export function checkTokenTypeIsBearer(ex: HttpExchange): Outcome {
  const v = bodyObject(ex)?.token_type;
  if (typeof v !== 'string' || v.toLowerCase() !== 'bearer') return fail('"token_type" in token response', '"Bearer" (any case)', show(v), 'RFC 6750 §4');
  return pass();
}

export const expiresInIsNumber: CheckMeta = { id: 'token.rfc6749.expires-in-number', title: 'expires_in, when present, is a JSON number of seconds', requirement: 'RFC 6749 §5.1' };
/** RFC 6749 §5.1: expires_in is a number of seconds (RECOMMENDED member). */
export function checkExpiresInIsNumber(ex: HttpExchange): Outcome {
  const b = bodyObject(ex);
  if (!b) return fail('token response body', 'a JSON object', observedResponse(ex));
  const v = b.expires_in;
  if (v === undefined) return pass('expires_in absent (RECOMMENDED, not required)');
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return fail('"expires_in" in token response', 'a non-negative integer number', typeName(v), 'RFC 6749 §5.1');
  return pass();
}

// ---------- error responses ----------

const RFC6749_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

export const errorBodyIsRfc6749Json: CheckMeta = { id: 'error.body-is-rfc6749-json', title: 'Error responses are JSON objects with an "error" code', requirement: 'RFC 6749 §5.2' };
/**
 * An error response is a JSON object whose `error` is a string (from the RFC's set where the RFC defines the
 * case), with optional string `error_description` and `error_uri`.
 */
export function checkErrorBodyIsRfc6749Json(ex: HttpExchange): Outcome {
  if (ex.failure) return fail('error response', 'an HTTP error response', observedResponse(ex), 'RFC 6749 §5.2');
  const ct = ex.headers['content-type'] ?? '';
  const b = bodyObject(ex);
  if (!b || !/^application\/json/i.test(ct)) return fail('error response body', 'an application/json object', `${show(ct)} with ${observedResponse(ex)}`, 'RFC 6749 §5.2');
  if (typeof b.error !== 'string' || !/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(b.error)) return fail('"error" in error response', 'an ASCII error code string', typeName(b.error), 'RFC 6749 §5.2');
  for (const k of ['error_description', 'error_uri']) {
    if (b[k] !== undefined && typeof b[k] !== 'string') return fail(`"${k}" in error response`, 'a string when present', typeName(b[k]), 'RFC 6749 §5.2');
  }
  return pass();
}

/** Builds the metadata of the error-case check for `name`. */
export function errorCaseMeta(name: ErrorCaseName, title: string): CheckMeta {
  return { id: `error.${name.replace(/_/g, '-')}`, title, requirement: 'RFC 6749 §5.2 and provider spec errors.cases' };
}

/**
 * Factory: the exchange is the error the spec documents for `name` — its status, and its `error` code when
 * the spec gives one. A 200 with tokens is always a failure.
 */
export function checkErrorCase(ex: HttpExchange, spec: ProviderSpec, name: ErrorCaseName): Outcome {
  const c = spec.errors.cases[name];
  const b = bodyObject(ex);
  if (!c) {
    // Undocumented case: any 4xx without a token is acceptable.
    if (ex.status !== undefined && ex.status >= 400 && ex.status < 500 && typeof b?.access_token !== 'string') return pass(`the spec documents no status for ${name}; observed ${ex.status}`);
    return fail(`response to a ${name.replace(/_/g, ' ')} request`, 'a 4xx error', observedResponse(ex), 'RFC 6749 §5.2');
  }
  const problems: string[] = [];
  if (ex.status !== c.status) problems.push(`status: expected ${c.status}, observed ${ex.status ?? observedResponse(ex)}`);
  if (c.error && b?.error !== c.error) problems.push(`"error": expected ${show(c.error)}, observed ${show(b?.error)}`);
  if (b && typeof b.access_token === 'string') problems.push('an access_token was issued');
  if (problems.length) return { status: 'failed', reason: `${name.replace(/_/g, ' ')} (RFC 6749 §5.2): ${problems.join('; ')}`, expected: `${c.status} ${c.error ?? ''}`.trim(), observed: observedResponse(ex) };
  return pass();
}

export const rfcFormRequestAccepted: CheckMeta = {
  id: 'token.rfc6749.form-request-accepted',
  title: 'A token request in RFC 6749 form (form-encoded grant_type, HTTP Basic only) gets a token',
  requirement: 'RFC 6749 §4.4.2, §2.3.1',
};

export const noExtraHeadersRequired: CheckMeta = {
  id: 'token.rfc6749.no-extra-headers-required', title: 'A token request needs no headers beyond RFC 6749\'s', requirement: 'RFC 6749 §3.2',
};

export const rejectedWithoutToken: CheckMeta = { id: 'token.rejected', title: 'The request is rejected without issuing a token', requirement: 'RFC 6749 §5.2' };
/** The exchange is a 4xx without an access token. */
export function checkRejected(ex: HttpExchange, what: string, requirement = 'RFC 6749 §5.2'): Outcome {
  const b = bodyObject(ex);
  if (ex.status !== undefined && ex.status >= 400 && ex.status < 500 && typeof b?.access_token !== 'string') return pass();
  return fail(what, 'a 4xx error without access_token', observedResponse(ex), requirement);
}

export const basicChallengeOn401: CheckMeta = { id: 'error.invalid-client-www-authenticate', title: '401 invalid_client after Basic auth carries WWW-Authenticate', requirement: 'RFC 6749 §5.2' };
/** RFC 6749 §5.2: a 401 after HTTP Basic client authentication MUST include WWW-Authenticate. */
export function checkBasicChallengeOn401(ex: HttpExchange): Outcome {
  if (ex.status !== 401) return pass(`status ${ex.status}: no challenge required`);
  const w = ex.headers['www-authenticate'];
  if (!w || !/^\s*basic\b/i.test(w)) return fail('"WWW-Authenticate" header on 401', 'a Basic challenge', show(w), 'RFC 6749 §5.2');
  return pass();
}

/** Whether `error` is one of RFC 6749 §5.2's codes. */
export const isRfc6749ErrorCode = (e: unknown): boolean => typeof e === 'string' && RFC6749_ERRORS.has(e);
