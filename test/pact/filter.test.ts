/**
 * The request filter and provider-state lookup, unit by unit: each conforming input beside a violating one that
 * differs in one property.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { rewriteRequest, substituteAuthorization } from '../../src/pact/filter.ts';
import { PLACEHOLDER, type RealValues } from '../../src/pact/placeholders.ts';
import { templateOf } from '../../src/pact/states.ts';
import { describeMismatch } from '../../src/pact/verify.ts';
import { placeholderTarget, throwawayKey } from '../../src/pact/write.ts';
import { basicAuth } from '../../src/http/client.ts';
import { Redactor } from '../../src/redact.ts';
import { SuiteContext } from '../../src/runner/suite.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { verifyTaapPop } from '../../src/pop/taap.ts';
import type { Target } from '../../src/target/target.ts';

const real: RealValues = { clientId: 'real-client', clientSecret: 'real-secret-123', headers: { 'X-TNGO-TENANT': 'ACME' }, accessToken: 'at-0123456789', refreshToken: 'rt-0123456789', code: 'code-0123456789' };
const http = { send: async () => { throw new Error('no network in this test'); }, close: async () => {} };

/** An RSA key for the PoP tests: the process's throwaway contract key (generated once, off the event loop). */
let privateKey: KeyObject;
beforeAll(async () => {
  privateKey = await throwawayKey();
});

function context(specId: string, overrides: Partial<Target> = {}) {
  const { spec } = loadSpec(specId);
  const keys = { privateKey, publicKey: createPublicKey(privateKey) };
  const target: Target = { ...placeholderTarget(spec, keys.privateKey), baseUrl: 'http://127.0.0.1:9999', clientId: real.clientId, clientSecret: real.clientSecret, headers: real.headers, ...overrides };
  return { t: new SuiteContext('pact', spec, target, http, new Redactor()), publicKey: keys.publicKey };
}

describe('substituteAuthorization', () => {
  it('puts the real client credentials into Basic placeholders', () => {
    expect(substituteAuthorization(basicAuth(PLACEHOLDER.clientId, PLACEHOLDER.clientSecret), real)).toBe(basicAuth('real-client', 'real-secret-123'));
  });
  it('keeps a deliberately wrong secret (placeholder + "x") wrong', () => {
    expect(substituteAuthorization(basicAuth(PLACEHOLDER.clientId, `${PLACEHOLDER.clientSecret}x`), real)).toBe(basicAuth('real-client', `${PLACEHOLDER.clientSecret}x`));
  });
  it('puts the state\'s access token into a Bearer placeholder, and leaves any other Bearer value alone', () => {
    expect(substituteAuthorization(`Bearer ${PLACEHOLDER.accessToken}`, real)).toBe('Bearer at-0123456789');
    expect(substituteAuthorization('Bearer consumer-own-token', real)).toBe('Bearer consumer-own-token');
  });
});

