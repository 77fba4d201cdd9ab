/**
 * Self-tests of the TAAP PoP checks and probe builders: each check with a conforming and a violating input,
 * asserting the status and the expected/observed message; the boundary-shift probe against the real verifier,
 * with and without the defences a server can apply.
 */
import fc from 'fast-check';
import type { CryptoKey } from 'jose';
import { shippedRs256Keys } from '../support/keys.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import * as P from '../../src/checks/pop.ts';
import { buildTaapPop, computeEdts, verifyTaapPop, type PopRequest } from '../../src/pop/taap.ts';
import type { HttpExchange } from '../../src/http/types.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const token = { access_token: 'at-123456789', expires_in: '3599', status: 'approved' };
const refusal = { error: 'invalid_request' };
/** A token response body that still carries a token alongside the error: a refusal in name only. */
const refusalWithToken = { ...refusal, access_token: 'at-123456789' };
/**
 * it.each rows named by id. Read with `?.` so that a missing check (a factory that returned nothing) fails its own
 * test instead of the file's collection, which Stryker would not count as a failure (docs/mutation.md).
 */
const named = (checks: readonly P.PopRejection[]) => checks.map((c, i) => [String((c as P.PopRejection | undefined)?.id ?? `#${i} (missing)`), c] as const);
const probes = (...answers: Array<[string, HttpExchange]>): P.PopProbe[] => answers.map(([variant, ex]) => ({ variant, exchange: ex }));

describe('pop.taap.valid-accepted', () => {
  const c = P.validPopAccepted;

  it('passes on HTTP 200 with an access_token', () => {
    expect(c.evaluate(exchange(200, token))).toEqual({ status: 'passed' });
  });

  it('fails when the status is not 200 (same body): 401, and 201 which is not the 200 RFC 6749 §5.1 names', () => {
    expect(c.evaluate(exchange(401, token))).toMatchObject({ status: 'failed', field: 'token request with a valid PoP token', observed: expect.stringMatching(/^HTTP 401 with \{"access_token"/) });
    expect(c.evaluate(exchange(201, token)).status).toBe('failed');
  });

  it('fails when the 200 carries no access_token, or a non-string one (one member changed)', () => {
    const { access_token: _, ...noToken } = token;
    expect(c.evaluate(exchange(200, noToken)).status).toBe('failed');
    expect(c.evaluate(exchange(200, { ...token, access_token: 123456789 })).status).toBe('failed');
  });

  it('states expected and observed', () => {
    expect(c.evaluate(exchange(401, refusal))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^token request with a valid PoP token: expected HTTP 200 with an access_token \(T-Mobile TAAP .*\), observed HTTP 401 with \{"error":"invalid_request"\}$/),
    });
    expectFailure(c.evaluate(transportFailure()), /HTTP 200/, /^no response \(timeout/);
  });
});

describe('pop.taap.resource.valid-accepted', () => {
  const c = P.resourceValidPopAccepted;

  it.each([200, 204, 299])('passes on HTTP %i', (status) => {
    expect(c.evaluate(exchange(status, { ok: true })).status).toBe('passed');
  });

  it.each([300, 401, 500])('fails on HTTP %i (same body)', (status) => {
    expect(c.evaluate(exchange(status, { ok: true }))).toMatchObject({ status: 'failed', expected: 'a 2xx response', observed: `HTTP ${status} with {"ok":true}` });
  });

  it('fails without a response, saying so', () => {
    expect(c.evaluate(transportFailure())).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/resource call with a valid PoP token: expected a 2xx response .*, observed no response \(timeout/),
    });
  });
});

