/**
 * An independent, hand-written AT&T-style token server (not the harness's mock engine): form bodies with
 * client credentials in the body, comma-delimited scopes, authorization codes with auto-consent, refresh
 * tokens that invalidate the old pair, a revoke endpoint and the SMS resource. Optional bugs make it behave
 * the way real deployments fail:
 * - `rotation`: a refresh leaves the old refresh token usable;
 * - `redirectPrefix`: redirect URIs are matched with a plain startsWith (no path-segment boundary).
 * Used by third-party tests to show that the suites catch what a real server gets wrong.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface IndependentServer {
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

const CATALOGUE = ['ADS', 'MMS', 'SMS', 'SPEECH', 'STTC', 'TTS'];
const REGISTERED = 'https://yourdomain.com/abc';

export async function startIndependentAttServer(bugs: { rotation?: boolean; redirectPrefix?: boolean } = {}): Promise<IndependentServer> {
  const clientId = 'independent-client';
  const clientSecret = randomBytes(12).toString('hex');
  const access = new Map<string, { scope: string[]; exp: number; refresh: string }>();
  const refresh = new Map<string, { scope: string[]; valid: boolean }>();
  const codes = new Map<string, { used: boolean; redirect: string | undefined; issued?: string }>();
  const newToken = () => randomBytes(16).toString('hex');

  const json = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...extra });
    res.end(JSON.stringify(body));
  };
  const issue = (res: ServerResponse, scope: string[]): string => {
    const a = newToken();
    const r = newToken();
    access.set(a, { scope, exp: Date.now() + 172_800_000, refresh: r });
    refresh.set(r, { scope, valid: true });
    json(res, 200, { access_token: a, expires_in: 172800, refresh_token: r, token_type: 'bearer' });
    return a;
  };
  const matches = (uri: string) => {
    if (bugs.redirectPrefix) return uri.startsWith(REGISTERED);
    try {
      const u = new URL(uri);
      const raw = /^[a-z]+:\/\/[^/?#]*([^?#]*)/i.exec(uri)?.[1] ?? '';
      return u.origin === 'https://yourdomain.com' && !u.username && !u.password && !uri.includes('#') && !/(^|\/)(\.|\.\.|%2e|%2e%2e)(\/|$)/i.test(raw) && (raw === '/abc' || raw.startsWith('/abc/'));
    } catch {
      return false;
    }
  };

  async function body(req: IncomingMessage): Promise<URLSearchParams> {
    let text = '';
    for await (const c of req) text += String(c);
    return new URLSearchParams(text);
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === '/oauth/v4/authorize') {
      const redirect = url.searchParams.get('redirect_uri') ?? undefined;
      if (url.searchParams.get('client_id') !== clientId || (redirect !== undefined && !matches(redirect))) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid redirect_uri');
        return;
      }
      const code = newToken();
      codes.set(code, { used: false, redirect });
      const to = new URL(redirect ?? REGISTERED);
      to.searchParams.set('code', code);
      const state = url.searchParams.get('state');
      if (state !== null) to.searchParams.set('state', state);
      res.writeHead(302, { location: to.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/v4/token') {
      if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) return json(res, 400, { error: 'invalid_request' });
      const p = await body(req);
      if (p.get('client_id') !== clientId || p.get('client_secret') !== clientSecret) return json(res, 401, { error: 'invalid_client' });
      const grant = p.get('grant_type');
      if (grant === 'client_credentials') {
        const raw = p.get('scope');
        if (!raw) return json(res, 400, { error: 'invalid_request' });
        const scope = raw.split(',');
        if (scope.some((s) => !CATALOGUE.includes(s))) return json(res, 400, { error: 'invalid_scope' });
        issue(res, [...new Set(scope)]);
        return;
      }
      if (grant === 'authorization_code') {
        const c = codes.get(p.get('code') ?? '');
        if (c?.used && c.issued) access.delete(c.issued); // RFC 6749 §4.1.2: revoke what the code produced
        if (!c || c.used) return json(res, 400, { error: 'invalid_grant' });
        c.used = true;
        c.issued = issue(res, ['SMS']);
        return;
      }
      if (grant === 'refresh_token') {
        const r = refresh.get(p.get('refresh_token') ?? '');
        if (!r || !r.valid) return json(res, 400, { error: 'invalid_grant' });
        if (!bugs.rotation) r.valid = false;
        for (const [a, rec] of access) if (rec.refresh === p.get('refresh_token')) access.delete(a);
        issue(res, r.scope);
        return;
      }
      return json(res, 400, { error: grant ? 'unsupported_grant_type' : 'invalid_request' });
    }
    if (req.method === 'POST' && url.pathname === '/oauth/v4/revoke') {
      const p = await body(req);
      if (p.get('client_id') !== clientId || p.get('client_secret') !== clientSecret) return json(res, 401, { error: 'invalid_client' });
      const t = p.get('token') ?? '';
      access.delete(t);
      const r = refresh.get(t);
      if (r) {
        r.valid = false;
        for (const [a, rec] of access) if (rec.refresh === t) access.delete(a); // RFC 7009 §2.1 SHOULD
      }
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/sms/v3/messaging/outbox') {
      const m = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
      const a = m ? access.get(m[1]!) : undefined;
      if (!a || a.exp < Date.now()) return json(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      if (!a.scope.includes('SMS')) return json(res, 403, { error: 'insufficient_scope' }, { 'www-authenticate': 'Bearer error="insufficient_scope"' });
      return json(res, 201, { outboundSMSResponse: { messageId: newToken() } });
    }
    json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId,
    clientSecret,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
