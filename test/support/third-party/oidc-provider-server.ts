/**
 * panva's `oidc-provider` 9 (an OpenID-certified OAuth 2.0 server) on 127.0.0.1 port 0, configured as a vendor
 * offering plain OAuth 2.0 would: one confidential client (client_secret_basic) with authorization_code,
 * refresh_token and client_credentials, RFC 7009 revocation on, DPoP off, PKCE required or not (`pkce.required`, the
 * provider's own switch), refresh tokens for every code (`issueRefreshToken`), and a default scope for an
 * authorization request without one (RFC 6749 §3.3: "process the request using a pre-defined default value"),
 * set in a pre-middleware as oidc-provider's documentation suggests for request shaping.
 *
 * Two things beside the provider, on the same port:
 * - `GET /authorize`: a headless user agent standing in for the signed-in user who consents. It sends the request
 *   to the provider's own `/auth`, keeps the provider's cookies, finishes the login and consent interaction through
 *   `provider.interactionFinished` (the provider's own API), follows the provider's redirects back to `/auth/:uid`,
 *   and answers with the provider's final response (its redirect to the client, or its error page). Every
 *   decision — redirect URI, PKCE, scope, state — is the provider's.
 * - `GET /resource`: the protected resource, validating tokens through the provider's own token models
 *   (`provider.AccessToken.find`, `provider.ClientCredentials.find`: unknown, expired and revoked tokens are
 *   not found), and requiring scope `read` (RFC 6750 §3.1).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenFirst } from './server.ts';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

/** The running provider and its client's credentials. */
export interface OidcProviderServer {
  url: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  close: () => Promise<void>;
}

const CLIENT_ID = 'oidc-provider-client';
const REDIRECT_URI = 'https://client.example.org/cb';
export const OIDC_SCOPES = ['read', 'write', 'admin'];
const DEFAULT_SCOPE = 'read write';

/** Starts the provider; `pkceRequired` is its `pkce.required` answer for every client. */
export async function startOidcProviderServer(opts: { pkceRequired: boolean }): Promise<OidcProviderServer> {
  const { server, base, setHandler } = await listenFirst();
  const clientSecret = randomBytes(24).toString('base64url');
  const provider = new Provider(base, {
    clients: [{
      client_id: CLIENT_ID, client_secret: clientSecret, grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      redirect_uris: [REDIRECT_URI], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic', scope: OIDC_SCOPES.join(' '),
    }],
    scopes: OIDC_SCOPES,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    pkce: { required: () => opts.pkceRequired },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // DPoP (on by default in v9) is off: this vendor offers Bearer tokens only (test/third-party/oidc-provider.test.ts
    // checks a DPoP-enabled provider with a DPoP-aware resource).
    features: { clientCredentials: { enabled: true }, revocation: { enabled: true }, devInteractions: { enabled: false }, dPoP: { enabled: false } },
    ttl: { ClientCredentials: 3600, AccessToken: 3600, AuthorizationCode: 60, RefreshToken: 1209600, Interaction: 600, Session: 600, Grant: 1209600 },
  });
  provider.on('server_error', () => {});
  // RFC 6749 §3.3: an authorization request without scope is processed with a pre-defined default value.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/auth' && ctx.method === 'GET' && ctx.query.scope === undefined) ctx.query = { ...ctx.query, scope: DEFAULT_SCOPE };
    await next();
  });
  const callback = provider.callback();

  setHandler((req, res) => {
    const path = new URL(req.url ?? '/', base).pathname;
    if (req.method === 'GET' && path === '/authorize') return void headlessConsent(base, req.url ?? '/', res);
    if (req.method === 'GET' && path.startsWith('/interaction/')) return void finishInteraction(provider, req, res);
    if (req.method === 'GET' && path === '/resource') return void serveResource(provider, req, res);
    void callback(req, res);
  });
  return {
    url: base, clientId: CLIENT_ID, clientSecret, redirectUri: REDIRECT_URI,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * The user agent of a signed-in user who consents to everything asked: follows the provider's redirects on its
 * own origin (at most eight), carrying its cookies, and relays the first response that leaves it.
 */
async function headlessConsent(base: string, requestUrl: string, res: ServerResponse): Promise<void> {
  const cookies = new Map<string, string>();
  let url = `${base}/auth${new URL(requestUrl, base).search}`;
  try {
    for (let hop = 0; hop < 8; hop++) {
      const r = await fetch(url, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of r.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      const location = r.headers.get('location');
      const next = location ? new URL(location, url) : undefined;
      if (next && next.origin === base) {
        url = next.toString();
        continue;
      }
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        if (k !== 'set-cookie' && k !== 'content-length' && k !== 'transfer-encoding' && k !== 'content-encoding') headers[k] = v;
      });
      res.writeHead(r.status, headers).end(Buffer.from(await r.arrayBuffer()));
      return;
    }
    res.writeHead(508).end('headless user agent: too many redirects');
  } catch (e) {
    res.writeHead(502).end(`headless user agent: ${String(e)}`);
  }
}

/** The login and consent prompts: the user `alice` signs in and grants every scope the request asks for. */
async function finishInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const details = await provider.interactionDetails(req, res);
    const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId: 'alice', clientId: String(details.params.client_id) });
    if (typeof details.params.scope === 'string') grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: 'alice' }, consent: { grantId } }, { mergeWithLastSubmission: false });
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
}

/** The protected resource (RFC 6750): a token the provider knows and that carries `read`. */
async function serveResource(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const refuse = (status: number, challenge: string, error: string) => res.writeHead(status, { 'content-type': 'application/json', 'www-authenticate': challenge }).end(JSON.stringify({ error }));
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  if (!m) return void refuse(401, 'Bearer', 'invalid_request');
  const token = (await provider.AccessToken.find(m[1]!)) ?? (await provider.ClientCredentials.find(m[1]!));
  if (!token || token.isExpired) return void refuse(401, 'Bearer error="invalid_token"', 'invalid_token');
  if (!String(token.scope ?? '').split(' ').includes('read')) return void refuse(403, 'Bearer error="insufficient_scope", scope="read"', 'insufficient_scope');
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
}
