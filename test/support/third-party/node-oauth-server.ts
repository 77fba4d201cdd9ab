/**
 * `@node-oauth/oauth2-server` 5.3 behind `@node-oauth/express-oauth-server` 4.2 on express 5, on 127.0.0.1 port 0,
 * set up the way the packages' READMEs show a vendor doing it: a small in-memory model, the adapter's `token()`,
 * `authorize()` and `authenticate()` middlewares, and nothing of our own in the request path.
 *
 * - Grants: authorization_code (PKCE optional: the server verifies a challenge when the code carries one; it has
 *   no switch to require it), client_credentials, password, refresh_token.
 * - `/authorize`: a test user is signed in already (`authenticateHandler`), so the endpoint redirects at once.
 * - `/resource`: `authenticate({ scope: 'read' })`, the server's own token validation.
 * - No RFC 7009 revocation endpoint: the package has none.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import type { LoopbackOAuthServer } from './server.ts';

const require = createRequire(import.meta.url);
// The adapter is CommonJS without an ES default export in its types; load it the way its README does.
const ExpressOAuthServer = require('@node-oauth/express-oauth-server') as new (options: Record<string, unknown>) => {
  token: (o?: Record<string, unknown>) => express.RequestHandler;
  authorize: (o?: Record<string, unknown>) => express.RequestHandler;
  authenticate: (o?: Record<string, unknown>) => express.RequestHandler;
};

/** The running server and the credentials of its one client and one user. */
export type NodeOauthServer = LoopbackOAuthServer;

export const NODE_OAUTH_SCOPES = ['read', 'write', 'admin'];

interface StoredToken {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken?: string;
  refreshTokenExpiresAt?: Date;
  scope?: string[];
  client: { id: string };
  user: { id: string };
}

/** An in-memory model (https://node-oauthoauth2-server.readthedocs.io/en/master/model/spec.html). */
function inMemoryModel(client: { id: string; secret: string; redirectUris: string[]; grants: string[] }, user: { id: string; username: string; password: string }) {
  const accessTokens = new Map<string, StoredToken>();
  const refreshTokens = new Map<string, StoredToken>();
  const codes = new Map<string, Record<string, unknown>>();
  const publicClient = { id: client.id, redirectUris: client.redirectUris, grants: client.grants };
  return {
    async getClient(clientId: string, clientSecret: string | null) {
      if (clientId !== client.id) return false;
      if (clientSecret !== null && clientSecret !== undefined && clientSecret !== client.secret) return false;
      return publicClient;
    },
    async getUserFromClient() {
      return { id: 'service-account' };
    },
    async getUser(username: string, password: string) {
      return username === user.username && password === user.password ? { id: user.id } : false;
    },
    async saveToken(token: StoredToken, c: { id: string }, u: { id: string }) {
      const stored = { ...token, client: c, user: u };
      accessTokens.set(token.accessToken, stored);
      if (token.refreshToken) refreshTokens.set(token.refreshToken, stored);
      return stored;
    },
    async getAccessToken(accessToken: string) {
      return accessTokens.get(accessToken) ?? false;
    },
    async getRefreshToken(refreshToken: string) {
      const t = refreshTokens.get(refreshToken);
      return t ? { refreshToken, refreshTokenExpiresAt: t.refreshTokenExpiresAt, scope: t.scope, client: t.client, user: t.user } : false;
    },
    async revokeToken(token: { refreshToken: string }) {
      return refreshTokens.delete(token.refreshToken);
    },
    async saveAuthorizationCode(code: Record<string, unknown>, c: { id: string }, u: { id: string }) {
      const stored = { ...code, client: c, user: u };
      codes.set(code.authorizationCode as string, stored);
      return stored;
    },
    async getAuthorizationCode(authorizationCode: string) {
      return codes.get(authorizationCode) ?? false;
    },
    async revokeAuthorizationCode(code: { authorizationCode: string }) {
      return codes.delete(code.authorizationCode);
    },
    /** Requested scopes must all be known; none requested gets `read`. */
    async validateScope(_u: unknown, _c: unknown, scope?: string[]) {
      if (!scope || scope.length === 0) return ['read'];
      return scope.every((s) => NODE_OAUTH_SCOPES.includes(s)) ? scope : false;
    },
    async verifyScope(token: StoredToken, scope: string[]) {
      return scope.every((s) => token.scope?.includes(s));
    },
  };
}

/** Starts the server; `close()` stops it. */
export async function startNodeOauthServer(): Promise<NodeOauthServer> {
  const client = {
    id: 'node-oauth-client', secret: randomBytes(24).toString('base64url'), redirectUris: ['https://client.example.org/cb'],
    grants: ['authorization_code', 'client_credentials', 'password', 'refresh_token'],
  };
  const user = { id: 'alice', username: 'alice', password: randomBytes(12).toString('base64url') };
  const oauth = new ExpressOAuthServer({ model: inMemoryModel(client, user), accessTokenLifetime: 3600, refreshTokenLifetime: 1209600 });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/token', oauth.token());
  // The user is signed in and consents; the server redirects with a code at once.
  app.get('/authorize', oauth.authorize({ authenticateHandler: { handle: () => ({ id: user.id }) }, authorizationCodeLifetime: 60 }));
  app.get('/resource', oauth.authenticate({ scope: 'read', addAcceptedScopesHeader: true, addAuthorizedScopesHeader: true }), (_req, res) => {
    res.json({ ok: true });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId: client.id, clientSecret: client.secret, username: user.username, password: user.password, redirectUri: client.redirectUris[0]!,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
