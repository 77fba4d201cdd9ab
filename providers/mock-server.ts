/**
 * The mock authorization server: one engine that behaves as a provider spec says, for every endpoint the spec
 * declares (token, authorize, revoke) and its protected resource. It runs on 127.0.0.1, keeps its state in
 * memory, reads time from a {@link MockClock} and can be told to commit {@link FAULTS} for the kill matrix.
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, randomUUID, createHmac, createHash } from 'node:crypto';
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair, SignJWT, decodeProtectedHeader, type JWK } from 'jose';
import type { ProviderSpec, GrantType, ErrorCaseName } from '../src/spec/schema.ts';
import { MockClock } from './clock.ts';
import type { FaultName } from './faults.ts';
import { redirectUriMatches } from './redirect-match.ts';
import { computeEdts, decodeTaapPop, verifyTaapPop, ReplayCache, type PopRequest } from '../src/pop/taap.ts';
import { verifyDpopProof } from '../src/pop/dpop.ts';

/** Credentials and settings a suite needs to talk to this mock, in the same shape as a live target. */
export interface MockCredentials {
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  redirectUri?: string;
  headers: Record<string, string>;
  /** PEM (PKCS#8) of the client's PoP key, when the spec uses TAAP. */
  popPrivateKeyPem?: string;
  /** JWKS of the keys that sign issued JWTs. */
  jwks: { keys: JWK[] };
  issuer: string;
}

export interface MockServerOptions {
  spec: ProviderSpec;
  faults?: Iterable<FaultName>;
  clock?: MockClock;
  host?: string;
  port?: number;
  /** Expose POST /__oauthgate/clock for out-of-process clients (the standalone `oauthgate mock`). */
  adminApi?: boolean;
}

interface AccessTokenRecord {
  clientId: string;
  scope: string[];
  exp: number;
  revoked: boolean;
  jkt?: string;
  refreshToken?: string;
}

interface RefreshTokenRecord {
  clientId: string;
  scope: string[];
  exp: number;
  revoked: boolean;
  /** Set once the token has been rotated away. */
  used: boolean;
  family: string;
  accessTokens: string[];
}

interface CodeRecord {
  clientId: string;
  scope: string[];
  redirectUri?: string;
  redirectUriSent: boolean;
  exp: number;
  used: boolean;
  issued: string[];
  /** The PKCE challenge the code was requested with (RFC 7636 §4.4). */
  challenge?: { value: string; method: string };
}

/** A running mock. */
export interface MockServer {
  url: string;
  spec: ProviderSpec;
  clock: MockClock;
  credentials: MockCredentials;
  faults: ReadonlySet<FaultName>;
  /** Number of requests served, per endpoint name (white-box tests). */
  hits: Record<string, number>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

class HttpError {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {}
}

const token = (bytes = 24) => randomBytes(bytes).toString('base64url');

/**
 * RSA key generation costs tens of milliseconds; mocks in one process share a small pool of key pairs
 * (the signing key and the TAAP client key must differ, so there are two).
 */
const keyCache = new Map<string, ReturnType<typeof generateKeyPair>>();
function cachedKeyPair(name: 'server' | 'taap-client') {
  let p = keyCache.get(name);
  if (!p) keyCache.set(name, (p = generateKeyPair('RS256', { extractable: true })));
  return p;
}

/** Starts a mock server for `spec` on 127.0.0.1 (port 0 by default). */
export async function startMockServer(opts: MockServerOptions): Promise<MockServer> {
  const { spec } = opts;
  const faults = new Set<FaultName>(opts.faults ?? []);
  const clock = opts.clock ?? new MockClock();
  const host = opts.host ?? '127.0.0.1';

  const serverKeys = await cachedKeyPair('server');
  const serverJwk = { ...(await exportJWK(serverKeys.publicKey)), kid: 'mock-1', alg: 'RS256', use: 'sig' };
  let popPublicKeyPem: string | undefined;
  let popPrivateKeyPem: string | undefined;
  if (spec.pop?.profile === 'taap') {
    const kp = await cachedKeyPair('taap-client');
    popPublicKeyPem = await exportSPKI(kp.publicKey);
    popPrivateKeyPem = await exportPKCS8(kp.privateKey);
  }

  const clientId = `oauthgate-${spec.id}-${token(6)}`;
  const clientSecret = token(24);
  const username = 'probe.user@example.com';
  const password = token(18);
  const tenant = 'OAUTHGATE';
  const headers: Record<string, string> = {};
  for (const h of spec.requiredHeaders?.headers ?? []) {
    headers[h.name] = h.value.replace('${target.clientId}', clientId).replace(/\$\{target\.headers\.[^}]+\}/, tenant);
  }

  const accessTokens = new Map<string, AccessTokenRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const codes = new Map<string, CodeRecord>();
  const popReplay = new ReplayCache({ maxEntries: 50_000 });
  const dpopReplay = new ReplayCache({ maxEntries: 50_000 });
  const hits: Record<string, number> = {};
  const sockets = new Set<Socket>();

  let baseUrl = '';
  const issuer = () => `${baseUrl}/`;

