import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/spec/load.ts';
import { authorizationScope, endpointUrlOf, buildAuthorizeRequest, buildResourceRequest, buildRevokeRequest, buildTokenRequest, defaultGrantParams, type BuildTarget } from '../../src/steps/build.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { overlaySpec } from '../../src/spec/load.ts';

const target: BuildTarget = { baseUrl: 'http://127.0.0.1:9/', endpoints: {}, headers: {}, clientId: 'cid', clientSecret: 's3cret!', username: 'u', password: 'p w' };
const env = (id: string, t: Partial<BuildTarget> = {}) => ({ spec: loadSpec(id).spec, target: { ...target, ...t } });

describe('buildTokenRequest', () => {
  it('builds AT&T\'s form request with body credentials and comma scopes, listing the secret', () => {
    const e = env('att');
    const r = buildTokenRequest(e, 'client_credentials', { params: defaultGrantParams(e, 'client_credentials') });
    expect(r.method).toBe('POST');
    expect(r.url).toBe('http://127.0.0.1:9/oauth/v4/token');
    expect(r.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(r.body))).toEqual({ grant_type: 'client_credentials', scope: 'SMS', client_id: 'cid', client_secret: 's3cret!' });
    expect(r.headers.Authorization).toBeUndefined();
    expect(r.secrets).toContain('s3cret!');
  });

  it('builds T-Mobile v6\'s JSON request with the renamed grant-type and Basic plus body credentials', () => {
    const e = env('tmobile-apis-v6');
    const r = buildTokenRequest(e, 'client_credentials', { params: defaultGrantParams(e, 'client_credentials') });
    const body = JSON.parse(r.body) as Record<string, string>;
    expect(body['grant-type']).toBe('client_credentials');
    expect(body.grant_type).toBeUndefined();
    expect(body.client_secret).toBe('s3cret!');
    expect(r.headers.Authorization).toBe(`Basic ${Buffer.from('cid:s3cret%21').toString('base64')}`);
  });

  it('sends only client_id for a public client (clientAuth.methods: [none])', () => {
    const e = env('att', { clientSecret: undefined });
    const spec: ProviderSpec = { ...e.spec, clientAuth: { ...e.spec.clientAuth, methods: ['none'] } };
    const r = buildTokenRequest({ spec, target: e.target }, 'client_credentials', { params: { scope: 'SMS' } });
    const fields = Object.fromEntries(new URLSearchParams(r.body));
    expect(fields.client_id).toBe('cid');
    expect(fields.client_secret).toBeUndefined();
    expect(r.headers.Authorization).toBeUndefined();
  });

  it('honours the target\'s endpoint override and required headers, and can leave the headers out', () => {
    const e = env('tangoe', { endpoints: { token: '/custom/token' }, headers: { 'X-TNGO-TENANT': 'T1' } });
    expect(buildTokenRequest(e, 'password').url).toBe('http://127.0.0.1:9/custom/token');
    expect(buildTokenRequest(e, 'password').headers['X-TNGO-TENANT']).toBe('T1');
    expect(buildTokenRequest(e, 'password', { omitRequiredHeaders: true }).headers['X-TNGO-TENANT']).toBeUndefined();
  });

  it('lists the password among the secrets of a password-grant request', () => {
    const e = env('tangoe');
    expect(buildTokenRequest(e, 'password', { params: defaultGrantParams(e, 'password') }).secrets).toContain('p w');
  });
});

