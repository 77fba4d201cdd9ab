/**
 * The mock authorization server: one engine that behaves as a {@link MockBehaviour} says — the resolved view of
 * a provider spec, patched by any {@link FAULTS} — for every endpoint the spec declares (token, authorize,
 * revoke) and its protected resource. It runs on 127.0.0.1, keeps its state in memory, reads time from a
 * {@link MockClock}, evicts expired and revoked tokens, codes and proofs by that clock, and answers every
 * request line, however malformed, with an HTTP response.
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomFillSync, randomUUID, createHmac, createHash } from 'node:crypto';
import { exportJWK, decodeProtectedHeader, type JWK } from 'jose';
import { testKeyPair } from './keys/test-keys.ts';
import type { ProviderSpec, GrantType, ErrorCaseName } from '../src/spec/schema.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { MockClock } from './clock.ts';
import { applyFaults, type FaultName } from './faults.ts';
import { cleanBehaviour, type MockBehaviour } from './behaviour.ts';
import { redirectUriMatches } from './redirect-match.ts';
import { computeEdts, decodeTaapPop, verifyTaapPop, ReplayCache, type PopRequest } from '../src/pop/taap.ts';
import { verifyDpopProof } from '../src/pop/dpop.ts';
import { signRs256Compact } from '../src/pop/jws-internal.ts';
import { BoundedCache } from '../src/bounded-cache.ts';

/** Credentials and settings a suite needs to talk to this mock, in the same shape as a live target. */
export interface MockCredentials {
  clientId: string;
  /** Absent for a public client: a spec whose only client-authentication method is `none`. */
  clientSecret?: string;
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
  /**
   * Expose POST /__oauthgate/clock and GET /__oauthgate/stats for out-of-process clients (the standalone
   * `oauthgate mock`).
   */
  adminApi?: boolean;
  /** Most entries kept per token store before the oldest are dropped (default 200 000). */
  maxStoreEntries?: number;
  /**
   * The client secret to issue instead of a random one (where the spec has secret methods): one with `:`, `%`,
   * `+` or a space exercises the form encoding of Basic credentials (RFC 6749 §2.3.1).
   */
  clientSecret?: string;
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
  /** The scope the authorization request asked for (the default when it named none). */
  requested: string[];
  redirectUri?: string;
  redirectUriSent: boolean;
  exp: number;
  used: boolean;
  issued: string[];
  /** The PKCE challenge the code was requested with (RFC 7636 §4.4). */
  challenge?: { value: string; method: string };
}

/** Sizes of the mock's stores (white-box tests and the benchmark). */
export interface StoreSizes {
  accessTokens: number;
  refreshTokens: number;
  codes: number;
  popJtis: number;
  dpopJtis: number;
}