  // ---------- helpers ----------
  const errorCase = (name: ErrorCaseName, description: string, fallbackStatus = 400, fallbackError = 'invalid_request'): HttpError => {
    const c = spec.errors.cases[name];
    const status = c?.status ?? fallbackStatus;
    const code = faults.has('error-code-changed') ? 'server_error' : (faults.has('error-not-json') ? undefined : c?.error) ?? fallbackError;
    const body: Json = { error: code, error_description: description };
    const h: Record<string, string> = {};
    if (status === 401 && (name === 'unknown_client' || name === 'wrong_secret')) h['www-authenticate'] = 'Basic realm="oauthgate-mock"';
    return new HttpError(status, body, h);
  };

  const paramName = (std: string) => spec.request.paramNames[std] ?? std;
  const splitScope = (raw: string | undefined): string[] => {
    if (raw === undefined) return [];
    const delim = spec.scope.delimiter;
    if (faults.has('scope-other-delimiter')) return raw.split(/[ ,]/).filter(Boolean);
    if (faults.has('scope-rfc-delimiter-only')) return raw.split(' ').filter(Boolean);
    if (faults.has('scope-empty-item-wildcard') && raw.split(delim).includes('')) return [...spec.scope.catalogue];
    return raw.split(delim).filter((s) => s.length > 0);
  };
  const joinScope = (s: string[]) => s.join(spec.scope.delimiter);
  const now = () => clock.now();

