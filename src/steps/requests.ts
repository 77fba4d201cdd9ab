/**
 * Named steps that talk to a target the way its spec says: token requests (encoding, parameter names,
 * client authentication, required headers, PoP), authorization requests and protected-resource calls.
 * Each builder returns the raw exchange; deciding what it means is the checks' job.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4
 */
import type { HttpExchange, HttpRequest } from '../http/types.ts';
import { authorizationScope, buildAuthorizeRequest, buildResourceRequest, buildTokenRequest, defaultGrantParams, endpointUrlOf, type BuiltRequest, type EndpointName, type TokenRequestOptions as BuildTokenOptions } from './build.ts';
import { buildTaapPop } from '../pop/taap.ts';
import type { GrantType } from '../spec/schema.ts';
import { defaultPkceMethod, newPkcePair, pkceSupport, type PkcePair } from './pkce.ts';
import { Unavailable, type SuiteContext } from '../runner/suite.ts';

export type { AuthMode, TokenRequestOptions as BuildTokenOptions } from './build.ts';

export interface TokenRequestOptions extends BuildTokenOptions {
  /** Send no PoP token even if the spec requires one. */
  omitPop?: boolean;
}

/** URL of a spec endpoint on the target, honouring the target's path overrides. */
export function endpointUrl(t: SuiteContext, name: EndpointName): string {
  return endpointUrlOf(t, name);
}

/** Scope values joined with the spec's delimiter. */
export const joinScope = (t: SuiteContext, values: string[]) => values.join(t.spec.scope.delimiter);

/** Splits a scope string by the spec's delimiter. */
export const splitScope = (t: SuiteContext, value: string) => value.split(t.spec.scope.delimiter).filter(Boolean);

/** Default grant parameters for a grant, from the spec and the target. */
export function grantParams(t: SuiteContext, grant: GrantType): Record<string, string | undefined> {
  return defaultGrantParams(t, grant);
}

/** Builds ({@link buildTokenRequest}), signs (TAAP, where the spec requires it) and sends a token request. */
export async function tokenRequest(t: SuiteContext, grant: GrantType | string | undefined, opts: TokenRequestOptions = {}): Promise<HttpExchange> {
  const req = buildTokenRequest(t, grant, opts);
  if (t.spec.pop?.profile === 'taap' && !opts.omitPop) await attachTaap(t, req);
  return sendBuilt(t, req);
}

/** Sends a built request after registering the secrets it carries. */
export function sendBuilt(t: SuiteContext, req: BuiltRequest): Promise<HttpExchange> {
  for (const s of req.secrets) t.redactor.add(s);
  const { secrets: _secrets, ...plain } = req;
  return send(t, plain);
}

/** Signs a request with a TAAP PoP token in the spec's header, over the spec's required parts. */
export async function attachTaap(t: SuiteContext, req: HttpRequest, overrides: { lifetimeSeconds?: number; now?: number } = {}): Promise<void> {
  const pop = t.spec.pop;
  if (!pop || pop.profile !== 'taap') return;
  if (!t.target.popPrivateKey) throw new Unavailable('the spec requires TAAP PoP tokens but the target has no popPrivateKey');
  const u = new URL(req.url);
  const parts = pop.requiredParts.length ? pop.requiredParts.filter((p) => p === 'uri' || p === 'http-method' || p === 'body' || headerOf(req, p) !== undefined) : undefined;
  const tokenValue = await buildTaapPop({
    privateKey: t.target.popPrivateKey,
    request: { method: req.method, uri: `${u.pathname}${u.search}`, headers: req.headers ?? {}, body: req.body ?? '' },
    ...(parts ? { parts } : {}),
    lifetimeSeconds: overrides.lifetimeSeconds ?? pop.maxLifetimeSeconds,
    now: overrides.now ?? t.target.now(),
  });
  req.headers = { ...(req.headers ?? {}), [pop.header]: tokenValue };
}

function headerOf(req: HttpRequest, name: string): string | undefined {
  const k = Object.keys(req.headers ?? {}).find((h) => h.toLowerCase() === name.toLowerCase());
  return k ? req.headers![k] : undefined;
}