describe('rewriteRequest', () => {
  it('repairs a form body the proxy parsed into an object, with real values and a matching Content-Length', async () => {
    const { t } = context('att');
    const req = { method: 'POST', url: '/oauth/v4/token', path: '/oauth/v4/token', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '99' } as Record<string, string>, body: { grant_type: 'refresh_token', client_id: PLACEHOLDER.clientId, client_secret: PLACEHOLDER.clientSecret, refresh_token: PLACEHOLDER.refreshToken } as unknown };
    await rewriteRequest({ t, values: () => real, redactor: new Redactor() }, req);
    const text = (req.body as Buffer).toString('utf8');
    expect(text).toBe('grant_type=refresh_token&client_id=real-client&client_secret=real-secret-123&refresh_token=rt-0123456789');
    expect(req.headers['content-length']).toBe(String(text.length));
  });
  it('keeps a JSON body JSON (T-Mobile v6), and an empty body empty (T-Mobile v2)', async () => {
    const v6 = context('tmobile-apis-v6');
    const json = { method: 'POST', url: '/oauth2/v6/tokens', path: '/oauth2/v6/tokens', headers: { 'content-type': 'application/json' } as Record<string, string>, body: { 'grant-type': 'client_credentials', client_id: PLACEHOLDER.clientId } as unknown };
    await rewriteRequest({ t: v6.t, values: () => real, redactor: new Redactor() }, json);
    expect((json.body as Buffer).toString('utf8')).toBe('{"grant-type":"client_credentials","client_id":"real-client"}');
    const v2 = context('tmobile-naas-v2');
    const empty = { method: 'POST', url: '/oauth2/v2/tokens', path: '/oauth2/v2/tokens', headers: { 'content-type': 'application/json', 'content-length': '0' } as Record<string, string>, body: undefined as unknown };
    await rewriteRequest({ t: v2.t, values: () => real, redactor: new Redactor() }, empty);
    expect((empty.body as Buffer).length).toBe(0);
    expect(empty.headers['content-length']).toBe('0');
  });
  it('maps the spec\'s path to the target\'s override, keeping the query', async () => {
    const { t } = context('att', { endpoints: { resource: '/sms/v4/outbox' } });
    const req = { method: 'POST', url: '/sms/v3/messaging/outbox?x=1', path: '/sms/v3/messaging/outbox', headers: {} as Record<string, string>, body: undefined as unknown };
    await rewriteRequest({ t, values: () => real, redactor: new Redactor() }, req);
    expect(req.url).toBe('/sms/v4/outbox?x=1');
  });
  it('signs a fresh PoP token over the final request (credentials included), which the server-side verifier accepts', async () => {
    const { t, publicKey } = context('tmobile-naas-v2');
    const req = { method: 'POST', url: '/oauth2/v2/tokens', path: '/oauth2/v2/tokens', headers: { 'content-type': 'application/json', authorization: basicAuth(PLACEHOLDER.clientId, PLACEHOLDER.clientSecret), 'x-authorization': 'eyJhbGciOiJSUzI1NiJ9.eyJlZHRzIjoiZXhhbXBsZSJ9.c2lnbmF0dXJl' } as Record<string, string>, body: undefined as unknown };
    await rewriteRequest({ t, values: () => real, redactor: new Redactor() }, req);
    const pop = t.spec.pop!;
    const verify = (authorization: string) => verifyTaapPop(req.headers['x-authorization'], {
      publicKey, requiredParts: pop.requiredParts, maxLifetimeSeconds: pop.maxLifetimeSeconds, now: Math.floor(Date.now() / 1000),
      request: { method: 'POST', uri: '/oauth2/v2/tokens', headers: { 'Content-Type': 'application/json', Authorization: authorization }, body: '' },
    });
    expect((await verify(basicAuth('real-client', 'real-secret-123'))).ok).toBe(true);
    // Signed over the real credentials, not the placeholders the pact carries.
    expect((await verify(basicAuth(PLACEHOLDER.clientId, PLACEHOLDER.clientSecret))).ok).toBe(false);
  });
});

describe('provider-state templates', () => {
  const templates = ['client {clientId} exists', 'a valid refresh token exists'];
  it('a concrete state name finds its template', () => expect(templateOf('client billing-client exists', templates)).toBe('client {clientId} exists'));
  it('a name that fills no placeholder finds none', () => expect(templateOf('client exists', templates)).toBeUndefined());
});

describe('describeMismatch', () => {
  it('keeps Pact\'s text for an ordinary field', () => {
    expect(describeMismatch({ mismatches: [{ path: '$.expires_in', mismatch: "Expected '172800' (String) to be a number", expected: 172800, actual: '172800' }] }).reason)
      .toBe("$.expires_in: Expected '172800' (String) to be a number");
  });
  it('masks the values of a credential field (the same mismatch on access_token)', () => {
    const d = describeMismatch({ mismatches: [{ path: '$.access_token', mismatch: "Expected 'tok-secret-value' (String) to be a number", expected: 1, actual: 'tok-secret-value' }] });
    expect(d.reason).toMatch(/^\$\.access_token: Expected '\[redacted:[0-9a-f]{8}\]' \(String\) to be a number$/);
    expect(JSON.stringify(d)).not.toContain('tok-secret-value');
  });
});