  async function signJwt(claims: Json, lifetime: number): Promise<string> {
    const iat = now();
    const c = faults.has('jwt-wrong-audience') ? { ...claims, aud: 'someone-else' } : claims;
    // jwt-bad-signature signs with the TAAP client key, which is not in the JWKS the mock publishes.
    const key = faults.has('jwt-bad-signature') ? (await cachedKeyPair('taap-client')).privateKey : serverKeys.privateKey;
    return new SignJWT(c)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'mock-1' })
      .setIssuer(faults.has('jwt-wrong-issuer') ? 'https://issuer.invalid/' : issuer())
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetime)
      .setJti(randomUUID())
      .sign(key);
  }

  /** Resolves the requested scope against the catalogue; throws invalid_scope as the spec says. */
  function grantScope(requested: string[], allowedForClient: string[] | undefined): string[] {
    const cat = spec.scope.catalogue;
    if (faults.has('scope-escalation')) return [...cat];
    const seen = new Set<string>();
    const out: string[] = [];
    for (const s of requested) {
      if (seen.has(s)) {
        if (faults.has('scope-duplicate-rejected')) throw errorCase('invalid_scope', `scope "${s}" repeated`, 400, 'invalid_scope');
        continue;
      }
      seen.add(s);
      const known = cat.length === 0 ? spec.scope.unknownScope === 'drop' || faults.has('accept-unknown-scope') : cat.includes(s);
      if (!known && !faults.has('accept-unknown-scope')) {
        if (spec.scope.unknownScope === 'drop') continue;
        throw errorCase('invalid_scope', `unknown scope value "${s}"`, 400, 'invalid_scope');
      }
      if (allowedForClient && !allowedForClient.includes(s) && !faults.has('accept-unknown-scope')) throw errorCase('invalid_scope', `scope "${s}" exceeds the original grant`, 400, 'invalid_scope');
      out.push(s);
    }
    return out;
  }

  async function issueTokens(clientIdFor: string, grant: GrantType, scope: string[], requestedScope: string[] | undefined, jkt?: string, family?: string): Promise<Json> {
    const g = spec.grants[grant];
    const fields = spec.tokenResponse.fields;
    const life = spec.lifetimes.accessToken;
    const accessIsJwt = fields.access_token?.type === 'jwt';
    const access = accessIsJwt
      ? await signJwt({ sub: clientIdFor, aud: clientIdFor, client_id: clientIdFor, scope: joinScope(scope), ...(jkt ? { cnf: { jkt } } : {}) }, life)
      : token(24);
    const rec: AccessTokenRecord = { clientId: clientIdFor, scope, exp: now() + life, revoked: false, ...(jkt ? { jkt } : {}) };
    accessTokens.set(access, rec);
    const body: Json = {};
    if (!faults.has('no-access-token')) body.access_token = access;
    const ttField = fields.token_type;
    if ((ttField || jkt) && !faults.has('no-token-type')) {
      body.token_type = faults.has('token-type-mac') ? 'mac' : jkt ? 'DPoP' : (ttField?.value ?? 'Bearer');
    }
    let expiresIn: number | string = faults.has('expires-in-wrong') ? 60 : life;
    const eType = fields.expires_in?.type;
    if ((eType === 'numeric-string' && !faults.has('expires-in-number')) || faults.has('expires-in-string')) expiresIn = String(expiresIn);
    if (fields.expires_in || faults.has('expires-in-string')) body.expires_in = expiresIn;
    if (((g?.issuesRefreshToken ?? false) && spec.grants.refresh_token) || faults.has('refresh-token-issued')) {
      const rt = token(32);
      refreshTokens.set(rt, {
        clientId: clientIdFor, scope, exp: now() + (faults.has('refresh-expires-early') ? life : (spec.lifetimes.refreshToken ?? 10 * 365 * 86400)), revoked: false, used: false,
        family: family ?? randomUUID(), accessTokens: [access],
      });
      rec.refreshToken = rt;
      body.refresh_token = rt;
    }
    const echo = spec.scope.echo;
    const narrowed = requestedScope === undefined || joinScope(requestedScope) !== joinScope(scope);
    if (!faults.has('scope-echo-missing') && (echo === 'always' || (echo === 'when-narrowed' && narrowed && scope.length > 0) || fields.scope?.required)) {
      body.scope = joinScope(scope);
    }
    if (fields.id_token) body.id_token = await signJwt({ sub: clientIdFor, aud: clientIdFor }, life);
    for (const [name, f] of Object.entries(fields)) {
      if (!(name in body) && f.value !== undefined && name !== 'token_type' && name !== 'expires_in') body[name] = f.value;
    }
    return body;
  }

  // ---------- request parsing ----------
  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 1 << 20) throw new HttpError(413, { error: 'invalid_request', error_description: 'body too large' });
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function parseParams(req: IncomingMessage, body: string): Record<string, string> {
    const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const encoding = spec.request.encoding;
    const expected = (spec.request.contentType ?? (encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json')).toLowerCase();
    if (ct !== expected && !faults.has('accept-any-content-type')) {
      throw errorCase('unsupported_content_type', `Content-Type: expected ${expected}, observed ${ct || '(none)'}`);
    }
    if (body.trim() === '') return {};
    if (ct === 'application/json' || (faults.has('accept-any-content-type') && body.trim().startsWith('{'))) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw errorCase('missing_parameter', 'body is not valid JSON');
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw errorCase('missing_parameter', 'body must be a JSON object');
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed as Json)) if (typeof v === 'string') out[k] = v;
      return out;
    }
    const out: Record<string, string> = {};
    const seen = new Set<string>();
    for (const [k, v] of new URLSearchParams(body)) {
      if (seen.has(k) && !faults.has('accept-repeated-parameter')) throw errorCase('missing_parameter', `parameter "${k}" repeated (RFC 6749 §3.2)`);
      seen.add(k);
      out[k] = v;
    }
    return out;
  }

  function checkRequiredHeaders(req: IncomingMessage): void {
    if (!spec.requiredHeaders || faults.has('ignore-required-headers')) return;
    for (const h of spec.requiredHeaders.headers) {
      const got = req.headers[h.name.toLowerCase()];
      const want = headers[h.name];
      if (got !== want) {
        const m = spec.requiredHeaders.onMissing;
        throw new HttpError(m?.status ?? 400, { error: m?.error ?? 'invalid_request', error_description: `header ${h.name} missing or wrong` });
      }
    }
  }

  /** Client authentication per the spec's accepted methods (RFC 6749 §2.3.1). Returns the client id. */
  function authenticateClient(req: IncomingMessage, params: Record<string, string>): string {
    const methods = spec.clientAuth.methods;
    const auth = req.headers.authorization;
    let basic: { id: string; secret: string } | undefined;
    if (auth && /^basic /i.test(auth)) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) throw errorCase('unknown_client', 'malformed Basic credentials', 401, 'invalid_client');
      try {
        basic = { id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' ')) };
      } catch {
        throw errorCase('unknown_client', 'malformed Basic credentials', 401, 'invalid_client');
      }
    }
    const bodyId = params[paramName('client_id')];
    const bodySecret = params[paramName('client_secret')];
    const loose = faults.has('accept-any-client-auth');
    let id: string | undefined;
    let secret: string | undefined;
    if (basic) {
      if (!methods.includes('client_secret_basic') && !loose) throw errorCase('unknown_client', 'HTTP Basic client authentication is not accepted here', 401, 'invalid_client');
      if (bodySecret !== undefined && !spec.clientAuth.bodyCredentialsAlsoRequired && !loose && !faults.has('accept-two-client-auth-methods')) {
        throw errorCase('missing_parameter', 'more than one client authentication method used (RFC 6749 §2.3)');
      }
      if (spec.clientAuth.bodyCredentialsAlsoRequired && !loose) {
        if (bodyId === undefined || bodySecret === undefined) throw errorCase('missing_parameter', 'client_id and client_secret are required in the body as well');
        if (bodyId !== basic.id || bodySecret !== basic.secret) throw errorCase('wrong_secret', 'body credentials differ from Basic credentials', 401, 'invalid_client');
      }
      id = basic.id;
      secret = basic.secret;
    } else if (bodySecret !== undefined || bodyId !== undefined) {
      if (!methods.includes('client_secret_post') && !loose && bodySecret !== undefined) {
        throw errorCase('unknown_client', 'client credentials in the body are not accepted here', 401, 'invalid_client');
      }
      id = bodyId;
      secret = bodySecret;
    }
    if (id === undefined) throw errorCase('unknown_client', 'no client authentication', 401, 'invalid_client');
    if (id !== clientId && !faults.has('accept-unknown-client')) throw errorCase('unknown_client', 'unknown client', 401, 'invalid_client');
    if (id === clientId && secret !== clientSecret && !faults.has('accept-wrong-secret')) throw errorCase('wrong_secret', 'client authentication failed', 401, 'invalid_client');
    return id;
  }

  function popRequestOf(req: IncomingMessage, body: string): PopRequest {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') h[k] = v;
    return { method: req.method ?? 'GET', uri: req.url ?? '/', headers: h, body };
  }

  /** TAAP PoP validation as the spec says, weakened only by PoP faults. */
  async function checkTaap(req: IncomingMessage, body: string, where: 'token' | 'resource'): Promise<void> {
    const pop = spec.pop;
    if (!pop || pop.profile !== 'taap' || !popPublicKeyPem) return;
    if (where === 'resource' && (!pop.onResource || faults.has('pop-skip-resource'))) return;
    const value = req.headers[pop.header.toLowerCase()];
    const tokenValue = Array.isArray(value) ? value[0] : value;
    if (!tokenValue && (faults.has('pop-not-required') || !pop.required)) return;
    const ignore = new Set<string>();
    if (faults.has('pop-skip-signature')) ignore.add('bad_signature');
    if (faults.has('pop-skip-exp')) ignore.add('expired');
    if (faults.has('pop-skip-iat')) ignore.add('future_iat');
    if (faults.has('pop-skip-lifetime')) ignore.add('lifetime_too_long');
    if (faults.has('pop-skip-edts')) ignore.add('edts_mismatch');
    if (faults.has('pop-skip-required-parts')) ignore.add('missing_part');
    if (faults.has('pop-skip-jti')) ignore.add('replayed');
    let alg: unknown;
    try {
      alg = tokenValue ? decodeProtectedHeader(tokenValue).alg : undefined;
    } catch {
      alg = undefined;
    }
    if (alg === 'none' && faults.has('pop-allow-none')) return;
    if (alg === 'HS256' && faults.has('pop-allow-hs256') && tokenValue && hmacKeyedWith(tokenValue, popPublicKeyPem)) return;
    const popReq = popRequestOf(req, body);
    // Boundary-shift defences (src/pop/taap.ts): well-formed parts, and the route's own method and path pinned.
    const route = where === 'token' ? spec.endpoints.token : spec.resource;
    const splitTolerant = faults.has('pop-split-tolerant');
    const result = await verifyTaapPop(tokenValue, {
      publicKey: popPublicKeyPem,
      request: popReq,
      requiredParts: pop.requiredParts,
      maxLifetimeSeconds: pop.maxLifetimeSeconds,
      clockSkewSeconds: pop.clockSkewSeconds,
      now: now(),
      ...(faults.has('pop-skip-jti') ? {} : { replayCache: popReplay }),
      strictPartSyntax: !splitTolerant,
      ...(splitTolerant ? {} : { pinnedValues: { 'http-method': route.method, uri: route.path } }),
    });
    if (result.ok) return;
    if (ignore.has(result.code)) return;
    if (result.code === 'edts_mismatch' && faults.has('pop-edts-case-insensitive') && tokenValue) {
      if (edtsMatchesIgnoringCase(tokenValue, popReq)) return;
    }
    throw new HttpError(401, { error: 'invalid_request', error_description: `PoP token rejected (${result.code}): ${result.message}` }, { 'www-authenticate': 'PoP error="invalid_token"' });
  }

  function edtsMatchesIgnoringCase(tokenValue: string, popReq: PopRequest): boolean {
    const { claims } = decodeTaapPop(tokenValue);
    const c = claims as { ehts?: string; edts?: string };
    if (!c.ehts || !c.edts) return false;
    return computeEdts(c.ehts.split(';'), popReq).toLowerCase() === c.edts.toLowerCase();
  }

  /** DPoP proof on the token endpoint (RFC 9449 §5). Returns the key thumbprint to bind, if any. */
  async function checkDpopAtToken(req: IncomingMessage): Promise<string | undefined> {
    if (spec.pop?.profile !== 'dpop') return undefined;
    const proof = req.headers.dpop;
    if (typeof proof !== 'string') return undefined;
    const r = await verifyDpopProof(proof, {
      htm: faults.has('dpop-skip-htm') ? extractClaim(proof, 'htm') ?? 'POST' : 'POST',
      htu: faults.has('dpop-skip-htu') ? extractClaim(proof, 'htu') ?? '' : `${baseUrl}${spec.endpoints.token.path}`,
      now: faults.has('dpop-skip-iat') ? Number(extractClaim(proof, 'iat') ?? now()) : now(),
      maxAgeSeconds: spec.pop.maxLifetimeSeconds,
      clockSkewSeconds: spec.pop.clockSkewSeconds,
      ...(faults.has('dpop-skip-jti') ? {} : { replayCache: dpopReplay }),
    });
    if (!r.ok) {
      if (r.code === 'bad_alg' && faults.has('dpop-allow-none')) return 'unbound';
      if (r.code === 'private_key_in_jwk' && faults.has('dpop-allow-private-jwk')) return 'unbound';
      throw new HttpError(400, { error: 'invalid_dpop_proof', error_description: `${r.code}: ${r.message}` });
    }
    return faults.has('dpop-not-bound') ? undefined : r.jkt;
  }

  /**
   * PKCE at the token endpoint (RFC 7636 §4.6; RFC 9700 §2.1.1): a code requested with a challenge needs the
   * verifier that derives it; a verifier for a code requested without one is a downgrade and refused.
   */
  function verifyPkce(rec: CodeRecord, verifier: string | undefined): void {
    if ((spec.grants.authorization_code?.pkce ?? 'none') === 'none' || faults.has('pkce-not-verified')) return;
    const bad = (why: string) => errorCase('invalid_grant', why, 400, 'invalid_grant');
    if (!rec.challenge) {
      if (verifier !== undefined && !faults.has('pkce-downgrade')) throw bad('code_verifier sent for a code requested without code_challenge');
      return;
    }
    if (verifier === undefined) {
      if (faults.has('pkce-verifier-optional')) return;
      throw bad('code_verifier is required: the code was requested with a code_challenge');
    }
    const derived = rec.challenge.method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
    if (derived === rec.challenge.value) return;
    if (faults.has('pkce-allow-plain') && verifier === rec.challenge.value) return;
    throw bad('code_verifier does not match the code_challenge');
  }

  // ---------- endpoints ----------
  async function handleToken(req: IncomingMessage, res: ServerResponse, url?: URL): Promise<void> {
    const body = await readBody(req);
    checkRequiredHeaders(req);
    await checkTaap(req, body, 'token');
    const params = parseParams(req, body);
    // RFC 6749 §2.3.1: credentials are read from the body only; the fault also honours the query string.
    if (faults.has('accept-query-credentials') && url) for (const [k, v] of url.searchParams) params[k] ??= v;
    const cid = authenticateClient(req, params);
    let jkt = await checkDpopAtToken(req);
    if (jkt === 'unbound') jkt = undefined;
    const gtName = paramName('grant_type');
    let grant = params[gtName];
    if (spec.request.encoding === 'empty') grant = 'client_credentials';
    if (grant === undefined) {
      if (faults.has('accept-missing-grant-type')) grant = 'client_credentials';
      else throw errorCase('missing_grant_type', `${gtName} is required`);
    }
    const known = (['client_credentials', 'authorization_code', 'refresh_token', 'password'] as const).find((g) => g === grant && spec.grants[g]);
    if (!known) {
      if (!faults.has('accept-unsupported-grant')) throw errorCase('unsupported_grant_type', `grant type "${grant}" is not supported`, 400, 'unsupported_grant_type');
      return sendJson(res, 200, await issueTokens(cid, 'client_credentials', [], undefined));
    }
    const g = spec.grants[known]!;
    for (const [k, v] of Object.entries(g.extraParams)) {
      if (spec.request.encoding !== 'empty' && params[paramName(k)] !== v && !faults.has('accept-missing-parameter')) {
        throw errorCase('missing_parameter', `${paramName(k)}: expected "${v}"`);
      }
    }
    const scopeRaw = known === 'client_credentials' && g.extraParams.scope !== undefined ? undefined : params.scope;
    const requested = scopeRaw === undefined ? undefined : splitScope(scopeRaw);
    switch (known) {
      case 'client_credentials': {
        if (g.scopeRequired && requested === undefined && g.extraParams.scope === undefined && !faults.has('scope-not-required') && !faults.has('accept-missing-parameter')) {
          throw errorCase('missing_parameter', 'scope is required for client_credentials');
        }
        if (requested === undefined && g.extraParams.scope === undefined && faults.has('scope-missing-rejected')) throw errorCase('missing_parameter', 'scope is required');
        if (requested && requested.length === 0 && scopeRaw !== '') throw errorCase('invalid_scope', 'scope has only empty items', 400, 'invalid_scope');
        const granted = requested ? grantScope(requested, undefined) : g.extraParams.scope ? [] : [...spec.scope.default];
        return sendJson(res, 200, await issueTokens(cid, 'client_credentials', granted, requested, jkt));
      }
      case 'password': {
        const u = params.username;
        const p = params.password;
        if ((u === undefined || p === undefined) && !faults.has('accept-missing-parameter')) throw errorCase('missing_parameter', 'username and password are required');
        if ((u !== username || p !== password) && !faults.has('accept-missing-parameter')) throw errorCase('invalid_grant', 'resource owner credentials are invalid', 400, 'invalid_grant');
        const granted = requested ? grantScope(requested, undefined) : [...spec.scope.default];
        return sendJson(res, 200, await issueTokens(cid, 'password', granted, requested, jkt));
      }
      case 'authorization_code': {
        const code = params.code;
        if (code === undefined) {
          if (!faults.has('accept-missing-parameter')) throw errorCase('missing_parameter', 'code is required');
        }
        const rec = code ? codes.get(code) : undefined;
        if (!rec || rec.clientId !== cid || rec.exp <= now()) throw errorCase('invalid_grant', 'authorization code is invalid or expired', 400, 'invalid_grant');
        if (rec.used && !faults.has('accept-reused-code')) {
          // RFC 6749 §4.1.2: a code used twice SHOULD revoke the tokens issued from it.
          for (const t of rec.issued) revokeAny(t);
          throw errorCase('invalid_grant', 'authorization code already used', 400, 'invalid_grant');
        }
        if (rec.redirectUriSent && params.redirect_uri !== rec.redirectUri) throw errorCase('invalid_grant', 'redirect_uri differs from the authorization request', 400, 'invalid_grant');
        verifyPkce(rec, params.code_verifier);
        rec.used = true;
        const body2 = await issueTokens(cid, 'authorization_code', rec.scope, rec.scope, jkt);
        rec.issued.push(String(body2.access_token), ...(body2.refresh_token ? [String(body2.refresh_token)] : []));
        return sendJson(res, 200, body2);
      }
      case 'refresh_token': {
        const rt = params.refresh_token;
        if (rt === undefined && !faults.has('accept-missing-parameter')) throw errorCase('missing_parameter', 'refresh_token is required');
        const rec = rt ? refreshTokens.get(rt) : undefined;
        const policy = spec.refresh!;
        if (!rec || rec.clientId !== cid || rec.revoked) throw errorCase('invalid_grant', 'refresh token is invalid', 400, 'invalid_grant');
        if (rec.exp <= now() && !faults.has('refresh-never-expire')) throw errorCase('invalid_grant', 'refresh token expired', 400, 'invalid_grant');
        if (rec.used) {
          if (policy.reuseDetection && !faults.has('no-reuse-detection')) {
            // RFC 9700 §4.14.2: a replayed rotated token revokes the whole family, active token included.
            for (const r of refreshTokens.values()) {
              if (r.family !== rec.family) continue;
              r.revoked = true;
              for (const a of r.accessTokens) revokeAny(a);
            }
          }
          throw errorCase('invalid_grant', 'refresh token already used', 400, 'invalid_grant');
        }
        const granted = requested ? grantScope(requested, rec.scope) : rec.scope;
        const invalidateRefresh = policy.invalidatesOldRefreshToken && !faults.has('refresh-keeps-old-refresh');
        const invalidateAccess = (policy.invalidatesOldAccessToken && !faults.has('refresh-keeps-old-access')) || faults.has('refresh-kills-access');
        const rotate = policy.rotatesRefreshToken && !faults.has('refresh-no-rotation');
        const out = await issueTokens(cid, 'refresh_token', granted, requested, jkt, rec.family);
        if (!rotate) {
          if (out.refresh_token) refreshTokens.delete(String(out.refresh_token));
          delete out.refresh_token;
          rec.accessTokens.push(String(out.access_token));
        }
        if (invalidateAccess) for (const a of rec.accessTokens) if (a !== out.access_token) revokeAny(a);
        if ((rotate && invalidateRefresh) || faults.has('refresh-kills-refresh')) rec.used = true;
        return sendJson(res, 200, out);
      }
    }
  }

  function revokeAny(t: string): boolean {
    const a = accessTokens.get(t);
    if (a) {
      a.revoked = true;
      return true;
    }
    const r = refreshTokens.get(t);
    if (r) {
      r.revoked = true;
      for (const at of r.accessTokens) {
        const rec = accessTokens.get(at);
        if (rec) rec.revoked = true;
      }
      return true;
    }
    return false;
  }

  async function handleRevoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    checkRequiredHeaders(req);
    const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const params: Record<string, string> = ct === 'application/json' ? (JSON.parse(body || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(body));
    let cid: string | undefined;
    if (!faults.has('revoke-no-client-auth')) cid = authenticateClient(req, params);
    const t = params.token;
    if (!t) throw errorCase('missing_parameter', 'token is required');
    const owner = accessTokens.get(t)?.clientId ?? refreshTokens.get(t)?.clientId;
    if (owner === undefined) {
      if (faults.has('revoke-unknown-400')) throw errorCase('invalid_grant', 'unknown token', 400, 'invalid_request');
    } else if (cid === undefined || owner === cid) {
      const hint = params.token_type_hint;
      const hintMisses = faults.has('revoke-hint-strict') && ((hint === 'access_token' && !accessTokens.has(t)) || (hint === 'refresh_token' && !refreshTokens.has(t)));
      const rt = refreshTokens.get(t);
      if (faults.has('revoke-noop') || hintMisses) {
        // answers 200, revokes nothing
      } else if (rt && faults.has('revoke-refresh-keeps-access')) rt.revoked = true;
      else revokeAny(t);
    }
    res.writeHead(200, { 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  }

  function handleAuthorize(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const q = url.searchParams;
    const responseType = q.get('response_type');
    const cid = q.get('client_id');
    const state = q.get('state');
    const rule = spec.redirectUri;
    const registered = rule?.registered;
    let redirect = q.get('redirect_uri') ?? undefined;
    const sent = redirect !== undefined;
    const page = (status: number, msg: string) => {
      // Errors about the client or the redirect URI are shown, never redirected (RFC 6749 §4.1.2.1).
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><title>Authorization error</title><p>${msg.replace(/[<>&"]/g, '')}</p>`);
    };
    if (cid !== clientId) return page(400, 'invalid_request: unknown client_id');
    if (!rule || !registered) return page(400, 'invalid_request: no redirect URI registered');
    if (!sent) {
      if ((!rule.fallbackToRegistered && !faults.has('redirect-absent-fallback')) || faults.has('redirect-no-fallback')) return page(400, 'invalid_request: redirect_uri is required');
      redirect = registered;
    } else if (!redirectUriMatches(rule.rule, registered, redirect!, faults)) {
      if (faults.has('redirect-on-error')) return redirectTo(res, redirect!, { error: 'invalid_request', ...(state ? { state } : {}) }, false);
      return page(400, 'invalid_request: redirect_uri does not match the registered URI');
    }
    const scopeRaw = q.get('scope');
    const extra: Record<string, string> = {};
    if (state !== null && !faults.has('state-dropped')) extra.state = state;
    let scope: string[];
    try {
      scope = scopeRaw === null ? [...spec.scope.default] : grantScope(splitScope(scopeRaw), undefined);
    } catch (e) {
      const err = e instanceof HttpError ? String(e.body.error) : 'invalid_scope';
      return redirectTo(res, redirect!, { error: err, ...extra }, responseType === 'token');
    }
    if (responseType === 'code' && spec.grants.authorization_code) {
      // PKCE (RFC 7636 §4.4): the method defaults to plain; one the spec does not accept, or (pkce: required) no
      // challenge at all, is refused with invalid_request on the redirect (§4.4.1).
      const pkce = spec.grants.authorization_code.pkce;
      const challengeValue = q.get('code_challenge');
      const method = q.get('code_challenge_method') ?? 'plain';
      let challenge: CodeRecord['challenge'];
      if (pkce !== 'none' && challengeValue !== null) {
        if (!(spec.grants.authorization_code.pkceMethods as string[]).includes(method)) return redirectTo(res, redirect!, { error: 'invalid_request', error_description: `code_challenge_method ${method} is not supported`, ...extra }, false);
        challenge = { value: challengeValue, method };
      } else if (pkce === 'required' && !faults.has('pkce-not-required')) return redirectTo(res, redirect!, { error: 'invalid_request', error_description: 'PKCE required', ...extra }, false);
      const code = token(16);
      codes.set(code, { clientId, scope, redirectUri: redirect, redirectUriSent: sent, exp: now() + spec.lifetimes.authorizationCode, used: false, issued: [], ...(challenge ? { challenge } : {}) });
      return redirectTo(res, redirect!, { code, ...extra }, false);
    }
    if (responseType === 'token' && spec.grants.implicit) {
      const access = token(24);
      accessTokens.set(access, { clientId, scope, exp: now() + spec.lifetimes.accessToken, revoked: false });
      const frag: Record<string, string> = { access_token: access, token_type: 'Bearer', expires_in: String(spec.lifetimes.accessToken), ...extra };
      if (scope.length && spec.scope.echo !== 'never') frag.scope = joinScope(scope);
      return redirectTo(res, redirect!, frag, !faults.has('implicit-in-query'));
    }
    return redirectTo(res, redirect!, { error: 'unsupported_response_type', ...extra }, responseType === 'token');
  }

  function redirectTo(res: ServerResponse, target: string, params: Record<string, string>, inFragment: boolean): void {
    const u = new URL(target);
    const enc = new URLSearchParams(params).toString();
    let loc: string;
    if (inFragment) loc = `${target.split('#')[0]}#${enc}`;
    else {
      for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
      loc = u.toString();
    }
    res.writeHead(302, { location: loc, 'cache-control': 'no-store' });
    res.end();
  }

  async function handleResource(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    checkRequiredHeaders(req);
    const auth = req.headers.authorization ?? '';
    const m = /^(Bearer|DPoP)\s+(\S+)$/i.exec(auth);
    const challenge = (err?: string): Record<string, string> => {
      if (faults.has('no-www-authenticate')) return {};
      const scheme = spec.pop?.profile === 'dpop' && m?.[1]?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
      return { 'www-authenticate': err ? `${scheme} realm="oauthgate-mock", error="${err}"` : `${scheme} realm="oauthgate-mock"` };
    };
    const invalidStatus = spec.resource.invalidTokenStatus;
    if (!m) throw new HttpError(invalidStatus, { error: 'invalid_request', error_description: 'no access token' }, challenge());
    const value = m[2]!;
    const rec = faults.has('resource-rejects-all') ? undefined : accessTokens.get(value);
    const expired = rec ? rec.exp <= now() && !faults.has('never-expire') : false;
    if (!rec || rec.revoked || expired) {
      throw new HttpError(invalidStatus, { error: 'invalid_token', error_description: expired ? 'access token expired' : 'access token is invalid' }, challenge('invalid_token'));
    }
    if (rec.jkt) {
      if (m[1]!.toLowerCase() !== 'dpop') throw new HttpError(401, { error: 'invalid_token', error_description: 'DPoP-bound token sent as Bearer' }, challenge('invalid_token'));
      const proofHeader = req.headers.dpop;
      const r = await verifyDpopProof(typeof proofHeader === 'string' ? proofHeader : undefined, {
        htm: req.method ?? 'GET',
        htu: `${baseUrl}${(req.url ?? '/').split('?')[0]}`,
        ...(faults.has('dpop-skip-ath') && !extractClaim(String(proofHeader ?? ''), 'ath') ? {} : { accessToken: value }),
        now: now(),
        maxAgeSeconds: spec.pop?.maxLifetimeSeconds ?? 300,
        expectedJkt: rec.jkt,
        ...(faults.has('dpop-skip-jti') ? {} : { replayCache: dpopReplay }),
      });
      if (!r.ok) throw new HttpError(401, { error: 'invalid_dpop_proof', error_description: `${r.code}: ${r.message}` }, { 'www-authenticate': 'DPoP error="invalid_dpop_proof"' });
    }
    await checkTaap(req, body, 'resource');
    const need = spec.resource.requiredScope;
    if (need && !rec.scope.includes(need) && !faults.has('resource-ignores-scope') && !(spec.grants.client_credentials?.extraParams.scope)) {
      throw new HttpError(spec.resource.insufficientScopeStatus, { error: 'insufficient_scope', error_description: `scope "${need}" required` }, challenge('insufficient_scope'));
    }
    sendJson(res, 200, { ok: true, client_id: rec.clientId }, false);
  }

  function sendJson(res: ServerResponse, status: number, body: Json, isTokenResponse = true): void {
    if (isTokenResponse && faults.has('json-garbage')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token": "trunc');
      return;
    }
    const h: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8' };
    if (isTokenResponse && spec.tokenResponse.cacheControlNoStore && !faults.has('no-cache-control')) {
      h['cache-control'] = 'no-store';
      h.pragma = 'no-cache';
    }
    const text = JSON.stringify(body);
    h['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(status, h);
    res.end(text);
  }

  function sendError(res: ServerResponse, e: HttpError): void {
    if (faults.has('error-not-json')) {
      res.writeHead(e.status, { 'content-type': 'text/plain', ...e.headers });
      res.end(`error: ${String(e.body.error_description ?? e.body.error)}`);
      return;
    }
    const text = JSON.stringify(e.body);
    res.writeHead(faults.has('error-200') ? 200 : e.status, {
      'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(text)), ...e.headers,
    });
    res.end(text);
  }

  // ---------- routing ----------
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void>();
  const key = (method: string, path: string) => `${method} ${path}`;
  routes.set(key(spec.endpoints.token.method, spec.endpoints.token.path), handleToken);
  if (spec.endpoints.revoke) routes.set(key(spec.endpoints.revoke.method, spec.endpoints.revoke.path), handleRevoke);
  if (spec.endpoints.authorize) routes.set(key(spec.endpoints.authorize.method, spec.endpoints.authorize.path), handleAuthorize);
  routes.set(key(spec.resource.method, spec.resource.path), handleResource);
  routes.set('GET /.well-known/jwks.json', (_req, res) => sendJson(res, 200, { keys: [serverJwk] }, false));
  if (opts.adminApi) {
    routes.set('POST /__oauthgate/clock', async (req, res) => {
      const b = JSON.parse((await readBody(req)) || '{}') as { advance?: number };
      if (typeof b.advance === 'number' && Number.isFinite(b.advance)) clock.advance(b.advance);
      sendJson(res, 200, { now: clock.now(), offsetSeconds: clock.offsetSeconds }, false);
    });
  }
  const pathsKnown = new Set([...routes.keys()].map((k) => k.split(' ')[1]));

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    const route = routes.get(key(req.method ?? 'GET', url.pathname));
    const name = route ? url.pathname : 'unknown';
    hits[name] = (hits[name] ?? 0) + 1;
    if (!route) {
      const status = pathsKnown.has(url.pathname) ? 405 : 404;
      return sendError(res, new HttpError(status, { error: status === 405 ? 'invalid_request' : 'not_found', error_description: `${req.method} ${url.pathname} is not served here` }));
    }
    Promise.resolve()
      .then(() => route(req, res, url))
      .catch((e: unknown) => {
        if (e instanceof HttpError) return sendError(res, e);
        sendError(res, new HttpError(500, { error: 'server_error', error_description: 'mock internal error' }));
        // Surface programming errors in the mock to the harness's own tests.
        process.emitWarning(`oauthgate mock (${spec.id}) internal error: ${(e as Error)?.stack ?? String(e)}`);
      });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    if (faults.has('hang')) return; // accept and say nothing
    if (faults.has('reset')) return void s.destroy();
    if (faults.has('garbage')) {
      s.end('\x00\x01 this is not HTTP \xff\r\n\r\n');
    }
  });
  if (faults.has('hang') || faults.has('garbage') || faults.has('reset')) server.removeAllListeners('request');

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;

  return {
    url: baseUrl,
    spec,
    clock,
    faults,
    hits,
    credentials: {
      clientId, clientSecret, username, password, headers,
      ...(registeredRedirect(spec) ? { redirectUri: registeredRedirect(spec)! } : {}),
      ...(popPrivateKeyPem ? { popPrivateKeyPem } : {}),
      jwks: { keys: [serverJwk] },
      issuer: `${baseUrl}/`,
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function registeredRedirect(spec: ProviderSpec): string | undefined {
  return spec.redirectUri?.registered;
}

function extractClaim(jws: string, claim: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const v = payload[claim];
    return v === undefined ? undefined : String(v);
  } catch {
    return undefined;
  }
}

/** Whether `jws` is an HMAC-SHA-256 JWS keyed with the bytes of `pem` (the algorithm-confusion key). */
function hmacKeyedWith(jws: string, pem: string): boolean {
  const [h, p, sig] = jws.split('.');
  if (h === undefined || p === undefined || !sig) return false;
  return createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url') === sig;
}
