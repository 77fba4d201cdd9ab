/**
 * Pure request builders: what the harness sends for each kind of request, built from a spec and a target's
 * settings, with no I/O and no run context. Suites send what these build (through `src/steps/requests.ts`, which
 * adds PoP signatures and sends); Pact contracts and fuzzing use them directly, so a contract or a generated case
 * sends exactly what the suites send.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4
 */
import type { HttpRequest } from '../http/types.ts';
import { basicAuth, formEncode } from '../http/client.ts';
import { BoundedCache } from '../bounded-cache.ts';
import type { GrantType, ProviderSpec } from '../spec/schema.ts';

/** Endpoint names a target can override. */
export type EndpointName = 'token' | 'authorize' | 'revoke' | 'resource';

/** The parts of a target that shape a request (a {@link import('../target/target.ts').Target} is one). */
export interface BuildTarget {
  baseUrl: string;
  endpoints: Partial<Record<EndpointName, string>>;
  /** Headers sent with every call (Tangoe's tenant header, for instance). */
  headers: Record<string, string>;
  clientId: string;
  /** Absent for a public client (RFC 6749 §2.1). */
  clientSecret?: string;
  username?: string;
  password?: string;
  redirectUri?: string;
}

/** What every builder reads. */
export interface BuildEnv {
  spec: ProviderSpec;
  target: BuildTarget;
}

/** A built request and the secret values it carries (for the redactor). */
export interface BuiltRequest extends HttpRequest {
  headers: Record<string, string>;
  body: string;
  /** Secret values placed in the request (client secret, password, tokens, codes). */
  secrets: string[];
}

/** How client credentials travel; `spec` = the spec's own method. */
export type AuthMode = 'spec' | 'basic' | 'post' | 'both' | 'none' | { id: string; secret?: string; mode?: 'basic' | 'post' | 'both' | 'spec' };

export interface TokenRequestOptions {
  /** Standard parameter names; renamed on the wire per spec.request.paramNames. `undefined` values are dropped. */
  params?: Record<string, string | undefined>;
  /** Leave the grant_type parameter out. */
  omitGrantType?: boolean;
  auth?: AuthMode;
  /** Override the Content-Type sent. */
  contentType?: string;
  /** Override the encoding. */
  encoding?: 'form' | 'json' | 'empty';
  /** Skip the spec's required headers. */
  omitRequiredHeaders?: boolean;
  /** Extra headers (after all others). */
  headers?: Record<string, string>;
  /** Send parameter names as given, ignoring spec.request.paramNames (to send the RFC's own names). */
  rawParamNames?: boolean;
}

/** URL of a spec endpoint on the target, honouring the target's path overrides. */
export function endpointUrlOf(env: BuildEnv, name: EndpointName): string {
  const specPath = name === 'resource' ? env.spec.resource.path : env.spec.endpoints[name]?.path;
  const path = env.target.endpoints[name] ?? specPath;
  if (!path) throw new Error(`the spec declares no ${name} endpoint`);
  return resolveEndpoint(env.target.baseUrl, path);
}

/** Endpoint URLs already resolved, by base URL and path (a run asks for the same few again and again). */
const resolvedEndpoints = new BoundedCache<string>(256);

/** `path` resolved against `baseUrl` (read as a directory), doubled slashes after the scheme collapsed. */
function resolveEndpoint(baseUrl: string, path: string): string {
  return resolvedEndpoints.get(JSON.stringify([baseUrl, path]), () => {
    const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    return new URL(path, base).toString().replace(/([^:])\/\/+/g, '$1/');
  });
}

/** The client authentication the spec itself uses at the token endpoint. */
export function specAuthMode(spec: ProviderSpec): 'basic' | 'post' | 'both' | 'none' {
  if (spec.clientAuth.bodyCredentialsAlsoRequired) return 'both';
  if (spec.clientAuth.methods.includes('client_secret_basic')) return 'basic';
  if (spec.clientAuth.methods.includes('client_secret_post')) return 'post';
  return 'none';
}