describe('token-endpoint rejection checks', () => {
  it.each(named(P.TOKEN_REJECTIONS))('%s: a 4xx without a token passes', (_id, c) => {
    for (const status of [400, 401, 403, 499]) expect(c.evaluate(exchange(status, refusal)).status).toBe('passed');
  });

  it.each(named(P.TOKEN_REJECTIONS))('%s: the same body with HTTP 200, or a 5xx, fails', (_id, c) => {
    expect(c.evaluate(exchange(200, refusal))).toMatchObject({ status: 'failed', expected: 'a 4xx error without access_token', observed: 'HTTP 200 with {"error":"invalid_request"}' });
    expect(c.evaluate(exchange(500, refusal))).toMatchObject({ status: 'failed', observed: 'HTTP 500 with {"error":"invalid_request"}' });
    expect(c.evaluate(exchange(399, refusal)).status).toBe('failed');
  });

  it.each(named(P.TOKEN_REJECTIONS))('%s: a 4xx that still carries an access_token fails', (_id, c) => {
    expect(c.evaluate(exchange(401, refusalWithToken))).toMatchObject({ status: 'failed', observed: expect.stringContaining('"access_token"') });
  });

  it('names the defect and the requirement', () => {
    expect(P.popExpiredRejected.evaluate(exchange(200, token))).toMatchObject({
      status: 'failed',
      field: 'token request with an expired PoP token',
      reason: expect.stringMatching(/^token request with an expired PoP token: expected a 4xx error without access_token \(.*60 seconds.*\), observed HTTP 200 with \{"access_token"/),
    });
  });

  it('with variants, every one must be refused: the first one served is named, wherever it is', () => {
    const c = P.popHs256ConfusionRejected;
    expect(c.evaluate(probes(['SPKI PEM', exchange(401, {})], ['PKCS#1 PEM', exchange(401, {})]))).toEqual({ status: 'passed' });
    expect(c.evaluate(probes(['SPKI PEM', exchange(401, {})], ['PKCS#1 PEM', exchange(200, token)]))).toMatchObject({ status: 'failed', reason: expect.stringContaining('(algorithm confusion) (PKCS#1 PEM): expected') });
    expect(c.evaluate(probes(['SPKI PEM', exchange(200, token)], ['PKCS#1 PEM', exchange(401, {})]))).toMatchObject({ status: 'failed', field: expect.stringMatching(/\(SPKI PEM\)$/) });
    expect(c.evaluate(probes(['a', exchange(401, {})], ['b', exchange(403, {})], ['c', exchange(401, refusalWithToken)]))).toMatchObject({ status: 'failed', field: expect.stringMatching(/\(c\)$/) });
  });

  it('regression: no variant sent is not applicable, never a silent pass', () => {
    expect(P.popRequiredPartMissingRejected.evaluate([])).toMatchObject({ status: 'not_applicable', reason: expect.stringContaining('no request with a PoP token whose ehts lacks a required part was sent') });
  });
});

describe('resource rejection checks', () => {
  it.each(named(P.RESOURCE_REJECTIONS))('%s: a 4xx passes; the same body with HTTP 200 or 500 fails', (_id, c) => {
    expect(c.evaluate(exchange(401, { error: 'invalid_token' })).status).toBe('passed');
    expect(c.evaluate(exchange(499, { error: 'invalid_token' })).status).toBe('passed');
    expect(c.evaluate(exchange(200, { error: 'invalid_token' }))).toMatchObject({ status: 'failed', expected: 'a 4xx error', observed: 'HTTP 200 with {"error":"invalid_token"}' });
    expect(c.evaluate(exchange(500, { error: 'invalid_token' })).status).toBe('failed');
    expect(c.evaluate(transportFailure()).status).toBe('failed');
  });

  it('names the defect and the requirement', () => {
    expect(P.resourcePopReplayRejected.evaluate(exchange(200, { ok: true }))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^resource call with a PoP token \(same jti\) that was already accepted once: expected a 4xx error \(.*one hop.*\), observed HTTP 200 with \{"ok":true\}$/),
    });
  });

  it('with variants, a later served variant is found; none sent is not applicable', () => {
    const c = P.resourcePopAlgNoneRejected;
    expect(c.evaluate(probes(['a', exchange(401, {})], ['b', exchange(204)]))).toMatchObject({ status: 'failed', field: expect.stringMatching(/\(b\)$/) });
    expect(c.evaluate([]).status).toBe('not_applicable');
  });
});