/** Sends a request through the run's client and registers any secrets in the response. */
export async function send(t: SuiteContext, req: HttpRequest): Promise<HttpExchange> {
  const ex = await t.http.send(req);
  t.observe(ex);
  t.redactor.addFromFields(ex.json);
  for (const v of Object.values(req.headers ?? {})) if (/^(basic|bearer|dpop)\s/i.test(v)) t.redactor.add(v.split(/\s+/)[1]);
  return ex;
}

/** A successful token response, reduced to what later steps need. */
export interface IssuedToken {
  exchange: HttpExchange;
  accessToken: string;
  refreshToken?: string;
  tokenType?: string;
  scope?: string;
  body: Record<string, unknown>;
}

/** Describes an exchange in one line for failed prerequisites. */
export function describe(ex: HttpExchange): string {
  if (ex.failure) return `${ex.failure.code}: ${ex.failure.message}`;
  const err = ex.json && typeof ex.json === 'object' ? (ex.json as Record<string, unknown>).error : undefined;
  return `HTTP ${ex.status}${err ? ` error=${JSON.stringify(err)}` : ''}${ex.jsonError ? ` (body is not JSON: ${ex.jsonError})` : ''}`;
}

/** Reads an access token out of a token response, or throws with the reason (for named steps). */
export function expectToken(ex: HttpExchange): IssuedToken {
  if (ex.status !== 200) throw new Error(`token request: expected HTTP 200, observed ${describe(ex)}`);
  const body = ex.json;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error(`token request: expected a JSON object body, observed ${ex.jsonError ? `invalid JSON (${ex.jsonError})` : typeof body}`);
  const b = body as Record<string, unknown>;
  if (typeof b.access_token !== 'string' || !b.access_token) throw new Error(`token request: expected "access_token" to be a non-empty string, observed ${JSON.stringify(typeof b.access_token)}`);
  return {
    exchange: ex,
    accessToken: b.access_token,
    body: b,
    ...(typeof b.refresh_token === 'string' ? { refreshToken: b.refresh_token } : {}),
    ...(typeof b.token_type === 'string' ? { tokenType: b.token_type } : {}),
    ...(typeof b.scope === 'string' ? { scope: b.scope } : {}),
  };
}

/** The grant positive tests use to get a token from this spec, in order of preference. */
export function primaryGrant(t: SuiteContext): GrantType | undefined {
  const g = t.spec.grants;
  if (g.client_credentials) return 'client_credentials';
  if (g.password) return 'password';
  if (g.authorization_code) return 'authorization_code';
  return undefined;
}

/**
 * Sends an authorization request (RFC 6749 §4.1.1 / §4.2.1); the response is expected to be a redirect. It carries
 * the spec's scope ({@link authorizationScope}) unless `params` has a `scope` key (`scope: undefined` leaves it out).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export function authorizeRequest(t: SuiteContext, params: Record<string, string | undefined>): Promise<HttpExchange> {
  return sendBuilt(t, buildAuthorizeRequest(t, 'scope' in params ? params : { ...params, scope: authorizationScope(t.spec, params.response_type) }));
}

/**
 * PKCE parameters for an authorization request that is not about PKCE (redirect-URI probes, fuzzing): a fresh
 * code_challenge (S256 where the spec accepts it) for `response_type=code` wherever the spec's authorization_code
 * grant has PKCE, as {@link obtainCode} sends by default. A server that requires PKCE (RFC 9700 §2.1.1; RFC 7636
 * §4.4.1: it "MUST return the authorization error response" without a challenge) then judges the redirect URI, not
 * the missing challenge. The verifier is dropped: these codes are never redeemed.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export function challengeParams(t: SuiteContext, responseType: string): Record<string, string | undefined> {
  if (responseType !== 'code' || pkceSupport(t.spec) === 'none') return {};
  const pair = newPkcePair(defaultPkceMethod(t.spec));
  return { code_challenge: pair.challenge, code_challenge_method: pair.method };
}

/** What {@link obtainCode} does about PKCE: the spec's default, none at all, or a given pair. */
export type PkceChoice = 'default' | 'none' | PkcePair;

