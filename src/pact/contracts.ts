/**
 * Contracts from a provider spec: one Pact interaction per behaviour a consumer relies on — a token request per
 * grant, a refresh, the documented error cases and a protected-resource call. Each interaction's request is the
 * harness's own request (captured from the request steps), turned into matchers; its response states what the
 * spec and the RFC require, never example values.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5
 * @see https://docs.pact.io/getting_started/matching
 */
import { firstAssumption } from '../spec/provenance.ts';
import * as M from '@pact-foundation/pact/src/v3/matchers.js';
import type { HttpRequest } from '../http/types.ts';
import type { Severity } from '../checks/check.ts';
import type { SuiteContext } from '../runner/suite.ts';
import type { ErrorCaseName, GrantType, ProviderSpec } from '../spec/schema.ts';
import { buildRefreshRequest, buildResourceRequest, buildTokenRequest, defaultGrantParams, type BuildEnv, type BuiltRequest } from '../steps/build.ts';
import { primaryGrant } from '../steps/requests.ts';
import { refreshingGrant } from '../steps/refresh.ts';
import { BASIC, BASIC_CHALLENGE, BEARER, EXAMPLE_JWS, JWS, NO_CRLF, NO_STORE, REDIRECT_URI, VSCHAR, caseInsensitive, mediaType, regex, scopePattern } from './matchers.ts';
import { PLACEHOLDER } from './placeholders.ts';

/** Provider states, as sentences with `{params}`; the verifier's handlers are keyed by exactly these strings. */
export const STATE = {
  clientExists: 'client {clientId} exists',
  clientUnknown: 'client {clientId} does not exist',
  accessToken: 'a valid access token exists',
  refreshToken: 'a valid refresh token exists',
  code: 'an authorization code exists',
} as const;

/** A provider state of one interaction. */
export interface ContractState {
  name: string;
  params?: Record<string, string>;
}

/** Run-time values a request needs besides the target's credentials (provided by provider states). */
export interface CaseValues {
  accessToken: string;
  refreshToken: string;
  code: string;
}

/** One interaction of a spec's contract. */
export interface ContractCase {
  /** Check id suffix: the check is `pact.<key>`. */
  key: string;
  /** Pact interaction description (unique within the contract). */
  description: string;
  states: ContractState[];
  /** MUST, or SHOULD when what the response is held to is only an assumption of the spec. */
  severity: Severity;
  requirement: string;
  /** Request fields (standard names) that must be sent exactly as built, not matched by pattern. */
  exactFields?: string[];
  /** The request goes to the protected resource: its body is the spec's probe, sent as is. */
  resource?: boolean;
  /** Builds the harness's request for this case (the pure builders the suites send through). */
  build: (env: BuildEnv, v: CaseValues) => BuiltRequest;
  /** The response the contract requires. */
  response: PactResponse;
}

/** A response in PactV3's shape (matchers inside). */
export interface PactResponse {
  status: number | ReturnType<typeof M.matchStatus>;
  headers?: Record<string, unknown>;
  body?: Record<string, unknown>;
}

/** A request in PactV3's shape (matchers inside). */
export interface PactRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers: Record<string, unknown>;
  body?: unknown;
}

const client = (): ContractState => ({ name: STATE.clientExists, params: { clientId: PLACEHOLDER.clientId } });

/** Whether a spec section is traced only by an assumption (no provider line, no standard). */
const assumedOnly = (s: { source?: unknown; standard?: unknown } | undefined): boolean => !s || (s.source === undefined && s.standard === undefined);

