/**
 * `@jmondi/oauth2-server` 4.3.7 with its express adapter on express 5, on 127.0.0.1 port 0, set up as the
 * package's documentation shows (https://tsoauth2server.com/getting_started/): in-memory repositories, the
 * `AuthorizationServer` with every grant it offers enabled, `requestFromExpress` / `handleExpressResponse` /
 * `handleExpressError` around `respondToAccessTokenRequest`, `validateAuthorizationRequest` +
 * `completeAuthorizationRequest` and `revoke`.
 *
 * - Grants: authorization_code, client_credentials, password, refresh_token and implicit (all it offers but RFC
 *   8693 token exchange, which RFC 6749 specs do not describe).
 * - `requiresPKCE` is the server's own switch (default true); both settings are tested.
 * - `/authorize`: a test user is signed in and approves at once.
 * - `/resource`: verifies the JWT access token with the server's own `JwtService` (the secret it signs with) and
 *   looks it up in the token repository, as the library's own revoke and introspect do (by `jti`).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import express from 'express';
import {
  AuthorizationServer, DateInterval, JwtService, OAuthException,
  type OAuthAuthCode, type OAuthAuthCodeRepository, type OAuthClient, type OAuthClientRepository, type OAuthScope,
  type OAuthScopeRepository, type OAuthToken, type OAuthTokenRepository, type OAuthUser, type OAuthUserRepository,
} from '@jmondi/oauth2-server';
import { handleExpressError, handleExpressResponse, requestFromExpress } from '@jmondi/oauth2-server/express';
import type { LoopbackOAuthServer } from './server.ts';

/** The running server and the credentials of its one client and one user. */
export type JmondiServer = LoopbackOAuthServer;

export const JMONDI_SCOPES = ['read', 'write', 'admin'];

/** In-memory repositories (https://tsoauth2server.com/getting_started/repositories.html). */
function repositories(client: OAuthClient, user: OAuthUser & { password: string }) {
  const scopes: OAuthScope[] = JMONDI_SCOPES.map((name) => ({ name }));
  const tokens = new Map<string, OAuthToken>();
  const revoked = new Set<string>();
  const codes = new Map<string, OAuthAuthCode>();
  const revokedCodes = new Set<string>();
  const clientRepository: OAuthClientRepository = {
    async getByIdentifier(clientId) {
      if (clientId !== client.id) throw OAuthException.invalidClient();
      return client;
    },
    async isClientValid(grantType, c, clientSecret) {
      if (c.secret && c.secret !== clientSecret) return false;
      return c.allowedGrants.includes(grantType);
    },
  };
  const scopeRepository: OAuthScopeRepository = {
    async getAllByIdentifiers(names) {
      return scopes.filter((s) => names.includes(s.name));
    },
    async finalize(requested) {
      return requested.length ? requested : scopes.filter((s) => s.name === 'read');
    },
  };
  const tokenRepository: OAuthTokenRepository = {
    async issueToken(c, s, u) {
      return { accessToken: randomBytes(16).toString('hex'), accessTokenExpiresAt: new Date(Date.now() + 3600_000), client: c, user: u ?? null, scopes: s };
    },
    async issueRefreshToken(token) {
      token.refreshToken = randomBytes(16).toString('hex');
      token.refreshTokenExpiresAt = new Date(Date.now() + 1209600_000);
      return token;
    },
    async persist(token) {
      tokens.set(token.accessToken, token);
    },
    async revoke(token) {
      revoked.add(token.accessToken);
      if (token.refreshToken) revoked.add(token.refreshToken);
    },
    async isRefreshTokenRevoked(token) {
      return !token.refreshToken || revoked.has(token.refreshToken);
    },
    async getByRefreshToken(refreshToken) {
      const t = [...tokens.values()].find((x) => x.refreshToken === refreshToken);
      if (!t) throw OAuthException.invalidParameter('refresh_token');
      return t;
    },
    /** RFC 6749 §4.1.2: the server calls this when a code is used twice, to revoke what it issued. */
    async revokeDescendantsOf(authCodeId) {
      for (const t of tokens.values()) if (t.originatingAuthCodeId === authCodeId) await tokenRepository.revoke(t);
    },
    async getByAccessToken(accessToken) {
      const t = tokens.get(accessToken);
      if (!t) throw OAuthException.invalidParameter('token');
      return t;
    },
  };
  const authCodeRepository: OAuthAuthCodeRepository = {
    async getByIdentifier(code) {
      const c = codes.get(code);
      if (!c) throw OAuthException.invalidParameter('code');
      return c;
    },
    issueAuthCode(c, u, s) {
      return { code: randomBytes(16).toString('hex'), client: c, user: u ?? null, scopes: s, expiresAt: new Date(Date.now() + 60_000) };
    },
    async persist(code) {
      codes.set(code.code, code);
    },
    async isRevoked(code) {
      return revokedCodes.has(code);
    },
    async revoke(code) {
      revokedCodes.add(code);
    },
  };
  const userRepository: OAuthUserRepository = {
    async getUserByCredentials(identifier, password) {
      return identifier === user.id && password === user.password ? { id: user.id } : undefined;
    },
  };
  /** Whether the token with this id (a JWT's `jti`) is live. */
  const isLive = (jti: string) => tokens.has(jti) && !revoked.has(jti) && tokens.get(jti)!.accessTokenExpiresAt > new Date();
  const scopesOf = (jti: string) => tokens.get(jti)?.scopes.map((s) => s.name) ?? [];
  return { clientRepository, scopeRepository, tokenRepository, authCodeRepository, userRepository, isLive, scopesOf };
}