/**
 * Runs the authorization-code flow up to the code (auto-consent targets only). The request asks for `scope`
 * (default: the spec's, {@link authorizationScope}; `null`: none). By default, where the spec's
 * authorization_code grant has PKCE (`pkce` not `none`), the request carries a fresh code_challenge with
 * code_challenge_method (S256 where the spec accepts it, RFC 7636 §4.3), and the verifier is returned for the
 * redemption; it is registered with the redactor before anything is sent.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export async function obtainCode(
  t: SuiteContext,
  opts: { redirectUri?: string | null; scope?: string | null; state?: string; pkce?: PkceChoice } = {},
): Promise<{ code: string; redirectUri?: string; codeVerifier?: string }> {
  if (!t.target.autoConsent) throw new Unavailable('the authorization-code flow needs a user to consent; the target does not declare autoConsent');
  const redirectUri = opts.redirectUri === null ? undefined : (opts.redirectUri ?? t.target.redirectUri);
  const choice = opts.pkce ?? 'default';
  const pkce = choice === 'none' ? undefined : choice === 'default' ? (pkceSupport(t.spec) === 'none' ? undefined : newPkcePair(defaultPkceMethod(t.spec))) : choice;
  if (pkce) t.redactor.add(pkce.verifier);
  const ex = await authorizeRequest(t, {
    response_type: 'code', client_id: t.target.clientId, redirect_uri: redirectUri, scope: opts.scope === null ? undefined : (opts.scope ?? authorizationScope(t.spec)),
    state: opts.state ?? 'oauthgate-state',
    code_challenge: pkce?.challenge, code_challenge_method: pkce?.method,
  });
  const loc = ex.headers.location;
  if (ex.status !== 302 && ex.status !== 303) throw new Error(`authorization request: expected a redirect, observed ${describe(ex)}`);
  if (!loc) throw new Error('authorization request: redirect without a Location header');
  const code = new URL(loc).searchParams.get('code');
  if (!code) throw new Error(`authorization request: expected "code" in the redirect, observed ${loc.replace(/[?#].*/, '?...')}`);
  t.redactor.add(code);
  return { code, ...(redirectUri ? { redirectUri } : {}), ...(pkce ? { codeVerifier: pkce.verifier } : {}) };
}

/** Obtains a token with `grant` (default: the spec's primary grant). Throws with the reason. */
export async function obtainToken(t: SuiteContext, grant: GrantType | undefined = primaryGrant(t), extra: Record<string, string | undefined> = {}): Promise<IssuedToken> {
  if (!grant) throw new Unavailable('the spec declares no grant that can obtain a token at the token endpoint');
  if (grant === 'authorization_code') {
    const { code, redirectUri, codeVerifier } = await obtainCode(t);
    return expectToken(await tokenRequest(t, grant, { params: { code, redirect_uri: redirectUri, code_verifier: codeVerifier, ...extra } }));
  }
  return expectToken(await tokenRequest(t, grant, { params: { ...grantParams(t, grant), ...extra } }));
}

/**
 * Grant parameters for a token request that must succeed: the grant's defaults, or for authorization_code a
 * fresh code from the authorize endpoint (a code is single-use, RFC 6749 §4.1.2).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export async function successParams(t: SuiteContext, grant: GrantType | undefined): Promise<Record<string, string | undefined>> {
  if (!grant) return {};
  if (grant !== 'authorization_code') return grantParams(t, grant);
  const { code, redirectUri, codeVerifier } = await obtainCode(t);
  return { code, redirect_uri: redirectUri, code_verifier: codeVerifier };
}

/** Calls the spec's protected resource with an access token (Bearer by default), TAAP-signed where required. */
export async function callResource(
  t: SuiteContext,
  accessToken: string | undefined,
  opts: { scheme?: string; omitPop?: boolean; headers?: Record<string, string>; omitHeaders?: string[] } = {},
): Promise<HttpExchange> {
  const req = buildResourceRequest(t, accessToken, opts);
  if (t.spec.pop?.profile === 'taap' && t.spec.pop.onResource && !opts.omitPop) await attachTaap(t, req);
  return sendBuilt(t, req);
}