/** A running mock. */
export interface MockServer {
  url: string;
  spec: ProviderSpec;
  /** What this mock does: the resolved spec with its faults applied. */
  behaviour: MockBehaviour;
  clock: MockClock;
  credentials: MockCredentials;
  faults: ReadonlySet<FaultName>;
  /** Number of requests served, per endpoint name (white-box tests). */
  hits: Record<string, number>;
  /** Current store sizes, after evicting what has expired by the mock clock. */
  storeSizes(): StoreSizes;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

/**
 * Whether a handler's error came from the client going away (aborted body, reset socket): nothing to answer or log.
 * Not `req.destroyed`: a request whose body was read to the end is destroyed too (autoDestroy), and answering it is
 * still owed — reading it as "gone" left such requests unanswered when the handler threw.
 */
export function clientGone(req: Pick<IncomingMessage, 'socket'>, res: Pick<ServerResponse, 'destroyed'>, e: unknown): boolean {
  return res.destroyed || !req.socket || req.socket.destroyed || ['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED'].includes((e as NodeJS.ErrnoException)?.code ?? '')
    || (e as Error)?.message === 'aborted';
}

/** Most entries a token, code or proof store keeps (oldest dropped first) unless `maxStoreEntries` says otherwise. */
export const DEFAULT_MAX_STORE_ENTRIES = 200_000;

class HttpError {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * Random bytes for issued values, taken from a pooled buffer refilled 8 KiB at a time (one CSPRNG call per few
 * hundred tokens instead of one per token; `randomBytes` per token was 16% of the mock's CPU under load).
 */
const RANDOM_POOL = Buffer.allocUnsafe(8192);
let randomPoolOffset = RANDOM_POOL.length;
const token = (bytes = 24): string => {
  if (randomPoolOffset + bytes > RANDOM_POOL.length) {
    randomFillSync(RANDOM_POOL);
    randomPoolOffset = 0;
  }
  const s = RANDOM_POOL.toString('base64url', randomPoolOffset, randomPoolOffset + bytes);
  randomPoolOffset += bytes;
  return s;
};

/** How long (mock seconds) a rotated-away refresh token is remembered for reuse detection when it never expires. */
const USED_REFRESH_MEMORY = 30 * 86400;

/**
 * The mock's TAAP client key as PEM (exported once per process; the key itself is a fixed test key). No final
 * newline, as jose's exportSPKI writes it: the HS256-confusion fault keys its HMAC with exactly this text.
 */
let taapClientPems: { publicPem: string; privatePem: string } | undefined;
function taapClientKeyPems(): { publicPem: string; privatePem: string } {
  const kp = testKeyPair('taap-client');
  return (taapClientPems ??= {
    publicPem: (kp.publicKey.export({ type: 'spki', format: 'pem' }) as string).trimEnd(),
    privatePem: (kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string).trimEnd(),
  });
}

/** The mock's published signing key as a JWK (exported once per process). */
let serverPublicJwk: Promise<JWK> | undefined;

/** An origin-form path the WHATWG URL parser leaves unchanged: segments of unreserved characters, none starting with a
 * dot (so no `.` or `..` segment), no empty segment but a trailing slash. */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*\/?$/;
/** A query of printable ASCII without `#` (a fragment) or `?`. */
const PLAIN_QUERY = /^[\x21\x22\x24-\x3e\x40-\x7e]*$/;

/**
 * The request target of a request line as a path and query, or undefined when it is neither origin-form
 * (`/path?q`) nor a parsable absolute-form URL (RFC 9112 §3.2). Never throws.
 */
export function parseRequestTarget(raw: string | undefined): { pathname: string; searchParams: URLSearchParams } | undefined {
  if (!raw) return undefined;
  // The common case without the URL parser (~2% of the mock's CPU under load): a path it leaves as it is and a query
  // URLSearchParams reads as the parser's searchParams would (test/providers/mock-robust.test.ts compares the two).
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? '' : raw.slice(q + 1);
  if (PLAIN_PATH.test(path) && PLAIN_QUERY.test(query)) return { pathname: path, searchParams: new URLSearchParams(query) };
  try {
    const u = raw.startsWith('/') ? new URL(`http://mock.invalid${raw}`) : new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    return { pathname: u.pathname, searchParams: u.searchParams };
  } catch {
    return undefined;
  }
}

/** Starts a mock server for `spec` on 127.0.0.1 (port 0 by default). */
export async function startMockServer(opts: MockServerOptions): Promise<MockServer> {
  const { spec } = opts;
  const resolved = resolveSpec(spec);
  const faults = new Set<FaultName>(opts.faults ?? []);
  const b: MockBehaviour = applyFaults(cleanBehaviour(resolved), faults);
  const clock = opts.clock ?? new MockClock();
  const host = opts.host ?? '127.0.0.1';
  const maxEntries = opts.maxStoreEntries ?? DEFAULT_MAX_STORE_ENTRIES;

  // Fixed test keys shipped with the project (providers/keys/): nothing is generated when a mock starts.
  const serverKeys = testKeyPair('mock-server-signing');
  const serverJwk = { ...(await (serverPublicJwk ??= exportJWK(serverKeys.publicKey))), kid: 'mock-1', alg: 'RS256', use: 'sig' };
  let popPublicKeyPem: string | undefined;
  let popPrivateKeyPem: string | undefined;
  const popPublicKey = testKeyPair('taap-client').publicKey;
  if (resolved.pop?.profile === 'taap') ({ publicPem: popPublicKeyPem, privatePem: popPrivateKeyPem } = taapClientKeyPems());

  // Credentials follow the spec as resolved, never the faults: a fault changes what the server does, not
  // what a client was told.
  const clientId = `oauthgate-${spec.id}-${token(6)}`;
  const clientSecret = resolved.clientAuth.secretMethods.length ? opts.clientSecret ?? token(24) : undefined;
  const username = 'probe.user@example.com';
  const password = token(18);
  const tenant = 'OAUTHGATE';
  const headers: Record<string, string> = {};
  for (const h of resolved.requiredHeaders?.headers ?? []) {
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
  const now = () => clock.now();

  // ---------- eviction ----------
  let lastSweep = Number.NEGATIVE_INFINITY;
  /**
   * Drops what can no longer be used: expired or revoked access tokens, expired or revoked refresh tokens
   * (a rotated-away one is kept until it expires, so its replay is still recognised), and expired codes. An
   * evicted token is unknown, which every endpoint rejects exactly as it rejects an expired or revoked one.
   * Runs at most once per mock second.
   */
  function sweep(force = false): void {
    const t = now();
    if (!force && t === lastSweep) return;
    lastSweep = t;
    const expired = (exp: number) => exp <= t && !b.resourceHandling.ignoreExpiry;
    for (const [k, r] of accessTokens) if (r.revoked || expired(r.exp)) accessTokens.delete(k);
    for (const [k, r] of refreshTokens) if (r.revoked || (r.exp <= t && !b.refreshHandling.ignoreExpiry)) refreshTokens.delete(k);
    for (const [k, r] of codes) if (r.exp <= t && !b.lenient.expiredCode) codes.delete(k);
  }
  /** Keeps a store under its cap by dropping its oldest entries (Map keeps insertion order). */
  function capped<V>(store: Map<string, V>, key: string, value: V): void {
    store.set(key, value);
    while (store.size > maxEntries) store.delete(store.keys().next().value!);
  }

  // ---------- helpers ----------
  /** The error the resolved spec documents for `name` (RFC defaults where it is silent). */
  const errorCase = (name: ErrorCaseName, description: string, override?: { status?: number; error?: string }): HttpError => {
    const c = b.errors[name];
    const status = override?.status ?? c.status;
    const body: Json = { error: b.response.errorCode ?? override?.error ?? c.error, error_description: description };
    const h: Record<string, string> = {};
    if (status === 401 && (name === 'unknown_client' || name === 'wrong_secret') && b.response.basicChallenge) h['www-authenticate'] = 'Basic realm="oauthgate-mock"';
    return new HttpError(status, body, h);
  };

  const paramName = (std: string) => b.request.paramNames[std] ?? std;
  const splitScope = (raw: string | undefined): string[] | undefined => {
    if (raw === undefined) return undefined;
    const delim = b.scope.delimiter;
    const how = b.scopeHandling.splitOn;
    if (how === 'both') return raw.split(/[ ,]/).filter(Boolean);
    if (how === 'space') return raw.split(' ').filter(Boolean);
    if (b.scopeHandling.emptyItemIsWildcard && raw.split(delim).includes('')) return [...b.scope.catalogue];
    // A value joined with the other delimiter is split where the spec says `accept`, refused where it says
    // `reject`, and read as one (unknown) value where it says `single-unknown`.
    const other = delim === ' ' ? ',' : ' ';
    if (b.scope.otherDelimiter === 'accept') return raw.split(/[ ,]/).filter(Boolean);
    if (b.scope.otherDelimiter === 'reject' && raw.includes(other)) throw errorCase('invalid_scope', `scope values are joined with ${JSON.stringify(delim)}, not ${JSON.stringify(other)}`);
    return raw.split(delim).filter((s) => s.length > 0);
  };
  const joinScope = (s: string[]) => s.join(b.scope.delimiter);

  /**
   * Issues a JWT signed RS256 (RFC 7515, RFC 7519) by {@link signRs256Compact} (node's `crypto.sign` on the thread
   * pool, as for TAAP tokens): tokens verify with any JOSE library.
   */
  async function signJwt(claims: Json, lifetime: number): Promise<string> {
    const iat = now();
    const c = b.jwt.audience ? { ...claims, aud: b.jwt.audience } : claims;
    const header = { alg: 'RS256', typ: 'JWT', kid: 'mock-1' };
    if (b.jwt.headerNotJson) {
      const real = await signRs256Compact(header, { ...c, iat, exp: iat + lifetime }, serverKeys.privateKey);
      return `${Buffer.from('not json').toString('base64url')}.${real.slice(real.indexOf('.') + 1)}`;
    }
    // A foreign key: the TAAP client key, which is not in the JWKS the mock publishes.
    const key = b.jwt.signWithForeignKey ? testKeyPair('taap-client').privateKey : serverKeys.privateKey;
    return signRs256Compact(header, { ...c, iss: b.jwt.issuer ?? issuer(), iat, exp: b.jwt.expiredOnIssue ? iat : iat + lifetime, jti: randomUUID() }, key);
  }

  /** Resolves the requested scope against the catalogue; throws invalid_scope as the spec says. */
  function grantScope(requested: string[], allowedForClient: string[] | undefined): string[] {
    const cat = b.scope.catalogue;
    if (b.scopeHandling.grantWholeCatalogue) return [...cat];
    const lenient = b.lenient.unknownScope;
    const seen = new Set<string>();
    const out: string[] = [];
    for (const s of requested) {
      if (seen.has(s)) {
        if (b.scopeHandling.rejectDuplicates) throw errorCase('invalid_scope', `scope "${s}" repeated`);
        continue;
      }
      seen.add(s);
      const known = cat.length === 0 ? b.scope.unknownScope === 'drop' || lenient : cat.includes(s);
      if (!known && !lenient) {
        if (b.scope.unknownScope === 'drop') continue;
        throw errorCase('invalid_scope', `unknown scope value "${s}"`);
      }
      if (allowedForClient && !allowedForClient.includes(s) && !lenient) throw errorCase('invalid_scope', `scope "${s}" exceeds the original grant`);
      out.push(s);
    }
    return out;
  }

  async function issueTokens(clientIdFor: string, grant: GrantType, scope: string[], requestedScope: string[] | undefined, jkt?: string, family?: string): Promise<Json> {
    const g = b.grants[grant];
    const life = b.lifetimes.accessToken;
    // The key the token is bound to (none where the dpop-type-unbound fault answers "DPoP" without binding).
    const bound = jkt && !b.dpop.typeWithoutBinding ? jkt : undefined;
    const access = b.token.accessTokenIsJwt
      ? await signJwt({ sub: clientIdFor, aud: clientIdFor, client_id: clientIdFor, scope: joinScope(scope), ...(bound ? { cnf: { jkt: bound } } : {}) }, life)
      : token(24);
    const rec: AccessTokenRecord = { clientId: clientIdFor, scope, exp: now() + life, revoked: false, ...(bound ? { jkt: bound } : {}) };
    capped(accessTokens, access, rec);
    const body: Json = {};
    if (!b.response.omitAccessToken) body.access_token = access;
    if (jkt) {
      if (b.response.boundTokenType !== undefined) body.token_type = b.response.boundTokenType;
    }
    else if (b.token.tokenType !== undefined) body.token_type = b.token.tokenType;
    const ei = b.token.expiresIn;
    if (ei) body.expires_in = ei.type === 'numeric-string' ? String(ei.seconds) : ei.seconds;
    if (g?.issuesRefreshToken) {
      const rt = token(32);
      capped(refreshTokens, rt, {
        clientId: clientIdFor, scope, exp: now() + (b.lifetimes.refreshToken ?? 10 * 365 * 86400), revoked: false, used: false,
        family: family ?? randomUUID(), accessTokens: [access],
      });
      rec.refreshToken = rt;
      body.refresh_token = rt;
    }
    const echo = b.scope.echo;
    const narrowed = requestedScope === undefined || joinScope(requestedScope) !== joinScope(scope);
    if (echo === 'always' || (echo === 'when-narrowed' && narrowed && scope.length > 0)) body.scope = joinScope(scope);
    // OpenID Connect Core §2: aud contains the client_id, unless the spec documents another audience.
    if (b.token.issuesIdToken) body.id_token = await signJwt({ ...(b.jwt.idTokenWithoutSub ? {} : { sub: clientIdFor }), aud: b.idToken?.audienceIsClientId === false ? 'oauthgate-mock-audience' : clientIdFor }, life);
    for (const [name, f] of Object.entries(b.token.fields)) {
      if (!(name in body) && f.value !== undefined && name !== 'token_type' && name !== 'expires_in') body[name] = f.value;
    }
    return body;
  }

  // ---------- request parsing ----------
  /**
   * The request body as UTF-8 (at most 1 MiB, else a 413). Read with plain stream events, not an async iterator
   * (which cost ~5% of the mock's CPU under load). A request that goes away before its end rejects with an
   * `aborted` error (the client is gone: nothing is answered); an oversized one is destroyed, as before.
   */
  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        req.off('data', onData);
        f();
      };
      const onData = (c: Buffer) => {
        size += c.length;
        if (size > 1 << 20) {
          settle(() => reject(new HttpError(413, { error: 'invalid_request', error_description: 'body too large' })));
          req.destroy();
          return;
        }
        chunks.push(c);
      };
      req.on('data', onData);
      req.once('end', () => settle(() => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'))));
      req.once('error', (e) => settle(() => reject(e)));
      req.once('close', () => settle(() => reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))));
    });
  }