/**
 * Starts the server; `requiresPKCE` and `implicitRedirectMode` are the server's own options (defaults: true and
 * `query`).
 */
export async function startJmondiServer(opts: { requiresPKCE: boolean; implicitRedirectMode?: 'query' | 'fragment' }): Promise<JmondiServer> {
  const client: OAuthClient = {
    id: 'jmondi-client', name: 'oauthgate', secret: randomBytes(24).toString('base64url'), redirectUris: ['https://client.example.org/cb'],
    allowedGrants: ['authorization_code', 'client_credentials', 'password', 'refresh_token', 'implicit'], scopes: JMONDI_SCOPES.map((name) => ({ name })),
  };
  const user = { id: 'alice', password: randomBytes(12).toString('base64url') };
  const repos = repositories(client, user);
  const signingSecret = randomBytes(32).toString('base64url');
  const server = new AuthorizationServer(repos.clientRepository, repos.tokenRepository, repos.scopeRepository, signingSecret, {
    requiresPKCE: opts.requiresPKCE, ...(opts.implicitRedirectMode ? { implicitRedirectMode: opts.implicitRedirectMode } : {}),
  });
  const hour = new DateInterval('1h');
  server.enableGrantTypes(
    ['client_credentials', hour],
    [{ grant: 'authorization_code', authCodeRepository: repos.authCodeRepository, userRepository: repos.userRepository }, hour],
    [{ grant: 'password', userRepository: repos.userRepository }, hour],
    ['refresh_token', hour],
    ['implicit', hour],
  );
  const jwt = new JwtService(signingSecret);

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/token', async (req, res) => {
    try {
      handleExpressResponse(res, await server.respondToAccessTokenRequest(requestFromExpress(req)));
    } catch (e) {
      handleExpressError(e, res);
    }
  });
  app.get('/authorize', async (req, res) => {
    try {
      const authRequest = await server.validateAuthorizationRequest(requestFromExpress(req));
      // The user is signed in and approves.
      authRequest.user = { id: user.id };
      authRequest.isAuthorizationApproved = true;
      handleExpressResponse(res, await server.completeAuthorizationRequest(authRequest));
    } catch (e) {
      handleExpressError(e, res);
    }
  });
  app.post('/token/revoke', async (req, res) => {
    try {
      handleExpressResponse(res, await server.revoke(requestFromExpress(req)));
    } catch (e) {
      handleExpressError(e, res);
    }
  });
  app.get('/resource', async (req, res) => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const refuse = (status: number, error: string) => res.status(status).set('WWW-Authenticate', `Bearer error="${error}"`).json({ error });
    if (!m) return void res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'invalid_request' });
    let jti: string;
    try {
      jti = String((await jwt.verify(m[1]!)).jti);
    } catch {
      return void refuse(401, 'invalid_token');
    }
    if (!repos.isLive(jti)) return void refuse(401, 'invalid_token');
    if (!repos.scopesOf(jti).includes('read')) return void refuse(403, 'insufficient_scope');
    res.json({ ok: true });
  });
  const http: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    clientId: client.id, clientSecret: client.secret!, username: user.id, password: user.password, redirectUri: client.redirectUris[0]!,
    close: () => new Promise<void>((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}
