/**
 * Checks on token-endpoint responses: success responses (RFC 6749 §5.1) and error responses (§5.2).
 * Each is one check object over one {@link HttpExchange}; the contract checks compare with the spec, the
 * `rfc6749.*` checks compare with the RFC itself, so a documented deviation shows up as exactly that.
 * Refusals ("rejected as the spec documents this error case") are judged by {@link judgeRejection} only.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5
 */
import type { HttpExchange } from '../http/types.ts';
import type { ErrorCaseName, GrantType, ProviderSpec } from '../spec/schema.ts';
import { bodyObject, defineCheck, fail, isClientError, notApplicable, pass, show, typeName, type Check, type CheckMeta, type Outcome } from './check.ts';
import { judgeRejection, observedResponse } from './rejection.ts';
import { challengeSchemes } from './resource.ts';

/** Re-exported for the checks that still import it from here; it lives in rejection.ts. */
export { observedResponse } from './rejection.ts';

/**
 * Whether a Content-Type names the `application/json` media type (parameters such as charset allowed;
 * `application/jsonp` or `application/json-seq` are other media types).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*application\/json\s*(;|$)/i.test(contentType);
}

// ---------- success responses ----------

/**
 * Factory: a check that the request was answered with HTTP 200 and a JSON object body — a token response
 * (RFC 6749 §5.1). Several checks differ only in the request they judge (the spec's own request, the RFC's form,
 * one without the provider's extra headers); each gets its id here.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function tokenIssued(meta: CheckMeta): Check<[HttpExchange]> {
  return defineCheck({
    ...meta,
    evaluate(ex: HttpExchange): Outcome {
      if (ex.status !== 200 || !bodyObject(ex)) return fail('token response', 'HTTP 200 with a JSON object body', observedResponse(ex), 'RFC 6749 §5.1');
      return pass();
    },
  });
}

/**
 * A valid token request is answered 200 with a JSON object body.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const tokenRequestSucceeds = tokenIssued({ id: 'token.success-status-200', title: 'A valid token request gets HTTP 200 with a JSON object', requirement: 'RFC 6749 §5.1' });

/**
 * The success response is `application/json` ("The parameters are included in the entity-body of the HTTP
 * response using the application/json media type").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const contentTypeIsJson = defineCheck({
  id: 'token.content-type-json',
  title: 'Token response Content-Type is application/json',
  requirement: 'RFC 6749 §5.1',
  evaluate(ex: HttpExchange): Outcome {
    const ct = ex.headers['content-type'];
    if (!isJsonMediaType(ct)) return fail('"Content-Type" header', 'application/json', show(ct), 'RFC 6749 §5.1');
    return pass();
  },
});

/**
 * Responses with tokens carry `Cache-Control: no-store` ("MUST include the HTTP Cache-Control response header
 * field with a value of no-store").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const cacheControlNoStore = defineCheck({
  id: 'token.cache-control-no-store',
  title: 'Token response carries Cache-Control: no-store',
  requirement: 'RFC 6749 §5.1',
  evaluate(ex: HttpExchange): Outcome {
    const cc = ex.headers['cache-control'];
    if (!cc || !cc.split(',').some((d) => d.trim().toLowerCase() === 'no-store')) return fail('"Cache-Control" header', 'a no-store directive', show(cc), 'RFC 6749 §5.1');
    return pass();
  },
});

/**
 * Responses with tokens carry `Pragma: no-cache` (RFC 6749 §5.1; obsoleted for HTTP/1.1 caches by RFC 9111).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const pragmaNoCache = defineCheck({
  id: 'token.pragma-no-cache',
  title: 'Token response carries Pragma: no-cache',
  requirement: 'RFC 6749 §5.1',
  evaluate(ex: HttpExchange): Outcome {
    const p = ex.headers.pragma;
    if (!p || p.trim().toLowerCase() !== 'no-cache') return fail('"Pragma" header', '"no-cache"', show(p), 'RFC 6749 §5.1');
    return pass();
  },
});

/**
 * `access_token` is a non-empty string (REQUIRED).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const accessTokenPresent = defineCheck({
  id: 'token.access-token-present',
  title: 'Token response has a non-empty string access_token',
  requirement: 'RFC 6749 §5.1',
  evaluate(ex: HttpExchange): Outcome {
    const v = bodyObject(ex)?.access_token;
    if (typeof v !== 'string' || v.length === 0) return fail('"access_token" in token response', 'a non-empty string', v === undefined ? '(absent)' : typeName(v), 'RFC 6749 §5.1');
    return pass();
  },
});

/** Whether `v` has the spec's declared field type. */
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