describe('pop.taap.boundary-shift-rejected', () => {
  const c = P.popBoundaryShiftRejected;
  const shiftRefused = exchange(401, refusal);
  const controlServed = exchange(200, token);

  it('passes when the shifted request is refused and the control served', () => {
    expect(c.evaluate(shiftRefused, controlServed)).toEqual({ status: 'passed' });
  });

  it('fails when the shifted request is served (status only), or refused but with a token (token only), or a 5xx', () => {
    expect(c.evaluate(exchange(200, refusal), controlServed)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/moved into the query string .*: expected a 4xx error without access_token .* observed HTTP 200/) });
    expect(c.evaluate(exchange(401, refusalWithToken), controlServed).status).toBe('failed');
    expect(c.evaluate(exchange(500, refusal), controlServed).status).toBe('failed');
  });

  it('is inconclusive (skipped) when the control is not served with a token: other status, or no token', () => {
    expect(c.evaluate(shiftRefused, exchange(400, token))).toMatchObject({ status: 'skipped', reason: expect.stringContaining('observed HTTP 400') });
    expect(c.evaluate(shiftRefused, exchange(201, token)).status).toBe('skipped');
    const { access_token: _, ...noToken } = token;
    expect(c.evaluate(shiftRefused, exchange(200, noToken)).status).toBe('skipped');
  });
});

describe('pop.taap.required-part-missing-rejected (one probe per part)', () => {
  const c = P.popRequiredPartMissingRejected;
  const refused = exchange(401, refusal);

  it('passes when every part\'s probe is refused with a 4xx and no token', () => {
    expect(c.evaluate(probes(['ehts without "uri"', refused], ['ehts without "body"', exchange(400, refusal)]))).toEqual({ status: 'passed' });
  });

  it('fails naming every part whose omission was served, not only the first (regression: only the first part was probed)', () => {
    const r = c.evaluate(probes(['ehts without "Content-Type"', refused], ['ehts without "uri"', exchange(200, token)], ['ehts without "body"', exchange(200, token)]));
    expect(r).toMatchObject({ status: 'failed', field: 'token request with a PoP token whose ehts lacks a required part (ehts without "uri", ehts without "body")' });
    expect(r.status === 'failed' && r.reason).toMatch(/expected a 4xx error without access_token for each of the 3 parts .*, observed 2 not refused; first: HTTP 200/);
  });

  it('a 4xx that still carries a token, or a 5xx, is not a refusal', () => {
    expect(c.evaluate(probes(['ehts without "uri"', exchange(401, refusalWithToken)])).status).toBe('failed');
    expect(c.evaluate(probes(['ehts without "uri"', exchange(500, refusal)])).status).toBe('failed');
  });
});

describe('rejections with a control (body changed after signing, query left out of the PoP)', () => {
  const tokenSide = P.popBodyChangedRejected;
  const resourceSide = P.resourcePopQueryOmittedRejected;

  it('pass when the probe is refused and the control served', () => {
    expect(tokenSide.evaluate(exchange(401, refusal), exchange(200, token))).toEqual({ status: 'passed' });
    expect(resourceSide.evaluate(exchange(401, { error: 'invalid_token' }), exchange(200, { ok: true }))).toEqual({ status: 'passed' });
    expect(P.resourcePopBodyChangedRejected.evaluate(exchange(403, {}), exchange(204))).toEqual({ status: 'passed' });
  });

  it('fail when the probe is served (status only differs from the passing input)', () => {
    expect(tokenSide.evaluate(exchange(200, refusal), exchange(200, token))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^token request with an equivalent body the server accepts .*: expected a 4xx error without access_token .*observed HTTP 200/) });
    expect(resourceSide.evaluate(exchange(200, { error: 'invalid_token' }), exchange(200, { ok: true }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^resource call with a query string, but a PoP token whose uri is the path without it: expected a 4xx error .*one hop.*observed HTTP 200/) });
  });

  it('are inconclusive (skipped) when the control is refused too: the server objects to the request, not to the PoP', () => {
    expect(tokenSide.evaluate(exchange(401, refusal), exchange(400, token))).toMatchObject({ status: 'skipped', reason: expect.stringContaining('the control (the same request with a correct PoP token) was refused too') });
    expect(tokenSide.evaluate(exchange(401, refusal), exchange(200, { error: 'x' })).status).toBe('skipped');
    expect(resourceSide.evaluate(exchange(401, {}), exchange(401, {})).status).toBe('skipped');
  });
});