  /** Basic Authorization values decoded already (clients send the same one again and again): at most 256. */
  const basicDecoded = new BoundedCache<Readonly<{ id: string; secret: string }>>(256);

  const contentTypeOf = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

  /** A JSON object body as string-valued parameters; anything else is a 400 with `what` named. */
  function parseJsonObject(body: string, onError: (msg: string) => HttpError): Record<string, string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw onError('body is not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw onError('body must be a JSON object');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed as Json)) if (typeof v === 'string') out[k] = v;
    return out;
  }

  function parseParams(req: IncomingMessage, body: string): Record<string, string> {
    const ct = contentTypeOf(req);
    const expected = b.request.contentType.toLowerCase();
    if (ct !== expected && !b.lenient.anyContentType) {
      throw errorCase('unsupported_content_type', `Content-Type: expected ${expected}, observed ${ct || '(none)'}`);
    }
    if (body.trim() === '') return {};
    if (ct === 'application/json' || (b.lenient.anyContentType && body.trim().startsWith('{'))) {
      return parseJsonObject(body, (m) => errorCase('missing_parameter', m));
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
    const rh = b.requiredHeaders;
    if (!rh) return;
    for (const h of rh.headers) {
      if (req.headers[h.name.toLowerCase()] !== headers[h.name]) throw errorCase('missing_required_header', `header ${h.name} missing or wrong`);
    }
  }

  function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
    const auth = req.headers.authorization;
    if (!auth) return undefined;
    if (!/^basic /i.test(auth)) return undefined;
    return basicDecoded.get(auth, () => decodeBasic(auth));
  }