/**
 * Every field the spec declares is present when required and of the declared type when present.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const fieldsMatchSpec = defineCheck({
  id: 'token.fields-match-spec',
  title: 'Token response fields are present with the types the spec declares',
  requirement: 'provider spec: tokenResponse.fields',
  evaluate(ex: HttpExchange, spec: ProviderSpec): Outcome {
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
    if (problems.length) return { status: 'failed', field: 'token response', reason: `token response (provider spec tokenResponse.fields): ${problems.join('; ')}` };
    return pass();
  },
});

/**
 * Fields with a documented exact value carry it (token_type compared case-insensitively when declared so).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-7.1
 */
export const fieldValuesMatchSpec = defineCheck({
  id: 'token.field-values-match-spec',
  title: 'Token response values equal those the spec documents',
  requirement: 'provider spec: tokenResponse.fields[].value',
  evaluate(ex: HttpExchange, spec: ProviderSpec): Outcome {
    const b = bodyObject(ex);
    if (!b) return fail('token response body', 'a JSON object', observedResponse(ex));
    const problems: string[] = [];
    for (const [name, f] of Object.entries(spec.tokenResponse.fields)) {
      if (f.value === undefined || b[name] === undefined) continue;
      const v = b[name];
      const ok = f.caseInsensitive && typeof v === 'string' ? v.toLowerCase() === String(f.value).toLowerCase() : v === f.value;
      if (!ok) problems.push(`"${name}": expected ${show(f.value)}${f.caseInsensitive ? ' (any case)' : ''}, observed ${show(v)}`);
    }
    if (problems.length) return { status: 'failed', field: 'token response', reason: `token response (provider spec): ${problems.join('; ')}` };
    return pass();
  },
});

/**
 * token_type is REQUIRED.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const tokenTypePresent = defineCheck({
  id: 'token.rfc6749.token-type-present',
  title: 'token_type is present (RFC 6749 §5.1 REQUIRED)',
  requirement: 'RFC 6749 §5.1',
  evaluate(ex: HttpExchange): Outcome {
    const v = bodyObject(ex)?.token_type;
    if (typeof v !== 'string' || !v) return fail('"token_type" in token response', 'a string (REQUIRED)', v === undefined ? '(absent)' : typeName(v), 'RFC 6749 §5.1');
    return pass();
  },
});

/**
 * A Bearer-token provider answers token_type "Bearer" in any case (RFC 6749 §7.1: the type is case-insensitive).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-4
 */
export const tokenTypeIsBearer = defineCheck({
  id: 'token.token-type-bearer',
  title: 'token_type is Bearer (case-insensitive)',
  requirement: 'RFC 6750 §4, RFC 6749 §7.1',
  evaluate(ex: HttpExchange): Outcome {
    const v = bodyObject(ex)?.token_type;
    if (typeof v !== 'string' || v.toLowerCase() !== 'bearer') return fail('"token_type" in token response', '"Bearer" (any case)', show(v), 'RFC 6750 §4');
    return pass();
  },
});

/**
 * expires_in is a number of seconds (a RECOMMENDED member: absence passes, with a note).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const expiresInIsNumber = defineCheck({
  id: 'token.rfc6749.expires-in-number',
  title: 'expires_in, when present, is a JSON number of seconds',
  requirement: 'RFC 6749 §5.1',
  evaluate(ex: HttpExchange): Outcome {
    const b = bodyObject(ex);
    if (!b) return fail('token response body', 'a JSON object', observedResponse(ex));
    const v = b.expires_in;
    if (v === undefined) return pass('expires_in absent (RECOMMENDED, not required)');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return fail('"expires_in" in token response', 'a non-negative integer number', typeName(v), 'RFC 6749 §5.1');
    return pass();
  },
});

/**
 * Factory: the response to a `grant` token request includes a refresh_token exactly when the spec says the grant
 * issues one (RFC 6749 §4.4.3: client credentials "SHOULD NOT" include one).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function refreshTokenAsDocumented(grant: GrantType, issues: boolean): Check<[HttpExchange]> {
  return defineCheck({
    id: `grant.${grant.replace(/_/g, '-')}.refresh-token-${issues ? 'issued' : 'absent'}`,
    title: `The ${grant} response ${issues ? 'includes' : 'omits'} a refresh_token, as the spec says`,
    requirement: grant === 'client_credentials' ? 'RFC 6749 §4.4.3 and provider spec' : 'provider spec grants.*.issuesRefreshToken',
    evaluate(ex: HttpExchange): Outcome {
      const v = bodyObject(ex)?.refresh_token;
      const has = typeof v === 'string' && v.length > 0;
      if (has === issues) return pass();
      return fail('"refresh_token" in token response', issues ? 'a refresh token' : 'no refresh token', has ? 'a refresh token' : v === undefined ? '(absent)' : typeName(v), 'provider spec grants.*.issuesRefreshToken');
    },
  });
}

// ---------- error responses ----------

const RFC6749_ERRORS = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/** Whether `e` is one of RFC 6749 §5.2's codes. @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2 */
export const isRfc6749ErrorCode = (e: unknown): boolean => typeof e === 'string' && RFC6749_ERRORS.has(e);