describe('probe builders for the one-hop and body probes', () => {
  it('equivalentBody keeps the meaning and changes the bytes', () => {
    const json = '{"grant-type":"client_credentials"}';
    const changed = P.equivalentBody(json, 'application/json');
    expect(changed).not.toBe(json);
    expect(JSON.parse(changed)).toEqual(JSON.parse(json));
    expect(P.equivalentBody('', 'application/json; charset=utf-8')).toBe('{}');
    const form = 'grant_type=client_credentials&scope=a';
    expect(P.equivalentBody(form, 'application/x-www-form-urlencoded')).toBe(`${form}&`);
    expect(Object.fromEntries(new URLSearchParams(P.equivalentBody(form, 'application/x-www-form-urlencoded')))).toEqual(Object.fromEntries(new URLSearchParams(form)));
    expect(P.equivalentBody('x', undefined)).toBe('x\n');
  });

  it('withQuery keeps an existing query and adds one where there is none', () => {
    expect(P.withQuery('/a/b?msisdn=1')).toEqual({ full: '/a/b?msisdn=1', path: '/a/b' });
    expect(P.withQuery('/a/b')).toEqual({ full: `/a/b?${P.QUERY_PROBE}`, path: '/a/b' });
    expect(P.withQuery('/a/b?')).toEqual({ full: `/a/b?${P.QUERY_PROBE}`, path: '/a/b' });
  });
});

describe('ids', () => {
  it('every PoP check has a distinct stable id under pop.taap., a title and a requirement', () => {
    const all = [P.validPopAccepted, P.resourceValidPopAccepted, ...P.TOKEN_REJECTIONS, P.popRequiredPartMissingRejected, P.popBoundaryShiftRejected, ...P.RESOURCE_REJECTIONS, ...P.CONTROLLED_REJECTIONS];
    expect(all).toHaveLength(27);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    for (const c of all) {
      expect(c.id).toMatch(/^pop\.taap\.(resource\.)?[a-z0-9-]+-(rejected|accepted)$/);
      expect(c.title).not.toBe('');
      expect(c.requirement).not.toBe('');
    }
  });
});

describe('probe builders', () => {
  const http = { method: 'POST', url: 'http://127.0.0.1:1234/oauth2/v6/tokens', headers: { 'Content-Type': 'application/json', Authorization: 'Basic MTIzOmFiYw==', 'X-Authorization': 'pop' }, body: '{"a":1}' };

  it('taapRequestOf drops the PoP header and keeps path plus query; httpRequestOf reverses it', () => {
    const view = P.taapRequestOf({ ...http, url: `${http.url}?x=1` }, 'x-authorization');
    expect(view).toEqual({ method: 'POST', uri: '/oauth2/v6/tokens?x=1', headers: { 'Content-Type': 'application/json', Authorization: 'Basic MTIzOmFiYw==' }, body: '{"a":1}' });
    expect(P.httpRequestOf(http, view)).toEqual({ method: 'POST', url: 'http://127.0.0.1:1234/oauth2/v6/tokens?x=1', headers: view.headers, body: '{"a":1}' });
  });

  it('taapPartsFor keeps the required parts the request has, or undefined for the TAAP default', () => {
    const view = P.taapRequestOf(http, 'X-Authorization');
    expect(P.taapPartsFor(['Content-Type', 'Authorization', 'uri', 'http-method', 'body', 'X-Absent'], view)).toEqual(['Content-Type', 'Authorization', 'uri', 'http-method', 'body']);
    expect(P.taapPartsFor([], view)).toBeUndefined();
  });

  it('swapLetterCase changes every letter and nothing else', () => {
    expect(P.swapLetterCase('-UvVyPVZ_9')).toBe('-uVvYpvz_9');
    fc.assert(fc.property(fc.string(), (s) => P.swapLetterCase(P.swapLetterCase(s)) === s && P.swapLetterCase(s).toLowerCase() === s.toLowerCase()));
  });
});