/** The contract's interactions for `spec`. */
export function contractCases(spec: ProviderSpec): ContractCase[] {
  const cases: ContractCase[] = [];
  const tokenSeverity: Severity = assumedOnly(spec.tokenResponse) ? 'SHOULD' : 'MUST';
  for (const grant of ['client_credentials', 'password', 'authorization_code'] as const) {
    if (!spec.grants[grant]) continue;
    cases.push({
      key: `token.${grant.replace(/_/g, '-')}`,
      description: `${/^[aeiou]/.test(grant) ? 'an' : 'a'} ${grant} token request`,
      states: grant === 'authorization_code' ? [client(), { name: STATE.code }] : [client()],
      severity: tokenSeverity,
      requirement: `RFC 6749 §5.1 and provider spec grants.${grant}, tokenResponse`,
      build: (env, v) => grant === 'authorization_code'
        ? buildTokenRequest(env, grant, { params: { code: v.code, redirect_uri: env.target.redirectUri } })
        : buildTokenRequest(env, grant, { params: defaultGrantParams(env, grant) }),
      response: tokenResponse(spec, grant),
    });
  }
  if (spec.grants.refresh_token && refreshingGrant({ spec } as SuiteContext)) {
    cases.push({
      key: 'token.refresh',
      description: 'a refresh token request',
      states: [client(), { name: STATE.refreshToken }],
      severity: tokenSeverity,
      requirement: 'RFC 6749 §6 and provider spec grants.refresh_token, refresh',
      build: (env, v) => buildRefreshRequest(env, v.refreshToken),
      response: tokenResponse(spec, 'refresh_token'),
    });
  }
  cases.push(...errorCases(spec));
  const r = spec.resource;
  cases.push({
    key: 'resource.bearer',
    resource: true,
    description: 'a protected-resource call with the access token',
    states: [client(), { name: STATE.accessToken }],
    severity: assumedOnly(r) ? 'SHOULD' : 'MUST',
    requirement: 'RFC 6750 §2.1 and provider spec resource',
    build: (env, v) => buildResourceRequest(env, v.accessToken),
    // A 2xx: neither the RFC nor the documents fix the resource's success status or body.
    response: { status: M.matchStatus(200, 'success' as never) },
  });
  return cases;
}

/** A successful token response: the spec's required fields with their types (RFC 6749 §5.1), JSON, no-store. */
function tokenResponse(spec: ProviderSpec, grant: GrantType): PactResponse {
  const body: Record<string, unknown> = {};
  const issuesRefresh = grant === 'refresh_token' ? spec.refresh?.rotatesRefreshToken === true : Boolean(spec.grants[grant]?.issuesRefreshToken && spec.grants.refresh_token);
  for (const [name, f] of Object.entries(spec.tokenResponse.fields)) {
    if (!(f.required || (name === 'refresh_token' && issuesRefresh))) continue;
    body[name] = fieldMatcher(spec, name, f);
  }
  // RFC 6749 §5.1: the token response is application/json (the spec has no other content type to declare).
  const headers: Record<string, unknown> = { 'Content-Type': regex(mediaType('application/json'), 'application/json') };
  if (spec.tokenResponse.cacheControlNoStore) headers['Cache-Control'] = regex(NO_STORE, 'no-store');
  return { status: 200, headers, body };
}

/** The matcher for one token-response field, from its documented type (values only where documented as fixed). */
function fieldMatcher(spec: ProviderSpec, name: string, f: ProviderSpec['tokenResponse']['fields'][string]): unknown {
  const life = spec.lifetimes.accessToken;
  switch (f.type) {
    case 'number': return M.number(name === 'expires_in' ? life : 1);
    // A JSON string of digits (T-Mobile's "3599"); the writer adds a type rule, since Pact's regex alone accepts a number.
    case 'numeric-string': return regex('^\\d+$', name === 'expires_in' ? String(life) : String(f.value ?? '1'));
    case 'jwt': return regex(JWS, EXAMPLE_JWS);
    case 'boolean': return M.boolean(true);
    case 'string': {
      if (f.value !== undefined && name !== 'expires_in') return f.caseInsensitive ? regex(`^${caseInsensitive(String(f.value))}$`, String(f.value)) : String(f.value);
      if (name === 'access_token') return regex(VSCHAR, PLACEHOLDER.accessToken);
      if (name === 'refresh_token') return regex(VSCHAR, PLACEHOLDER.refreshToken);
      if (name === 'scope') return regex(scopePattern(spec), (spec.scope.default.length ? spec.scope.default : spec.scope.catalogue.slice(0, 1)).join(spec.scope.delimiter) || 'scope');
      return M.string('text');
    }
  }
}