/**
 * Places client credentials the way `auth` says: the spec's own method by default (Basic, body, both for T-Mobile
 * v6, or for a public client `client_id` alone in the body, RFC 6749 §3.2.1), or a forced method and/or other
 * credentials for negative tests. Returns the secret used, if any.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function placeClientAuth(env: BuildEnv, auth: AuthMode, headers: Record<string, string>, putField: (name: string, value: string) => void): string | undefined {
  let id = env.target.clientId;
  let secret = env.target.clientSecret;
  let mode: 'basic' | 'post' | 'both' | 'none';
  if (typeof auth === 'object') {
    id = auth.id;
    secret = auth.secret;
    mode = !auth.mode || auth.mode === 'spec' ? specAuthMode(env.spec) : auth.mode;
  } else mode = auth === 'spec' ? specAuthMode(env.spec) : auth;
  if (mode === 'none') {
    // A public client identifies itself with client_id (RFC 6749 §3.2.1, §4.1.3); `auth: 'none'` as a forced
    // mode on a confidential client sends nothing at all.
    if (auth === 'spec' || (typeof auth === 'object' && (!auth.mode || auth.mode === 'spec'))) putField('client_id', id);
    return undefined;
  }
  if (mode === 'basic' || mode === 'both') headers.Authorization = basicAuth(id, secret ?? '');
  if (mode === 'post' || mode === 'both') {
    putField('client_id', id);
    if (secret !== undefined) putField('client_secret', secret);
  }
  return secret;
}

/** Values of parameters that are secrets on the wire (RFC 6749 §10.3, §10.5, §10.6). */
const SECRET_PARAMS = new Set(['password', 'refresh_token', 'code', 'code_verifier', 'client_secret', 'token', 'assertion', 'client_assertion']);

/**
 * Builds a token request (RFC 6749 §3.2): the spec's encoding and parameter names, client authentication and
 * required headers. No PoP signature (that is added when sending, as it is bound to one request).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function buildTokenRequest(env: BuildEnv, grant: GrantType | string | undefined, opts: TokenRequestOptions = {}): BuiltRequest {
  const { spec, target } = env;
  const encoding = opts.encoding ?? spec.request.encoding;
  const names = opts.rawParamNames ? {} : spec.request.paramNames;
  const wire: Record<string, string> = {};
  const secrets: string[] = [];
  const put = (k: string, v: string | undefined) => {
    if (v === undefined) return;
    wire[names[k] ?? k] = v;
    if (SECRET_PARAMS.has(k)) secrets.push(v);
  };
  if (!opts.omitGrantType && grant !== undefined) put('grant_type', grant);
  for (const [k, v] of Object.entries(opts.params ?? {})) put(k, v);

  const headers: Record<string, string> = {};
  if (!opts.omitRequiredHeaders) Object.assign(headers, target.headers);
  if (spec.request.acceptHeader) headers.Accept = spec.request.acceptHeader;
  const ct = opts.contentType ?? spec.request.contentType ?? (encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json');
  if (ct) headers['Content-Type'] = ct;

  const secret = placeClientAuth(env, opts.auth ?? 'spec', headers, put);
  if (secret) secrets.push(secret);
  Object.assign(headers, opts.headers ?? {});

  let body = '';
  if (encoding === 'form') body = formEncode(wire);
  else if (encoding === 'json') body = JSON.stringify(wire);
  return { method: spec.endpoints.token.method, url: endpointUrlOf(env, 'token'), headers, body, secrets };
}

/**
 * The default parameters of a grant, from the spec and the target: fixed extra parameters, the password grant's
 * username and password, the spec's default scope.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2
 */
export function defaultGrantParams(env: BuildEnv, grant: GrantType): Record<string, string | undefined> {
  const g = env.spec.grants[grant];
  const p: Record<string, string | undefined> = { ...(g?.extraParams ?? {}) };
  if (grant === 'password') {
    p.username = env.target.username;
    p.password = env.target.password;
  }
  if (p.scope === undefined && (grant === 'client_credentials' || grant === 'password')) p.scope = flowScope(env.spec, grant);
  return p;
}