  function decodeBasic(auth: string): { id: string; secret: string } {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) throw errorCase('unknown_client', 'malformed Basic credentials');
    // The fault: user-id and password taken as they are, without the form decoding RFC 6749 §2.3.1 defines.
    if (b.lenient.basicNoFormDecode) return { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
    try {
      return { id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' ')) };
    } catch {
      throw errorCase('unknown_client', 'malformed Basic credentials');
    }
  }

  /**
   * Client authentication per the spec's accepted methods (RFC 6749 §2.3.1), including a public client that
   * sends only client_id where the spec lists `none` (§2.1, §3.2.1). Returns the client id.
   */
  function authenticateClient(req: IncomingMessage, params: Record<string, string>): string {
    const methods = b.clientAuth.methods;
    const loose = b.lenient.anyClientAuth;
    const basic = basicCredentials(req);
    const bodyId = params[paramName('client_id')];
    const bodySecret = params[paramName('client_secret')];
    let id: string | undefined;
    let secret: string | undefined;
    if (basic) {
      if (!methods.includes('client_secret_basic') && !loose) throw errorCase('unknown_client', 'HTTP Basic client authentication is not accepted here');
      if (b.clientAuth.bodyCredentialsAlsoRequired && !loose) {
        if (bodyId === undefined || bodySecret === undefined) throw errorCase('missing_parameter', 'client_id and client_secret are required in the body as well');
        if (bodyId !== basic.id || bodySecret !== basic.secret) throw errorCase('wrong_secret', 'body credentials differ from Basic credentials');
      } else if (bodySecret !== undefined && !loose && !faults.has('accept-two-client-auth-methods')) {
        throw errorCase('missing_parameter', 'more than one client authentication method used (RFC 6749 §2.3)');
      }
      id = basic.id;
      secret = basic.secret;
    } else if (bodySecret !== undefined) {
      if (!methods.includes('client_secret_post') && !loose) throw errorCase('unknown_client', 'client credentials in the body are not accepted here');
      id = bodyId;
      secret = bodySecret;
    } else if (bodyId !== undefined) {
      if (!methods.includes('none') && !loose) throw errorCase('unknown_client', 'a client secret is required (this server has no public clients)');
      id = bodyId;
    }
    if (id === undefined) throw errorCase('unknown_client', 'no client authentication');
    if (id !== clientId && !b.lenient.unknownClient) throw errorCase('unknown_client', 'unknown client');
    const secretOk = secret === undefined ? methods.includes('none') : secret === clientSecret;
    if (id === clientId && !secretOk && !b.lenient.wrongSecret) throw errorCase('wrong_secret', 'client authentication failed');
    return id;
  }

  function popRequestOf(req: IncomingMessage, body: string): PopRequest {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') h[k] = v;
    return { method: req.method ?? 'GET', uri: req.url ?? '/', headers: h, body };
  }

  /** TAAP PoP validation as the spec says, weakened only where the behaviour says. */
  async function checkTaap(req: IncomingMessage, body: string, where: 'token' | 'resource'): Promise<void> {
    const pop = b.pop;
    if (!pop || pop.profile !== 'taap' || !popPublicKeyPem) return;
    if (where === 'resource' && !pop.onResource) return;
    const value = req.headers[pop.header.toLowerCase()];
    const tokenValue = Array.isArray(value) ? value[0] : value;
    if (!tokenValue && !pop.required) return;
    let alg: unknown;
    try {
      alg = tokenValue ? decodeProtectedHeader(tokenValue).alg : undefined;
    } catch {
      alg = undefined;
    }
    if (alg === 'none' && b.taap.allowNone) return;
    if (alg === 'HS256' && b.taap.allowHs256 && tokenValue && hmacKeyedWith(tokenValue, popPublicKeyPem)) return;
    const popReq = popRequestOf(req, body);
    // Boundary-shift defences (src/pop/taap.ts): well-formed parts, and the route's own method and path pinned.
    const route = where === 'token' ? b.endpoints.token : b.resource;
    const splitTolerant = b.taap.splitTolerant;
    const requiredParts = pop.requiredParts.filter((p) => !b.taap.optionalParts.has(p.toLowerCase()));
    const verify = (request: PopRequest, pinUri: string | undefined) => verifyTaapPop(tokenValue, {
      publicKey: popPublicKey,
      request,
      requiredParts,
      maxLifetimeSeconds: pop.maxLifetimeSeconds,
      clockSkewSeconds: pop.clockSkewSeconds,
      now: now(),
      ...(b.taap.ignore.has('replayed') ? {} : { replayCache: popReplay }),
      strictPartSyntax: !splitTolerant,
      ...(splitTolerant ? {} : { pinnedValues: { 'http-method': route.method, ...(pinUri !== undefined ? { uri: pinUri } : {}) } }),
    });
    let result = await verify(popReq, pinnedUri(where, popReq.uri, route.path));
    // Faults that hash another uri than the one received (one-hop faults): the first that verifies wins.
    if (!result.ok && (result.code === 'edts_mismatch' || result.code === 'bad_part')) {
      for (const alt of otherUris(popReq.uri)) {
        const r = await verify({ ...popReq, uri: alt.uri }, alt.pin);
        if (r.ok) {
          result = r;
          break;
        }
      }
    }
    if (result.ok || b.taap.ignore.has(result.code)) return;
    if (result.code === 'edts_mismatch' && b.taap.edtsCaseInsensitive && tokenValue && edtsMatchesIgnoringCase(tokenValue, popReq)) return;
    throw new HttpError(401, { error: 'invalid_request', error_description: `PoP token rejected (${result.code}): ${result.message}` }, { 'www-authenticate': 'PoP error="invalid_token"' });
  }

  /**
   * The uri value the route pins: its own path; at the resource a query is the caller's business, so a
   * well-formed one (`name=value` pairs, both non-empty) is let through with the path. The token endpoint takes
   * no query, so a re-split that moves characters into its uri is refused (the boundary-shift probe).
   */
  function pinnedUri(where: 'token' | 'resource', uri: string, path: string): string {
    const i = uri.indexOf('?');
    if (where === 'token' || i < 0) return path;
    const query = uri.slice(i + 1);
    const wellFormed = query.split('&').every((pair) => /^[^=]+=.+$/.test(pair));
    return wellFormed ? `${path}?${query}` : path;
  }

  /** The uris a one-hop fault also hashes: the path without its query, or any path this server serves. */
  function otherUris(uri: string): Array<{ uri: string; pin: string | undefined }> {
    const out: Array<{ uri: string; pin: string | undefined }> = [];
    const path = uri.split('?')[0]!;
    if (b.taap.ignoreQuery && path !== uri) out.push({ uri: path, pin: path });
    if (b.taap.anyOwnPath) {
      for (const e of [b.endpoints.token, b.resource, b.endpoints.revoke, b.endpoints.authorize]) if (e && e.path !== uri) out.push({ uri: e.path, pin: undefined });
    }
    return out;
  }

  function edtsMatchesIgnoringCase(tokenValue: string, popReq: PopRequest): boolean {
    const { claims } = decodeTaapPop(tokenValue);
    const c = claims as { ehts?: string; edts?: string };
    if (!c.ehts || !c.edts) return false;
    return computeEdts(c.ehts.split(';'), popReq).toLowerCase() === c.edts.toLowerCase();
  }

  /** DPoP proof on the token endpoint (RFC 9449 §5). Returns the key thumbprint to bind, if any. */
  async function checkDpopAtToken(req: IncomingMessage): Promise<string | undefined> {
    if (b.pop?.profile !== 'dpop') return undefined;
    const proof = req.headers.dpop;
    if (typeof proof !== 'string') return undefined;
    const d = b.dpop;
    const r = await verifyDpopProof(proof, {
      htm: d.skipHtm ? extractClaim(proof, 'htm') ?? 'POST' : 'POST',
      htu: d.skipHtu ? skippedHtu(extractClaim(proof, 'htu'), `${baseUrl}${b.endpoints.token.path}`) : `${baseUrl}${b.endpoints.token.path}`,
      now: d.skipIat ? Number(extractClaim(proof, 'iat') ?? now()) : now(),
      maxAgeSeconds: b.pop.maxLifetimeSeconds,
      clockSkewSeconds: b.pop.clockSkewSeconds,
      ...(d.skipJti ? {} : { replayCache: dpopReplay }),
    });
    if (!r.ok) {
      if ((r.code === 'bad_alg' && d.allowNone) || (r.code === 'private_key_in_jwk' && d.allowPrivateJwk)) return undefined;
      throw new HttpError(400, { error: 'invalid_dpop_proof', error_description: `${r.code}: ${r.message}` });
    }
    return d.notBound ? undefined : r.jkt;
  }

  /**
   * PKCE at the token endpoint (RFC 7636 §4.6; RFC 9700 §2.1.1): a code requested with a challenge needs the
   * verifier that derives it; a verifier for a code requested without one is a downgrade and refused.
   */
  function verifyPkce(rec: CodeRecord, verifier: string | undefined): void {
    if ((spec.grants.authorization_code?.pkce ?? 'none') === 'none' || faults.has('pkce-not-verified')) return;
    const bad = (why: string) => errorCase('invalid_grant', why);
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
  async function handleToken(req: IncomingMessage, res: ServerResponse, query?: URLSearchParams): Promise<void> {
    const body = await readBody(req);
    if (b.response.crashOnJunk && isJunk(body)) {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html><body><h1>500 Internal Server Error</h1></body></html>');
      return;
    }
    checkRequiredHeaders(req);
    await checkTaap(req, body, 'token');
    const params = parseParams(req, body);
    // RFC 6749 §2.3.1: credentials are read from the body only; the fault also honours the query string.
    if (faults.has('accept-query-credentials') && query) for (const [k, v] of query) params[k] ??= v;
    const cid = authenticateClient(req, params);
    const jkt = await checkDpopAtToken(req);
    const gtName = paramName('grant_type');
    let grant = b.request.encoding === 'empty' ? 'client_credentials' : params[gtName];
    if (grant === undefined) {
      if (!b.lenient.missingGrantType) throw errorCase('missing_grant_type', `${gtName} is required`);
      grant = 'client_credentials';
    }
    const known = (['client_credentials', 'authorization_code', 'refresh_token', 'password'] as const).find((g) => g === grant && b.grants[g]);
    if (!known) {
      if (!b.lenient.unsupportedGrant) throw errorCase('unsupported_grant_type', `grant type "${grant}" is not supported`);
      return sendJson(res, 200, await issueTokens(cid, 'client_credentials', [], undefined));
    }
    const g = b.grants[known]!;
    const missingOk = b.lenient.missingParameter;
    for (const [k, v] of Object.entries(g.extraParams)) {
      const sent = params[paramName(k)];
      if (b.request.encoding === 'empty' || sent === v || (sent === undefined && missingOk)) continue;
      throw errorCase('missing_parameter', `${paramName(k)}: expected "${v}"`);
    }
    const scopeRaw = known === 'client_credentials' && g.extraParams.scope !== undefined ? undefined : params.scope;
    const requested = splitScope(scopeRaw);
    switch (known) {
      case 'client_credentials': {
        if (g.scopeRequired && requested === undefined && g.extraParams.scope === undefined && !missingOk) throw errorCase('missing_parameter', 'scope is required for client_credentials');
        if (requested === undefined && g.extraParams.scope === undefined && b.scopeHandling.rejectMissing) throw errorCase('missing_parameter', 'scope is required');
        if (requested && requested.length === 0 && scopeRaw !== '') throw errorCase('invalid_scope', 'scope has only empty items');
        const granted = requested ? grantScope(requested, undefined) : g.extraParams.scope ? [] : [...b.scope.default];
        return sendJson(res, 200, await issueTokens(cid, 'client_credentials', granted, requested, jkt));
      }
      case 'password': {
        const u = params.username;
        const p = params.password;
        if ((u === undefined || p === undefined) && !missingOk) throw errorCase('missing_parameter', 'username and password are required');
        // A missing value may be let through by a lenient server; a wrong one never is.
        if ((u !== undefined && u !== username) || (p !== undefined && p !== password)) throw errorCase('invalid_grant', 'resource owner credentials are invalid');
        const granted = requested ? grantScope(requested, undefined) : [...b.scope.default];
        return sendJson(res, 200, await issueTokens(cid, 'password', granted, requested, jkt));
      }
      case 'authorization_code': {
        const code = params.code;
        if (code === undefined && !missingOk) throw errorCase('missing_parameter', 'code is required');
        const rec = code ? codes.get(code) : undefined;
        if (!rec || rec.clientId !== cid) throw errorCase('invalid_grant', 'authorization code is invalid');
        if (rec.exp <= now() && !b.lenient.expiredCode) throw errorCase('invalid_grant', 'authorization code expired');
        if (rec.used && !b.lenient.reusedCode) {
          // RFC 6749 §4.1.2: a code used twice SHOULD revoke the tokens issued from it.
          for (const t of rec.issued) revokeAny(t);
          throw errorCase('invalid_grant', 'authorization code already used');
        }
        if (rec.redirectUriSent && params.redirect_uri !== rec.redirectUri && !b.lenient.codeIgnoresRedirectUri) throw errorCase('invalid_grant', 'redirect_uri differs from the authorization request');
        verifyPkce(rec, params.code_verifier);
        rec.used = true;
        const body2 = await issueTokens(cid, 'authorization_code', rec.scope, rec.requested, jkt);
        rec.issued.push(String(body2.access_token), ...(body2.refresh_token ? [String(body2.refresh_token)] : []));
        return sendJson(res, 200, body2);
      }
      case 'refresh_token':
        return sendJson(res, 200, await refresh(cid, params.refresh_token, requested, jkt));
    }
  }

  /** The refresh grant (RFC 6749 §6) with the spec's rotation policy (RFC 9700 §4.14.2). */
  async function refresh(cid: string, rt: string | undefined, requested: string[] | undefined, jkt: string | undefined): Promise<Json> {
    if (rt === undefined && !b.lenient.missingParameter) throw errorCase('missing_parameter', 'refresh_token is required');
    const rec = rt ? refreshTokens.get(rt) : undefined;
    const policy = b.refresh!;
    if (!rec || rec.clientId !== cid || rec.revoked) throw errorCase('invalid_grant', 'refresh token is invalid');
    if (rec.exp <= now() && !b.refreshHandling.ignoreExpiry) throw errorCase('invalid_grant', 'refresh token expired');
    if (rec.used) {
      if (policy.reuseDetection) {
        // RFC 9700 §4.14.2: a replayed rotated token revokes the whole family, active token included.
        for (const r of refreshTokens.values()) {
          if (r.family !== rec.family) continue;
          r.revoked = true;
          for (const a of r.accessTokens) revokeAny(a);
        }
      }
      throw errorCase('invalid_grant', 'refresh token already used');
    }
    const granted = requested ? grantScope(requested, rec.scope) : rec.scope;
    const out = await issueTokens(cid, 'refresh_token', granted, requested, jkt, rec.family);
    if (!policy.rotatesRefreshToken) {
      if (out.refresh_token) refreshTokens.delete(String(out.refresh_token));
      delete out.refresh_token;
      rec.accessTokens.push(String(out.access_token));
    }
    if (b.refreshHandling.sameAccessToken && rec.accessTokens.length) out.access_token = rec.accessTokens[rec.accessTokens.length - 1]!;
    if (b.refreshHandling.forgetNewRefreshToken && out.refresh_token) refreshTokens.delete(String(out.refresh_token));
    if (policy.invalidatesOldAccessToken) for (const a of rec.accessTokens) if (a !== out.access_token) revokeAny(a);
    if (policy.invalidatesOldRefreshToken) {
      rec.used = true;
      // Remembered until it expires so that a replay is recognised; bounded when it never would.
      rec.exp = Math.min(rec.exp, now() + USED_REFRESH_MEMORY);
    }
    return out;
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

  /** RFC 7009 token revocation. */
  async function handleRevoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    checkRequiredHeaders(req);
    const params = contentTypeOf(req) === 'application/json'
      ? parseJsonObject(body || '{}', (m) => new HttpError(400, { error: 'invalid_request', error_description: m }))
      : Object.fromEntries(new URLSearchParams(body));
    const cid = b.lenient.revokeWithoutClientAuth ? undefined : authenticateClient(req, params);
    const t = params.token;
    if (!t) throw errorCase('missing_parameter', 'token is required');
    const owner = accessTokens.get(t)?.clientId ?? refreshTokens.get(t)?.clientId;
    const rv = b.revokeHandling;
    let status = 200;
    if (owner === undefined) {
      if (rv.unknownIs400) throw errorCase('invalid_grant', 'unknown token', { status: 400, error: 'invalid_request' });
    } else if (cid === undefined || owner === cid) {
      const hint = params.token_type_hint;
      const hintMisses = rv.hintStrict && ((hint === 'access_token' && !accessTokens.has(t)) || (hint === 'refresh_token' && !refreshTokens.has(t)));
      const rt = refreshTokens.get(t);
      if (rv.noop || hintMisses) {
        // answers 200, revokes nothing
      } else if (rt && rv.keepsAccessOfRefresh) rt.revoked = true;
      else revokeAny(t);
      status = rv.successStatus;
    }
    res.writeHead(status, { 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  }

  function handleAuthorize(_req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
    const responseType = q.get('response_type');
    const cid = q.get('client_id');
    const state = q.get('state');
    const rule = b.redirectUri;
    let redirect = q.get('redirect_uri') ?? undefined;
    const sent = redirect !== undefined;
    const page = (status: number, msg: string) => {
      // Errors about the client or the redirect URI are shown, never redirected (RFC 6749 §4.1.2.1).
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><title>Authorization error</title><p>${msg.replace(/[<>&"]/g, '')}</p>`);
    };
    if (cid !== clientId) return page(400, 'invalid_request: unknown client_id');
    if (!rule) return page(400, 'invalid_request: no redirect URI registered');
    if (!sent) {
      if (!rule.fallbackToRegistered) return page(400, 'invalid_request: redirect_uri is required');
      redirect = rule.registered;
    } else if (!redirectUriMatches(rule.rule, rule.registered, redirect!, b.authorize.loose)) {
      if (b.authorize.redirectOnError && parseAbsolute(redirect!)) return redirectTo(res, redirect!, { error: 'invalid_request', ...(state ? { state } : {}) }, false);
      return page(400, 'invalid_request: redirect_uri does not match the registered URI');
    }
    const scopeRaw = q.get('scope');
    const extra: Record<string, string> = {};
    if (state !== null && !b.authorize.dropState) extra.state = state;
    // RFC 6749 §3.3: without scope, a server either uses a default or fails the request with invalid_scope.
    if (scopeRaw === null && b.authorize.requireScope) return redirectTo(res, redirect!, { error: 'invalid_scope', error_description: 'scope is required', ...extra }, responseType === 'token');
    let scope: string[];
    try {
      scope = scopeRaw === null ? [...b.scope.default] : grantScope(splitScope(scopeRaw)!, undefined);
    } catch (e) {
      const err = e instanceof HttpError ? String(e.body.error) : 'invalid_scope';
      return redirectTo(res, redirect!, { error: err, ...extra }, responseType === 'token');
    }
    // What was asked for, so that a redemption echoes a scope that differs from it (RFC 6749 §5.1); a silently
    // narrowed grant counts as what was asked.
    let asked = scopeRaw === null ? [...b.scope.default] : splitScope(scopeRaw)!;
    if (b.authorize.narrowScope) asked = scope = scope.filter((s) => s !== b.resource.requiredScope);
    if (responseType === 'code' && b.grants.authorization_code && spec.grants.authorization_code) {
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
      capped(codes, code, { clientId, scope, requested: asked, redirectUri: redirect, redirectUriSent: sent, exp: now() + b.lifetimes.authorizationCode, used: false, issued: [], ...(challenge ? { challenge } : {}) });
      return redirectTo(res, redirect!, { code, ...extra }, false);
    }
    if (responseType === 'token' && b.grants.implicit) {
      const access = token(24);
      capped(accessTokens, access, { clientId, scope, exp: now() + b.lifetimes.accessToken, revoked: false });
      const frag: Record<string, string> = { access_token: access, token_type: 'Bearer', expires_in: String(b.lifetimes.accessToken), ...extra };
      if (scope.length && b.scope.echo !== 'never') frag.scope = joinScope(scope);
      return redirectTo(res, redirect!, frag, !b.authorize.implicitInQuery);
    }
    return redirectTo(res, redirect!, { error: 'unsupported_response_type', ...extra }, responseType === 'token');
  }

  function redirectTo(res: ServerResponse, target: string, params: Record<string, string>, inFragment: boolean): void {
    const u = parseAbsolute(target);
    if (!u) {
      res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end('invalid_request: redirect_uri is not an absolute URI');
      return;
    }
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

  /** Whether the DPoP proof's ath goes unchecked: missing with skipAth, or present with skipAthValue. */
  function athUnchecked(proof: string): boolean {
    const ath = extractClaim(proof, 'ath');
    return ath === undefined ? b.dpop.skipAth : b.dpop.skipAthValue;
  }

  /**
   * The record of an access token as the resource finds it: by its exact value, or — under the faults that
   * weaken it — by the jti of a JWT whose signature or algorithm is not checked, or any value at all.
   */
  function resourceTokenRecord(value: string): AccessTokenRecord | undefined {
    const rh = b.resourceHandling;
    if (rh.rejectAll) return undefined;
    const exact = accessTokens.get(value);
    if (exact) return exact;
    if (rh.acceptAnyBearer) return { clientId, scope: [...b.scope.catalogue], exp: now() + b.lifetimes.accessToken, revoked: false };
    if (!rh.acceptAlgNone && !rh.skipSignature) return undefined;
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(value).alg;
    } catch {
      return undefined;
    }
    if (!rh.skipSignature && alg !== 'none') return undefined;
    const jti = extractClaim(value, 'jti');
    if (!jti) return undefined;
    for (const [k, r] of accessTokens) if (extractClaim(k, 'jti') === jti) return r;
    return undefined;
  }

  async function handleResource(req: IncomingMessage, res: ServerResponse, _q: URLSearchParams, pathname: string): Promise<void> {
    const body = await readBody(req);
    if (!b.resourceHandling.ignoreRequiredHeaders) checkRequiredHeaders(req);
    const auth = req.headers.authorization ?? '';
    const m = (b.resourceHandling.lenientBearerSyntax ? /^(Bearer|DPoP)\s+(\S+)/i : /^(Bearer|DPoP)\s+(\S+)$/i).exec(auth);
    const challenge = (err?: string): Record<string, string> => {
      if (!b.resourceHandling.challenge) return {};
      const scheme = b.pop?.profile === 'dpop' && m?.[1]?.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
      return { 'www-authenticate': err && b.resourceHandling.challengeError ? `${scheme} realm="oauthgate-mock", error="${err}"` : `${scheme} realm="oauthgate-mock"` };
    };
    const invalidStatus = b.resource.invalidTokenStatus;
    if (!m) throw new HttpError(invalidStatus, { error: 'invalid_request', error_description: 'no access token' }, challenge());
    const value = m[2]!;
    const rec = resourceTokenRecord(value);
    const expired = rec ? rec.exp <= now() && !b.resourceHandling.ignoreExpiry : false;
    if (!rec || rec.revoked || expired) {
      const unknown = !rec && b.resourceHandling.noChallengeOnUnknown;
      throw new HttpError(invalidStatus, { error: 'invalid_token', error_description: expired ? 'access token expired' : 'access token is invalid' }, unknown ? {} : challenge('invalid_token'));
    }
    if (rec.jkt) {
      if (m[1]!.toLowerCase() !== 'dpop') throw new HttpError(401, { error: 'invalid_token', error_description: 'DPoP-bound token sent as Bearer' }, challenge('invalid_token'));
      const proofHeader = req.headers.dpop;
      const r = await verifyDpopProof(typeof proofHeader === 'string' ? proofHeader : undefined, {
        htm: req.method ?? 'GET',
        htu: `${baseUrl}${pathname}`,
        ...(athUnchecked(String(proofHeader ?? '')) ? {} : { accessToken: value }),
        now: now(),
        maxAgeSeconds: b.pop?.maxLifetimeSeconds ?? 300,
        expectedJkt: rec.jkt,
        ...(b.dpop.skipJti ? {} : { replayCache: dpopReplay }),
      });
      if (!r.ok) throw new HttpError(401, { error: 'invalid_dpop_proof', error_description: `${r.code}: ${r.message}` }, { 'www-authenticate': 'DPoP error="invalid_dpop_proof"' });
    }
    await checkTaap(req, body, 'resource');
    const need = b.resource.requiredScope;
    if (need && !rec.scope.includes(need) && !(b.grants.client_credentials?.extraParams.scope)) {
      throw new HttpError(b.resource.insufficientScopeStatus, { error: 'insufficient_scope', error_description: `scope "${need}" required` }, challenge('insufficient_scope'));
    }
    sendJson(res, 200, { ok: true, client_id: rec.clientId }, false);
  }

  /** POST /__oauthgate/clock {"advance": seconds}: moves the mock clock (bounded, see {@link MockClock}). */
  async function handleClock(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (await readBody(req)) || '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new HttpError(400, { error: 'invalid_request', error_description: 'body is not valid JSON; expected {"advance": <seconds>}' });
    }
    const advance = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json).advance : undefined;
    if (advance !== undefined) {
      if (typeof advance !== 'number') throw new HttpError(400, { error: 'invalid_request', error_description: `"advance": expected a number of seconds, observed ${typeof advance}` });
      try {
        clock.advance(advance);
      } catch (e) {
        throw new HttpError(400, { error: 'invalid_request', error_description: (e as Error).message });
      }
    }
    sendJson(res, 200, { now: clock.now(), offsetSeconds: clock.offsetSeconds }, false);
  }

  /**
   * GET /__oauthgate/stats: the store sizes after eviction, and the process's memory — after a full garbage
   * collection when node runs with `--expose-gc` (`afterGc: true`), so a benchmark can tell retained memory from
   * garbage not yet collected (issue 9: memory stays flat under load).
   */
  function handleStats(_req: IncomingMessage, res: ServerResponse): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    sendJson(res, 200, { stores: { ...mockStoreSizes() }, memory: { heapUsedBytes: heapUsed, rssBytes: rss, afterGc: gc !== undefined } }, false);
  }

  function mockStoreSizes(): StoreSizes {
    sweep(true);
    return { accessTokens: accessTokens.size, refreshTokens: refreshTokens.size, codes: codes.size, popJtis: popReplay.size, dpopJtis: dpopReplay.size };
  }

  function sendJson(res: ServerResponse, status: number, body: Json, isTokenResponse = true): void {
    if (isTokenResponse && b.response.garbageTokenBody) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token": "trunc');
      return;
    }
    const h: Record<string, string> = { 'content-type': isTokenResponse && status === 200 && b.response.tokenContentType ? b.response.tokenContentType : 'application/json;charset=UTF-8' };
    if (isTokenResponse && b.token.cacheControl) {
      h['cache-control'] = b.token.cacheControl;
      h.pragma = 'no-cache';
    }
    const text = JSON.stringify(body);
    h['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(status, h);
    res.end(text);
  }

  /** What the `junk-500` fault chokes on: a control character, raw or percent-encoded, or a body over 4 KiB. */
  function isJunk(body: string): boolean {
    // eslint-disable-next-line no-control-regex
    return body.length > 4096 || /[\x00-\x1f\x7f]|%[01][0-9a-f]|%7f/i.test(body);
  }

  function sendError(res: ServerResponse, e: HttpError): void {
    if (res.headersSent || res.destroyed) return;
    if (b.response.errorBody === 'text') {
      res.writeHead(e.status, { 'content-type': 'text/plain', ...e.headers });
      res.end(`error: ${String(e.body.error_description ?? e.body.error)}`);
      return;
    }
    const text = JSON.stringify(e.body);
    res.writeHead(b.response.errorStatus ?? e.status, {
      'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(text)), ...e.headers,
    });
    res.end(text);
  }

  // ---------- routing ----------
  type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams, pathname: string) => Promise<void> | void;
  const routes = new Map<string, Handler>();
  const key = (method: string, path: string) => `${method} ${path}`;
  routes.set(key(b.endpoints.token.method, b.endpoints.token.path), handleToken);
  if (b.endpoints.revoke) routes.set(key(b.endpoints.revoke.method, b.endpoints.revoke.path), handleRevoke);
  if (b.endpoints.authorize) routes.set(key(b.endpoints.authorize.method, b.endpoints.authorize.path), (req, res, q) => handleAuthorize(req, res, q));
  routes.set(key(b.resource.method, b.resource.path), handleResource);
  routes.set('GET /.well-known/jwks.json', (_req, res) => sendJson(res, 200, { keys: [serverJwk] }, false));
  if (opts.adminApi) {
    routes.set('POST /__oauthgate/clock', handleClock);
    routes.set('GET /__oauthgate/stats', handleStats);
  }
  const pathsKnown = new Set([...routes.keys()].map((k) => k.slice(k.indexOf(' ') + 1)));

  const server: Server = createServer((req, res) => {
    req.on('error', () => {}); // an aborted upload surfaces in readBody; never as an unhandled error
    const target = parseRequestTarget(req.url);
    if (!target) {
      hits.invalid = (hits.invalid ?? 0) + 1;
      return sendError(res, new HttpError(400, { error: 'invalid_request', error_description: 'the request target is not an origin-form path or an absolute http(s) URL' }));
    }
    sweep();
    const route = routes.get(key(req.method ?? 'GET', target.pathname));
    const name = route ? target.pathname : 'unknown';
    hits[name] = (hits[name] ?? 0) + 1;
    if (!route) {
      const status = pathsKnown.has(target.pathname) ? 405 : 404;
      return sendError(res, new HttpError(status, { error: status === 405 ? 'invalid_request' : 'not_found', error_description: `${req.method} ${target.pathname} is not served here` }));
    }
    // Called at once (not a tick later): a route that throws before its first await is caught here as well.
    let handled: Promise<void>;
    try {
      handled = Promise.resolve(route(req, res, target.searchParams, target.pathname));
    } catch (e) {
      handled = Promise.reject(e);
    }
    handled.catch((e: unknown) => {
      if (e instanceof HttpError) return sendError(res, e);
      if (clientGone(req, res, e)) return;
      sendError(res, new HttpError(500, { error: 'server_error', error_description: 'mock internal error' }));
      // Surface programming errors in the mock to the harness's own tests.
      process.emitWarning(`oauthgate mock (${spec.id}) internal error: ${(e as Error)?.stack ?? String(e)}`);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (_err, socket: Socket) => {
    // A request line or header block node cannot parse: answer 400 when the socket can still take it.
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    if (b.transport === 'hang') return; // accept and say nothing
    if (b.transport === 'reset') return void s.destroy();
    if (b.transport === 'garbage') s.end('\x00\x01 this is not HTTP \xff\r\n\r\n');
  });
  if (b.transport !== 'http') server.removeAllListeners('request');

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;

  return {
    url: baseUrl,
    spec,
    behaviour: b,
    clock,
    faults,
    hits,
    storeSizes: mockStoreSizes,
    credentials: {
      clientId, username, password, headers,
      ...(clientSecret !== undefined ? { clientSecret } : {}),
      ...(resolved.redirectUri ? { redirectUri: resolved.redirectUri.registered } : {}),
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

function parseAbsolute(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
}

/** What the `dpop-skip-htu` fault compares htu with: the proof's own claim when it is a URI, else the real one. */
function skippedHtu(claimed: string | undefined, real: string): string {
  return claimed !== undefined && URL.canParse(claimed) ? claimed : real;
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
