/**
 * The dpop suite against a real, third-party authorization server: oidc-provider 9 on 127.0.0.1:0 with a
 * client_credentials client, DPoP (RFC 9449) enabled and a resource indicator, so client-credentials tokens are
 * DPoP-bound. Beside the provider, on the same port, `GET /resource` plays the resource server: it looks the opaque
 * token up through the provider's own token model (`provider.ClientCredentials.find`), and for a bound token
 * demands the DPoP scheme and a proof verified with `verifyDpopProof` against the token's `jkt` (RFC 9449 §7.1).
 *
 * The suite runs through `runConformance` on a live Target, exactly as a user's run against a live server would.
 * A second provider, configured with oidc-provider's own weakening switch `features.dPoP.allowReplay`, shows that
 * the replay check notices a real server accepting a reused proof.
 */
import type { IncomingMessage } from 'node:http';
import { listenFirst } from '../support/third-party/server.ts';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import dpop from '../../suites/dpop.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { Redactor } from '../../src/redact.ts';
import { ReplayCache } from '../../src/pop/taap.ts';
import { verifyDpopProof } from '../../src/pop/dpop.ts';
import type { Target } from '../../src/target/target.ts';
import type { CheckResult } from '../../src/checks/check.ts';

const RESOURCE = 'urn:oauthgate:test-resource';
const CLIENT_ID = 'oauthgate-dpop-client';

interface RunningProvider {
  base: string;
  clientSecret: string;
  /** error_description of every token-endpoint error, in order (why oidc-provider refused). */
  tokenErrors: string[];
  /** Why the resource route refused each call, in order. */
  resourceRefusals: string[];
  close: () => Promise<void>;
}