/** The documented error cases a consumer relies on, built as the token-endpoint suite builds them. */
/** Spec values an error case stands for besides its own status and code (src/spec/judged-fields.ts for the suites). */
const judgedBy: Partial<Record<ErrorCaseName, readonly string[]>> = { invalid_scope: ['scope.unknownScope'] };

function errorCases(spec: ProviderSpec): ContractCase[] {
  const grant = primaryGrant({ spec } as SuiteContext);
  if (!grant) return [];
  const bodyless = spec.request.encoding === 'empty';
  const out: ContractCase[] = [];
  const add = (name: ErrorCaseName, description: string, states: ContractState[], build: ContractCase['build'], exactFields: string[] = []) => {
    const c = spec.errors.cases[name];
    if (!c) return;
    const headers: Record<string, unknown> = {};
    if (c.error !== undefined) headers['Content-Type'] = regex(mediaType('application/json'), 'application/json');
    const basic = spec.clientAuth.methods.includes('client_secret_basic');
    if (c.status === 401 && basic && (name === 'unknown_client' || name === 'wrong_secret')) headers['WWW-Authenticate'] = regex(BASIC_CHALLENGE, 'Basic realm="oauth"');
    out.push({
      key: `error.${name.replace(/_/g, '-')}`,
      description,
      states,
      // SHOULD where the case, or the behaviour it stands for (an unknown scope refused), is only the spec's assumption.
      severity: (assumedOnly(c) && assumedOnly(spec.errors)) || firstAssumption(spec, judgedBy[name] ?? []) ? 'SHOULD' : 'MUST',
      requirement: `RFC 6749 §5.2 and provider spec errors.cases.${name}`,
      exactFields,
      build,
      response: { status: c.status, headers, ...(c.error !== undefined ? { body: { error: c.error } } : {}) },
    });
  };
  add('unknown_client', 'a token request from an unknown client', [{ name: STATE.clientUnknown, params: { clientId: `unknown-${PLACEHOLDER.clientId}` } }], (env) =>
    buildTokenRequest(env, grant, { params: defaultGrantParams(env, grant), auth: { id: `unknown-${env.target.clientId}`, secret: env.target.clientSecret } }));
  add('wrong_secret', 'a token request with a wrong client secret', [client()], (env) =>
    buildTokenRequest(env, grant, { params: defaultGrantParams(env, grant), auth: { id: env.target.clientId, secret: `${env.target.clientSecret}x` } }));
  if (bodyless) return out;
  add('unsupported_grant_type', 'a token request with an unsupported grant type', [client()], (env) =>
    buildTokenRequest(env, 'urn:oauthgate:unknown-grant', { params: defaultGrantParams(env, grant) }));
  const required = requiredParamOf(grant, spec.grants[grant]?.scopeRequired ?? false, defaultGrantParams({ spec, target: { baseUrl: '', endpoints: {}, headers: {}, clientId: 'c', username: 'u', password: 'p' } }, grant));
  if (required) {
    add('missing_parameter', `a ${grant} token request without ${required}`, [client()], (env) =>
      buildTokenRequest(env, grant, { params: { ...defaultGrantParams(env, grant), [required]: undefined } }));
  }
  const fixedScope = spec.grants[grant]?.extraParams.scope !== undefined;
  if (spec.scope.unknownScope === 'reject' && (grant === 'client_credentials' || grant === 'password') && !fixedScope) {
    add('invalid_scope', 'a token request for an unknown scope', [client()], (env) =>
      buildTokenRequest(env, grant, { params: { ...defaultGrantParams(env, grant), scope: 'oauthgate-unknown-scope' } }), ['scope']);
  }
  return out;
}