describe('boundary-shift probe against the TAAP verifier', () => {
  const NOW = 1_700_000_000;
  const PARTS = ['Content-Type', 'Authorization', 'uri', 'http-method', 'body'];
  const req: PopRequest = { method: 'POST', uri: '/oauth2/v2/tokens', headers: { 'Content-Type': 'application/json', Authorization: 'Basic MTIzOmFiYw==' }, body: '' };
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  beforeAll(async () => {
    ({ privateKey, publicKey } = await shippedRs256Keys('taap-client'));
  });

  const probe = () => P.boundaryShiftProbe(req, PARTS);
  const verify = async (presented: PopRequest, defences: boolean) => {
    const p = probe();
    const pop = await buildTaapPop({ privateKey, request: p.signed, parts: p.parts, now: NOW, lifetimeSeconds: 60 });
    return verifyTaapPop(pop, {
      publicKey, request: presented, requiredParts: PARTS, maxLifetimeSeconds: 60, now: NOW,
      strictPartSyntax: defences, ...(defences ? { pinnedValues: { 'http-method': 'POST', uri: '/oauth2/v2/tokens' } } : {}),
    });
  };

  it('puts the probe header right after uri and moves all but its last character into the query', () => {
    const p = probe();
    expect(p.parts).toEqual(['Content-Type', 'Authorization', 'uri', P.SHIFT_PROBE_HEADER, 'http-method', 'body']);
    expect(p.signed.headers[P.SHIFT_PROBE_HEADER]).toBe('?oauthgate-probe=1');
    expect(p.shifted.uri).toBe('/oauth2/v2/tokens?oauthgate-probe=');
    expect(p.shifted.headers[P.SHIFT_PROBE_HEADER]).toBe('1');
    expect(computeEdts(p.parts, p.shifted)).toBe(computeEdts(p.parts, p.signed));
  });

  it('adds uri to the signed parts when the spec does not require it', () => {
    expect(P.boundaryShiftProbe(req, ['Authorization', 'body']).parts).toEqual(['Authorization', 'body', 'uri', P.SHIFT_PROBE_HEADER]);
  });

  it('a pure-edts verifier serves the shifted request (the weakness the check probes)', async () => {
    expect((await verify(probe().shifted, false)).ok).toBe(true);
  });

  it('a verifier that pins its own path refuses it as bad_part, and still serves the unshifted control', async () => {
    expect(await verify(probe().shifted, true)).toMatchObject({ ok: false, code: 'bad_part', message: expect.stringContaining('"/oauth2/v2/tokens"') });
    expect((await verify(probe().signed, true)).ok).toBe(true);
  });

  it('regression: part syntax alone (no pinned path) does not catch this shift, so the mock must pin', async () => {
    const p = probe();
    const pop = await buildTaapPop({ privateKey, request: p.signed, parts: p.parts, now: NOW, lifetimeSeconds: 60 });
    const r = await verifyTaapPop(pop, { publicKey, request: p.shifted, requiredParts: PARTS, maxLifetimeSeconds: 60, now: NOW, strictPartSyntax: true });
    expect(r.ok).toBe(true);
  });
});