/** Whether an exchange is an error response whose body format §5.2 governs (any status >= 400). */
const isErrorResponse = (ex: HttpExchange) => ex.status !== undefined && ex.status >= 400;

/** Judges one error response's format (see {@link errorBodyIsRfc6749Json}). */
function judgeErrorBody(ex: HttpExchange): Outcome {
  const ct = ex.headers['content-type'];
  const b = bodyObject(ex);
  if (!b || !isJsonMediaType(ct)) return fail('error response body', 'an application/json object', `${show(ct)} with ${observedResponse(ex)}`, 'RFC 6749 §5.2');
  if (typeof b.error !== 'string' || !/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/.test(b.error)) return fail('"error" in error response', 'an ASCII error code string', typeName(b.error), 'RFC 6749 §5.2');
  for (const k of ['error_description', 'error_uri']) {
    if (b[k] !== undefined && typeof b[k] !== 'string') return fail(`"${k}" in error response`, 'a string when present', typeName(b[k]), 'RFC 6749 §5.2');
  }
  return pass();
}

/**
 * Every error response (status >= 400) among `responses` is an `application/json` object whose `error` is an
 * ASCII code string, with optional string `error_description` and `error_uri` ("The parameters are included in
 * the entity-body of the HTTP response using the application/json media type"). A 2xx or 3xx answer to a bad
 * request, or no response at all, is the error-case check's failure, not this one's: it is left out; with no
 * error response left, the check is not applicable.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const errorBodyIsRfc6749Json = defineCheck({
  id: 'error.body-is-rfc6749-json',
  title: 'Error responses are JSON objects with an "error" code',
  requirement: 'RFC 6749 §5.2',
  evaluate(...responses: HttpExchange[]): Outcome {
    const errors = responses.filter(isErrorResponse);
    if (errors.length === 0) return notApplicable(`no error response was collected (${responses.length} responses, none with a status >= 400)`);
    for (const ex of errors) {
      const o = judgeErrorBody(ex);
      if (o.status === 'failed') return o;
    }
    return pass(`${errors.length} error responses checked`);
  },
});

/**
 * Factory: a check that a request is refused as the spec documents error case `name` — the one rule,
 * {@link judgeRejection} — under its own id (`token.client-auth.client-secret-basic-rejected`,
 * `grant.password.unsupported-rejected`...). `what` names the request in messages.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function refusedAs(meta: CheckMeta, name: ErrorCaseName, what: string): Check<[HttpExchange, ProviderSpec]> {
  return defineCheck({ ...meta, evaluate: (ex: HttpExchange, spec: ProviderSpec) => judgeRejection(ex, spec, name, what, meta.requirement) });
}

/**
 * A token request in RFC 6749's own form (form-encoded `grant_type`, HTTP Basic only) gets a token, where the
 * spec documents another form.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
export const rfcFormRequestAccepted = tokenIssued({
  id: 'token.rfc6749.form-request-accepted',
  title: 'A token request in RFC 6749 form (form-encoded grant_type, HTTP Basic only) gets a token',
  requirement: 'RFC 6749 §4.4.2, §2.3.1',
});

/**
 * A token request without the provider's extra headers still gets a token. The token requests RFC 6749 defines
 * (§4.1.3, §4.3.2, §4.4.2, §6) carry no header besides client authentication, so a client written to the RFC
 * sends none; but no sentence of the RFC forbids a server to require more, so this is an interoperability
 * expectation (SHOULD in the suite), not a MUST.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4.2
 */