/** The parameter whose absence must be rejected for `grant` (as the token-endpoint suite chooses it). */
function requiredParamOf(grant: string, scopeRequired: boolean, params: Record<string, string | undefined>): string | undefined {
  if (grant === 'password') return 'password';
  if (grant === 'client_credentials' && scopeRequired && params.scope !== undefined) return 'scope';
  return Object.keys(params).find((k) => k !== 'scope' && params[k] !== undefined);
}

/** Whether the harness signs this case's request with a TAAP PoP token (token requests; resource calls where documented). */
export function signsPop(spec: ProviderSpec, c: Pick<ContractCase, 'resource'>): boolean {
  return spec.pop?.profile === 'taap' && (!c.resource || spec.pop.onResource);
}

/**
 * Turns the harness's request into a Pact request: method and path exact; credentials, tokens, codes and PoP
 * tokens by pattern (the request filter puts real values in at verification time); everything else exact.
 */
export function toPactRequest(spec: ProviderSpec, req: HttpRequest, c: Pick<ContractCase, 'exactFields' | 'resource'> = {}): PactRequest {
  const exactFields = c.exactFields ?? [];
  const u = new URL(req.url);
  const out: PactRequest = { method: req.method, path: u.pathname, headers: {} };
  if (u.search) out.query = Object.fromEntries(u.searchParams);
  for (const [name, value] of Object.entries(req.headers ?? {})) out.headers[name] = headerMatcher(spec, name, value);
  // The PoP token is signed per request when sending (build is pure): the contract requires its header, by pattern.
  if (spec.pop && signsPop(spec, c)) out.headers[spec.pop.header] = regex(JWS, EXAMPLE_JWS);
  const body = req.body ?? '';
  if (body === '') return out;
  const ct = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const std = Object.fromEntries(Object.entries(spec.request.paramNames).map(([s, w]) => [w, s]));
  const fields = (entries: Iterable<[string, unknown]>) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of entries) o[k] = typeof v === 'string' ? fieldMatcherOf(spec, std[k] ?? k, v, exactFields) : v;
    return o;
  };
  if (/x-www-form-urlencoded/i.test(ct)) out.body = fields(new URLSearchParams(body));
  else {
    const parsed: unknown = JSON.parse(body);
    out.body = c.resource || !parsed || typeof parsed !== 'object' || Array.isArray(parsed) ? parsed : fields(Object.entries(parsed as Record<string, unknown>));
  }
  return out;
}

function headerMatcher(spec: ProviderSpec, name: string, value: string): unknown {
  const n = name.toLowerCase();
  if (n === 'authorization') return /^basic /i.test(value) ? regex(BASIC, value) : regex(BEARER, value);
  if (spec.pop?.profile === 'taap' && n === spec.pop.header.toLowerCase()) return regex(JWS, EXAMPLE_JWS);
  if (n === 'content-type') return regex(mediaType(value.split(';')[0]!.trim()), value);
  if (value.startsWith('oauthgate.')) return regex(VSCHAR, value);
  return value;
}

function fieldMatcherOf(spec: ProviderSpec, name: string, value: string, exact: readonly string[]): unknown {
  if (exact.includes(name)) return value;
  switch (name) {
    case 'client_id':
    case 'client_secret':
    case 'code':
    case 'refresh_token':
      return regex(VSCHAR, value);
    case 'username':
    case 'password':
      return regex(NO_CRLF, value);
    case 'redirect_uri':
      return regex(REDIRECT_URI, value);
    case 'scope': {
      const fixed = Object.values(spec.grants).some((g) => g?.extraParams.scope === value);
      return fixed ? value : regex(scopePattern(spec), value);
    }
    default:
      return value;
  }
}