/**
 * Builds a refresh request (grant_type=refresh_token) with the spec's client authentication.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function buildRefreshRequest(env: BuildEnv, refreshToken: string, opts: TokenRequestOptions = {}): BuiltRequest {
  return buildTokenRequest(env, 'refresh_token', { ...opts, params: { refresh_token: refreshToken, ...(opts.params ?? {}) } });
}

/**
 * Builds a revocation request (RFC 7009 §2.1): `token` and an optional `token_type_hint`, always form-encoded,
 * with the client authentication the spec uses at the token endpoint.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export function buildRevokeRequest(env: BuildEnv, token: string, opts: { hint?: string; auth?: AuthMode } = {}): BuiltRequest {
  const endpoint = env.spec.endpoints.revoke;
  if (!endpoint) throw new Error('the spec declares no revoke endpoint');
  const fields: Record<string, string | undefined> = { token, token_type_hint: opts.hint };
  const headers: Record<string, string> = { ...env.target.headers };
  if (env.spec.request.acceptHeader) headers.Accept = env.spec.request.acceptHeader;
  headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const secrets = [token];
  const secret = placeClientAuth(env, opts.auth ?? 'spec', headers, (k, v) => (fields[k] = v));
  if (secret) secrets.push(secret);
  return { method: endpoint.method, url: endpointUrlOf(env, 'revoke'), headers, body: formEncode(fields), secrets };
}

/**
 * The scope a flow asks for (RFC 6749 §3.3), joined with the spec's delimiter: the grant's own `scope`, else the
 * spec's `scope.default` (a target sets either through `overrides`), or undefined when both are empty.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function flowScope(spec: ProviderSpec, grant: GrantType | 'implicit'): string | undefined {
  const values = spec.grants[grant]?.scope ?? spec.scope.default;
  return values.length ? values.join(spec.scope.delimiter) : undefined;
}

/**
 * The scope an authorization request asks for (RFC 6749 §4.1.1, §4.2.1: `scope` OPTIONAL, §3.3): the flow's scope
 * ({@link flowScope}: `grants.authorization_code.scope` or `grants.implicit.scope`, else `scope.default`). A server
 * may require it (§3.3: "fail the request indicating an invalid scope"), so every authorization request the
 * harness sends carries it unless a probe leaves it out.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function authorizationScope(spec: ProviderSpec, responseType: string = 'code'): string | undefined {
  return flowScope(spec, responseType === 'token' ? 'implicit' : 'authorization_code');
}

/**
 * Builds an authorization request URL (RFC 6749 §4.1.1, §4.2.1); `undefined` parameters are left out.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export function buildAuthorizeRequest(env: BuildEnv, params: Record<string, string | undefined>): BuiltRequest {
  const u = new URL(endpointUrlOf(env, 'authorize'));
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return { method: 'GET', url: u.toString(), headers: { ...env.target.headers }, body: '', secrets: [] };
}

/**
 * Builds a protected-resource call with an access token (RFC 6750 §2.1: `Authorization: Bearer`), the spec's
 * resource method, body and content type, and the target's headers (less any named in `omitHeaders`).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function buildResourceRequest(env: BuildEnv, accessToken: string | undefined, opts: { scheme?: string; headers?: Record<string, string>; omitHeaders?: string[] } = {}): BuiltRequest {
  const r = env.spec.resource;
  const omit = new Set((opts.omitHeaders ?? []).map((h) => h.toLowerCase()));
  const headers: Record<string, string> = Object.fromEntries(Object.entries(env.target.headers).filter(([k]) => !omit.has(k.toLowerCase())));
  if (accessToken !== undefined) headers.Authorization = `${opts.scheme ?? 'Bearer'} ${accessToken}`;
  if (r.contentType) headers['Content-Type'] = r.contentType;
  Object.assign(headers, opts.headers ?? {});
  return { method: r.method, url: endpointUrlOf(env, 'resource'), headers, body: r.body ?? '', secrets: accessToken ? [accessToken] : [] };
}