export const noExtraHeadersRequired = tokenIssued({
  id: 'token.rfc6749.no-extra-headers-required',
  title: 'A token request needs no headers beyond RFC 6749\'s',
  requirement: 'RFC 6749 §4.4.2, §6 (the token requests defined there carry no other header)',
});

/**
 * A request without the spec's required headers is refused. A missing required header is a missing required
 * part of the request, so the spec's documented missing-parameter answer applies (RFC 6749 §5.2 invalid_request:
 * "missing a required parameter ... or is otherwise malformed").
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const requiredHeadersEnforced = refusedAs(
  { id: 'token.required-headers-enforced', title: 'A token request without the required headers is rejected', requirement: 'provider spec requiredHeaders and errors.cases.missing_required_header, RFC 6749 §5.2' },
  'missing_required_header',
  'token request without the required headers',
);

/**
 * Factory: client authentication method `method` is accepted (a token is issued) when the spec lists it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function clientAuthAccepted(method: 'client_secret_basic' | 'client_secret_post'): Check<[HttpExchange]> {
  return tokenIssued({
    id: `token.client-auth.${method.replace(/_/g, '-')}-accepted`,
    title: `${method} client authentication is accepted, as the spec says`,
    requirement: 'RFC 6749 §2.3.1 and provider spec clientAuth.methods',
  });
}

/**
 * Factory: client authentication method `method`, which the spec does not list, is refused (a 4xx, never a
 * token). It is judged by {@link judgeRejection} as an unknown client (RFC 6749 §5.2: invalid_client covers
 * "unknown client, no client authentication included, or unsupported authentication method"); a refusal in
 * another form still passes, with judgeRejection's finding as the note, because §5.2 does not say which error a
 * request with two defects gets, and the probe can carry a second one the harness cannot avoid (a PoP that must
 * sign the Authorization header this probe omits). How invalid_client is answered is `error.unknown-client`'s
 * concern; this check owns only "an unlisted method gets no token".
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function clientAuthRejected(method: 'client_secret_basic' | 'client_secret_post'): Check<[HttpExchange, ProviderSpec]> {
  const what = `token request with ${method} (not listed by the spec)`;
  const requirement = 'RFC 6749 §2.3.1, §5.2 and provider spec clientAuth.methods';
  return defineCheck({
    id: `token.client-auth.${method.replace(/_/g, '-')}-rejected`,
    title: `${method} client authentication is rejected, as the spec says`,
    requirement,
    evaluate(ex: HttpExchange, spec: ProviderSpec): Outcome {
      const documented = judgeRejection(ex, spec, 'unknown_client', what, requirement);
      if (documented.status !== 'failed' || !isClientError(ex.status) || typeof bodyObject(ex)?.access_token === 'string') return documented;
      return pass(`refused, though not as the spec documents an unknown client: ${documented.reason}`);
    },
  });
}

/**
 * A wrong client secret sent with HTTP Basic gets 401 with a Basic challenge. RFC 6749 §5.2 (invalid_client):
 * "If the client attempted to authenticate via the "Authorization" request header field, the authorization server
 * MUST respond with an HTTP 401 (Unauthorized) status code and include the "WWW-Authenticate" response header
 * field matching the authentication scheme used by the client." So any other status fails too (a 400 included);
 * a wrong secret that got a token is `error.wrong-secret`'s failure, which the suite makes this check's
 * prerequisite, so one behaviour is not counted twice.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const basicChallengeOn401 = defineCheck({
  id: 'error.invalid-client-www-authenticate',
  title: '401 invalid_client after Basic auth carries WWW-Authenticate',
  requirement: 'RFC 6749 §5.2',
  evaluate(ex: HttpExchange): Outcome {
    if (ex.status !== 401) return fail('response to a wrong client secret sent with HTTP Basic', 'HTTP 401 with a Basic challenge', observedResponse(ex), 'RFC 6749 §5.2');
    const w = ex.headers['www-authenticate'];
    if (!challengeSchemes(w).includes('basic')) return fail('"WWW-Authenticate" header on 401', 'a Basic challenge', show(w), 'RFC 6749 §5.2');
    return pass();
  },
});