describe('PoP judgements on odd answers', () => {
  it('a 4xx whose body is not JSON is a refusal without a token (a hostile or plain-text server)', () => {
    expect(P.refusedWithoutToken(exchange(400, 'Bad Request'))).toBe(true);
    expect(P.popMissingRejected.evaluate(exchange(400, 'Bad Request'))).toEqual({ status: 'passed' });
    expect(P.refusedWithoutToken(exchange(200, 'Bad Request'))).toBe(false);
  });

  it('isServed is a 2xx only: 199 and 300 are not', () => {
    expect([200, 299].map((status) => P.isServed(exchange(status)))).toEqual([true, true]);
    expect([199, 300].map((status) => P.isServed(exchange(status)))).toEqual([false, false]);
    expect(P.isServed(transportFailure())).toBe(false);
  });

  it('a token-endpoint rejection with no variant sent is not applicable, never a silent pass', () => {
    expect(P.popAlgNoneRejected.evaluate([])).toMatchObject({ status: 'not_applicable', reason: expect.stringContaining('no request with an alg "none" PoP token was sent') });
    expect(P.popAlgNoneRejected.evaluate(probes(['a', exchange(401, refusal)]))).toEqual({ status: 'passed' });
  });

  it('a controlled rejection whose probe was served fails even when the control was refused too', () => {
    expect(P.popBodyChangedRejected.evaluate(exchange(200, token), exchange(400, refusal))).toMatchObject({ status: 'failed', observed: expect.stringMatching(/^HTTP 200/) });
    expect(P.popBodyChangedRejected.evaluate(exchange(401, refusal), exchange(400, refusal)).status).toBe('skipped');
  });

  it('each rejection check names its own defect in the request a failure reports', () => {
    const checks = [...P.TOKEN_REJECTIONS, ...P.RESOURCE_REJECTIONS];
    const fields = checks.map((c) => {
      const o = c.evaluate(exchange(200, token));
      return o.status === 'failed' ? o.field : undefined;
    });
    for (const [i, field] of fields.entries()) {
      expect(field, checks[i]!.id).toMatch(/^(token request|resource call) with \S/);
    }
    // the token and resource checks for the same defect share its wording; within one side, every defect differs
    expect(new Set(fields.slice(0, P.TOKEN_REJECTIONS.length)).size).toBe(P.TOKEN_REJECTIONS.length);
    expect(new Set(fields.slice(P.TOKEN_REJECTIONS.length)).size).toBe(P.RESOURCE_REJECTIONS.length);
  });
});

describe('probe builders: edges', () => {
  it('taapRequestOf gives an empty body for a request without one', () => {
    expect(P.taapRequestOf({ method: 'GET', url: 'http://127.0.0.1/r' }, 'X-Authorization')).toEqual({ method: 'GET', uri: '/r', headers: {}, body: '' });
  });

  it('boundaryShiftProbe defaults to every header, then uri, the probe header, http-method and body', () => {
    const req: PopRequest = { method: 'POST', uri: '/t', headers: { A: 'x' }, body: 'b' };
    expect(P.boundaryShiftProbe(req, undefined).parts).toEqual(['A', 'uri', P.SHIFT_PROBE_HEADER, 'http-method', 'body']);
  });

  it('boundaryShiftProbe signs the probe header once even when the parts already name it (any case)', () => {
    const req: PopRequest = { method: 'POST', uri: '/t', headers: { A: 'x' }, body: 'b' };
    expect(P.boundaryShiftProbe(req, ['A', 'x-oauthgate-probe', 'uri']).parts).toEqual(['A', 'uri', P.SHIFT_PROBE_HEADER]);
  });

  it('equivalentBody reads the media type before its parameters, and any +json type as JSON', () => {
    const json = '{"a":1}';
    const pretty = '{\n "a": 1\n}';
    expect(P.equivalentBody(json, 'application/json')).toBe(pretty);
    expect(P.equivalentBody(json, 'Application/JSON ; charset=utf-8')).toBe(pretty);
    expect(P.equivalentBody(json, 'application/problem+json')).toBe(pretty);
    expect(P.equivalentBody(json, 'text/plain')).toBe(`${json}\n`);
  });

  it('equivalentBody: whitespace only is an empty JSON body; JSON already in that layout, or not JSON, gets a newline', () => {
    expect(P.equivalentBody('  ', 'application/json')).toBe('{}');
    expect(P.equivalentBody('[]', 'application/json')).toBe('[]\n');
    expect(P.equivalentBody('{a', 'application/json')).toBe('{a\n');
  });

  it('withQuery adds a query with a name and a value', () => {
    const { full } = P.withQuery('/a');
    expect(new URL(full, 'http://127.0.0.1').searchParams.size).toBe(1);
    expect([...new URL(full, 'http://127.0.0.1').searchParams][0]!.every((s) => s.length > 0)).toBe(true);
  });
});