/** Starts oidc-provider plus the resource route on one loopback port. */
async function startProvider(dPoP: { allowReplay?: boolean } = {}): Promise<RunningProvider> {
  const { server, base, setHandler } = await listenFirst();
  const clientSecret = randomBytes(24).toString('base64url');
  const provider = new Provider(base, {
    clients: [{
      client_id: CLIENT_ID, client_secret: clientSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [],
      scope: 'read write', token_endpoint_auth_method: 'client_secret_basic',
    }],
    scopes: ['read', 'write'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      dPoP: { enabled: true, ...dPoP },
      resourceIndicators: {
        enabled: true,
        // client_credentials tokens are issued for a resource server; one default resource keeps requests plain RFC 6749.
        defaultResource: () => RESOURCE,
        getResourceServerInfo: () => ({ scope: 'read write', audience: RESOURCE, accessTokenFormat: 'opaque', accessTokenTTL: 3600 }),
      },
    },
  });
  const tokenErrors: string[] = [];
  // error_detail is oidc-provider's internal reason where error_description is generic ("grant request is invalid").
  provider.on('grant.error', (_ctx: unknown, err: { error_detail?: string; error_description?: string }) => tokenErrors.push(err.error_detail ?? err.error_description ?? '?'));
  const resourceRefusals: string[] = [];
  const replay = new ReplayCache();
  const callback = provider.callback();
  setHandler((req, res) => {
    if (req.method === 'GET' && new URL(req.url ?? '/', base).pathname === '/resource') {
      serveResource(provider, base, replay, req).then(({ status, body, challenge }) => {
        if (status !== 200) resourceRefusals.push(String(body.error_description));
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...(challenge ? { 'www-authenticate': challenge } : {}) });
        res.end(JSON.stringify(body));
      }, (e: unknown) => res.writeHead(500).end(String(e)));
      return;
    }
    void callback(req, res);
  });
  return {
    base, clientSecret, tokenErrors, resourceRefusals,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The protected resource: RFC 6750 for Bearer tokens, RFC 9449 §7.1 for DPoP-bound ones. */
async function serveResource(provider: Provider, base: string, replay: ReplayCache, req: IncomingMessage): Promise<{ status: number; body: Record<string, unknown>; challenge?: string }> {
  const m = /^(Bearer|DPoP)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const refuse = (scheme: string, error: string, why: string, status = 401) => ({ status, body: { error, error_description: why }, challenge: `${scheme} error="${error}"` });
  if (!m) return refuse('Bearer', 'invalid_request', 'no access token');
  const [, scheme, value] = m as unknown as [string, string, string];
  const token = await provider.ClientCredentials.find(value);
  if (!token) return refuse('Bearer', 'invalid_token', 'unknown or expired token');
  if (token.aud !== RESOURCE && !(Array.isArray(token.aud) && token.aud.includes(RESOURCE))) return refuse('Bearer', 'invalid_token', 'token issued for another audience');
  if (token.jkt) {
    if (scheme.toLowerCase() !== 'dpop') return refuse('DPoP', 'invalid_token', 'DPoP-bound token presented as a Bearer token');
    const proof = req.headers.dpop;
    const r = await verifyDpopProof(typeof proof === 'string' ? proof : undefined, {
      htm: req.method ?? 'GET', htu: `${base}/resource`, accessToken: value, now: Math.floor(Date.now() / 1000),
      maxAgeSeconds: 300, expectedJkt: token.jkt, replayCache: replay,
    });
    if (!r.ok) return refuse('DPoP', 'invalid_dpop_proof', r.code);
  } else if (scheme.toLowerCase() !== 'bearer') {
    return refuse('Bearer', 'invalid_token', 'DPoP scheme with an unbound token');
  }
  if (!String(token.scope ?? '').split(' ').includes('read')) return refuse('Bearer', 'insufficient_scope', 'scope "read" required', 403);
  return { status: 200, body: { ok: true } };
}

/** A live Target for the running provider, as a target file would describe it. */
function liveTarget(p: RunningProvider): Target {
  return {
    kind: 'live', label: `oidc-provider ${p.base}`, baseUrl: p.base, clientId: CLIENT_ID, clientSecret: p.clientSecret, headers: {},
    endpoints: { token: '/token', resource: '/resource' }, waitBudgetSeconds: 0, autoConsent: false, now: () => Math.floor(Date.now() / 1000),
  };
}

/** Runs the dpop suite against `p` through the engine. */
async function runDpop(p: RunningProvider): Promise<CheckResult[]> {
  const { spec } = loadSpec('rfc6749');
  const target = liveTarget(p);
  const [run] = await runConformance({
    suites: [dpop],
    plans: [{ spec, targetLabel: p.base, acquire: async () => ({ target, release: async () => {} }) }],
    timeoutMs: 5_000,
    redactor: new Redactor(),
  });
  return run!.checks;
}

const ALL_DPOP_CHECKS = [
  'dpop.token.valid-proof-accepted', 'dpop.token.token-type-dpop', 'dpop.token.bound-to-key', 'dpop.resource.valid-proof-accepted',
  'dpop.resource.missing-ath-rejected', 'dpop.resource.wrong-ath-rejected', 'dpop.token.wrong-htm-rejected', 'dpop.token.wrong-htu-rejected',
  'dpop.token.stale-iat-rejected', 'dpop.token.future-iat-rejected', 'dpop.token.reused-jti-rejected', 'dpop.token.alg-none-rejected',
  'dpop.token.private-jwk-rejected',
];

describe('oidc-provider 9 (DPoP enabled) passes the dpop suite', () => {
  let p: RunningProvider;
  let results: CheckResult[];
  beforeAll(async () => {
    p = await startProvider();
    results = await runDpop(p);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('every DPoP check passes', () => {
    expect(results.map((r) => `${r.id} ${r.status}${r.status === 'passed' ? '' : `: ${r.reason}`}`)).toEqual(ALL_DPOP_CHECKS.map((id) => `${id} passed`));
  });

  it('oidc-provider refused each defective proof for the reason the check probes', () => {
    // In suite order: wrong htm, wrong htu, stale iat, future iat, reuse, alg none, private jwk.
    expect(p.tokenErrors).toEqual([
      'DPoP proof htm mismatch',
      'DPoP proof htu mismatch',
      'DPoP proof iat is not recent enough',
      'DPoP proof iat is not recent enough',
      'DPoP proof JWT Replay detected',
      '"alg" (Algorithm) Header Parameter value not allowed', // "none" is not in dPoPSigningAlgValues
      '"jwk" (JSON Web Key) Header Parameter must be a public key', // jose EmbeddedJWK
    ]);
  });

  it('the resource refused the unbound uses and the bad ath for the reason the check probes', () => {
    expect(p.resourceRefusals).toEqual([
      'DPoP-bound token presented as a Bearer token',
      'jkt_mismatch',
      'missing_ath',
      'bad_ath',
    ]);
  });

  it('no result leaks the client secret, an access token or a proof', () => {
    const text = JSON.stringify(results);
    expect(text).not.toContain(p.clientSecret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./);
  });
});

describe('oidc-provider with features.dPoP.allowReplay fails the replay check, and only that', () => {
  let p: RunningProvider;
  let results: CheckResult[];
  beforeAll(async () => {
    p = await startProvider({ allowReplay: true });
    results = await runDpop(p);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('dpop.token.reused-jti-rejected fails with expected and observed', () => {
    const r = results.find((x) => x.id === 'dpop.token.reused-jti-rejected')!;
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/^token request with a DPoP proof \(same jti\) that was already accepted once: expected a 4xx error without access_token \(RFC 9449 §11\.1\), observed HTTP 200 with /);
    expect(results.filter((x) => x.status !== 'passed').map((x) => x.id)).toEqual(['dpop.token.reused-jti-rejected']);
  });
});