describe('other builders', () => {
  it('builds a form-encoded revocation request whatever the token encoding', () => {
    const e = env('att');
    const spec: ProviderSpec = { ...e.spec, request: { ...e.spec.request, encoding: 'json' } };
    const r = buildRevokeRequest({ spec, target: e.target }, 'tok-123', { hint: 'access_token' });
    expect(r.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(r.body).get('token')).toBe('tok-123');
    expect(r.secrets).toContain('tok-123');
  });

  it('builds an authorization URL leaving undefined parameters out', () => {
    const r = buildAuthorizeRequest(env('att'), { response_type: 'code', client_id: 'cid', scope: undefined });
    expect(new URL(r.url).searchParams.has('scope')).toBe(false);
    expect(new URL(r.url).searchParams.get('response_type')).toBe('code');
  });

  it('authorization requests ask for the spec\'s default scope in its delimiter, or none where it has none', () => {
    expect(authorizationScope(loadSpec('rfc6749').spec)).toBe('read write');
    expect(authorizationScope(loadSpec('att').spec)).toBe('SMS');
    expect(authorizationScope(loadSpec('tangoe').spec)).toBeUndefined();
  });

  it('a target overlay sets the scope authorization requests ask for', () => {
    const spec = overlaySpec(loadSpec('rfc6749').spec, { scope: { default: ['admin'] } }, 'target.yaml');
    expect(authorizationScope(spec)).toBe('admin');
  });

  it('each flow asks for its own scope where the spec (or a target overlay) gives one, else scope.default', () => {
    const spec = overlaySpec(loadSpec('rfc6749').spec, {
      grants: { authorization_code: { scope: ['write'] }, client_credentials: { scope: ['admin', 'read'] } },
    }, 'target.yaml');
    expect(authorizationScope(spec, 'code')).toBe('write');
    expect(authorizationScope(spec, 'token')).toBe('read write'); // no implicit grant of its own: scope.default
    const tangoe = overlaySpec(loadSpec('tangoe').spec, { grants: { implicit: { scope: ['profile'] } } }, 'target.yaml');
    expect(authorizationScope(tangoe, 'token')).toBe('profile');
    expect(authorizationScope(tangoe, 'code')).toBeUndefined();
    const e = { spec, target };
    expect(defaultGrantParams(e, 'client_credentials').scope).toBe('admin read');
    expect(defaultGrantParams(e, 'password').scope).toBe('read write'); // no scope of its own: scope.default
    const code = buildAuthorizeRequest(e, { response_type: 'code', client_id: 'cid', scope: authorizationScope(spec, 'code') });
    expect(new URL(code.url).searchParams.get('scope')).toBe('write');
  });

  it('a grant\'s fixed extraParams.scope still wins over its flow scope (T-Mobile v6 sends scope=response_mode)', () => {
    const spec = overlaySpec(loadSpec('rfc6749').spec, { grants: { client_credentials: { scope: ['admin'], extraParams: { scope: 'fixed' } } } }, 'target.yaml');
    expect(defaultGrantParams({ spec, target }, 'client_credentials').scope).toBe('fixed');
  });

  it('a resource call can leave out named target headers (any case) and keep the others', () => {
    const e = env('tangoe', { headers: { 'X-TNGO-TENANT': 'T', client_id: 'cid' } });
    const r = buildResourceRequest(e, 'at-1', { omitHeaders: ['x-tngo-tenant'] });
    expect(r.headers['X-TNGO-TENANT']).toBeUndefined();
    expect(r.headers.client_id).toBe('cid');
    expect(buildResourceRequest(e, 'at-1').headers['X-TNGO-TENANT']).toBe('T');
  });

  it('builds a Bearer resource call with the spec\'s method and body', () => {
    const e = env('mobile-digital');
    const r = buildResourceRequest(e, 'at-1');
    expect(r.method).toBe(e.spec.resource.method);
    expect(r.headers.Authorization).toBe('Bearer at-1');
    expect(r.secrets).toEqual(['at-1']);
  });
});

describe('endpoint URLs (resolved once per base URL and path)', () => {
  it('a base URL and a path that share a joined spelling resolve each to its own URL', () => {
    // Joined with a space, both pairs read "http://h.example/a b c": the memo must still tell them apart.
    const one = endpointUrlOf(env('att', { baseUrl: 'http://h.example/a b', endpoints: { token: 'c' } }), 'token');
    const two = endpointUrlOf(env('att', { baseUrl: 'http://h.example/a', endpoints: { token: 'b c' } }), 'token');
    expect(one).toBe('http://h.example/a%20b/c');
    expect(two).toBe('http://h.example/a/b%20c');
  });
});
