/**
 * Self-tests of the token-response checks: each with a conforming and a violating input, asserting the
 * status and that the message states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as C from '../../src/checks/token-response.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const tmo = loadSpec('tmobile-naas-v2').spec;
const md = loadSpec('mobile-digital').spec;
const good = { access_token: 'xyz123456789', expires_in: 172800, refresh_token: 'abc987654321', token_type: 'bearer' };

describe('success-response checks', () => {
  it('tokenRequestSucceeds', () => {
    expect(C.checkTokenRequestSucceeds(exchange(200, good)).status).toBe('passed');
    const r = C.checkTokenRequestSucceeds(exchange(500, 'oops'));
    expect(r).toMatchObject({ status: 'failed' });
    expect(r.status === 'failed' && r.reason).toMatch(/expected HTTP 200 with a JSON object body .* observed HTTP 500 with non-JSON body "oops"/);
    expect(C.checkTokenRequestSucceeds(transportFailure()).status === 'failed' && C.checkTokenRequestSucceeds(transportFailure())).toMatchObject({ reason: expect.stringMatching(/observed no response \(timeout/) });
  });

  it('contentTypeIsJson', () => {
    expect(C.checkContentTypeIsJson(exchange(200, good, { 'content-type': 'application/json;charset=UTF-8' })).status).toBe('passed');
    expect(C.checkContentTypeIsJson(exchange(200, good, { 'content-type': 'text/html' }))).toMatchObject({ status: 'failed', reason: '"Content-Type" header: expected application/json (RFC 6749 §5.1), observed "text/html"' });
  });

  it('cacheControlNoStore', () => {
    expect(C.checkCacheControlNoStore(exchange(200, good, { 'cache-control': 'private, no-store' })).status).toBe('passed');
    expect(C.checkCacheControlNoStore(exchange(200, good, { 'cache-control': 'no-cache' }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected a no-store directive .* observed "no-cache"/) });
  });

  it('pragmaNoCache', () => {
    expect(C.checkPragmaNoCache(exchange(200, good, { pragma: 'no-cache' })).status).toBe('passed');
    expect(C.checkPragmaNoCache(exchange(200, good))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/observed \(absent\)/) });
  });

  it('accessTokenPresent', () => {
    expect(C.checkAccessTokenPresent(exchange(200, good)).status).toBe('passed');
    expect(C.checkAccessTokenPresent(exchange(200, { ...good, access_token: 42 }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected a non-empty string .* observed the number 42/) });
    expect(C.checkAccessTokenPresent(exchange(200, { ...good, access_token: '' })).status).toBe('failed');
  });

  it('fieldsMatchSpec: AT&T numbers, T-Mobile numeric strings and JWTs', () => {
    expect(C.checkFieldsMatchSpec(exchange(200, good), att).status).toBe('passed');
    expect(C.checkFieldsMatchSpec(exchange(200, { ...good, expires_in: '172800' }), att)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"expires_in": expected a number, observed the string "172800"/) });
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
    expect(C.checkFieldsMatchSpec(exchange(200, { id_token: jwt, access_token: jwt, expires_in: '3599', scope: '', status: 'approved' }), tmo).status).toBe('passed');
    expect(C.checkFieldsMatchSpec(exchange(200, { id_token: jwt, access_token: 'opaque', expires_in: 3599, status: 'approved' }), tmo)).toMatchObject({
      status: 'failed', reason: expect.stringMatching(/"access_token": expected a compact JWS, observed the string "opaque"; "expires_in": expected a numeric-string, observed the number 3599/),
    });
    expect(C.checkFieldsMatchSpec(exchange(200, { access_token: 'x' }), att)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"token_type": expected string, observed \(absent\)/) });
  });

  it('fieldValuesMatchSpec: documented values, token_type in any case', () => {
    expect(C.checkFieldValuesMatchSpec(exchange(200, { ...good, token_type: 'Bearer' }), att).status).toBe('passed');
    expect(C.checkFieldValuesMatchSpec(exchange(200, { ...good, token_type: 'mac' }), att)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"token_type": expected "bearer" \(any case\), observed "mac"/) });
    expect(C.checkFieldValuesMatchSpec(exchange(200, { status: 'pending', expires_in: '3599' }), tmo)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"status": expected "approved", observed "pending"/) });
  });

  it('tokenTypePresent and tokenTypeIsBearer', () => {
    expect(C.checkTokenTypePresent(exchange(200, good)).status).toBe('passed');
    expect(C.checkTokenTypePresent(exchange(200, { access_token: 'x' }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected a string \(REQUIRED\).*observed \(absent\)/) });
    expect(C.checkTokenTypeIsBearer(exchange(200, { token_type: 'BEARER' })).status).toBe('passed');
    expect(C.checkTokenTypeIsBearer(exchange(200, { token_type: 'DPoP' }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected "Bearer" \(any case\).*observed "DPoP"/) });
  });

  it('expiresInIsNumber: absent is fine, a string is not', () => {
    expect(C.checkExpiresInIsNumber(exchange(200, good)).status).toBe('passed');
    expect(C.checkExpiresInIsNumber(exchange(200, { access_token: 'x' })).status).toBe('passed');
    expect(C.checkExpiresInIsNumber(exchange(200, { expires_in: '3599' }))).toMatchObject({ status: 'failed', reason: '"expires_in" in token response: expected a non-negative integer number (RFC 6749 §5.1), observed the string "3599"' });
    expect(C.checkExpiresInIsNumber(exchange(200, { expires_in: -1 })).status).toBe('failed');
  });
});

describe('error-response checks', () => {
  it('errorBodyIsRfc6749Json', () => {
    expect(C.checkErrorBodyIsRfc6749Json(exchange(400, { error: 'invalid_request', error_description: 'x' })).status).toBe('passed');
    expect(C.checkErrorBodyIsRfc6749Json(exchange(400, 'error: bad', { 'content-type': 'text/plain' }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected an application\/json object .*observed "text\/plain"/) });
    expect(C.checkErrorBodyIsRfc6749Json(exchange(400, { error: 7 }))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"error" in error response: expected an ASCII error code string.*observed the number 7/) });
    expect(C.checkErrorBodyIsRfc6749Json(exchange(400, { error: 'x', error_description: {} })).status).toBe('failed');
  });

  it('errorCase: status and code from the spec', () => {
    expect(C.checkErrorCase(exchange(401, { error: 'invalid_client' }), md, 'unknown_client').status).toBe('passed');
    expect(C.checkErrorCase(exchange(400, { error: 'invalid_request' }), md, 'unknown_client')).toMatchObject({
      status: 'failed', reason: 'unknown client (RFC 6749 §5.2): status: expected 401, observed 400; "error": expected "invalid_client", observed "invalid_request"',
    });
    expect(C.checkErrorCase(exchange(200, { access_token: 'x' }), md, 'wrong_secret')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/an access_token was issued/) });
    // a case the spec leaves undocumented: any 4xx passes, a success does not
    expect(C.checkErrorCase(exchange(422, { error: 'x' }), tmo, 'invalid_scope').status).toBe('passed');
    expect(C.checkErrorCase(exchange(200, {}), tmo, 'invalid_scope').status).toBe('failed');
  });

  it('rejected', () => {
    expect(C.checkRejected(exchange(401, { error: 'invalid_client' }), 'x').status).toBe('passed');
    expect(C.checkRejected(exchange(200, good), 'request with Basic')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^request with Basic: expected a 4xx error without access_token .*observed HTTP 200/) });
  });

  it('basicChallengeOn401', () => {
    expect(C.checkBasicChallengeOn401(exchange(401, {}, { 'www-authenticate': 'Basic realm="x"' })).status).toBe('passed');
    expect(C.checkBasicChallengeOn401(exchange(400, {})).status).toBe('passed');
    expect(C.checkBasicChallengeOn401(exchange(401, {}))).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expected a Basic challenge .*observed \(absent\)/) });
  });
});

describe('every check never throws on arbitrary responses (property)', () => {
  const checks = [
    C.checkTokenRequestSucceeds, C.checkContentTypeIsJson, C.checkCacheControlNoStore, C.checkPragmaNoCache, C.checkAccessTokenPresent,
    C.checkTokenTypePresent, C.checkTokenTypeIsBearer, C.checkExpiresInIsNumber, C.checkErrorBodyIsRfc6749Json, C.checkBasicChallengeOn401,
    (e: Parameters<typeof C.checkFieldsMatchSpec>[0]) => C.checkFieldsMatchSpec(e, tmo),
    (e: Parameters<typeof C.checkFieldsMatchSpec>[0]) => C.checkFieldValuesMatchSpec(e, att),
    (e: Parameters<typeof C.checkFieldsMatchSpec>[0]) => C.checkErrorCase(e, md, 'invalid_scope'),
  ];
  it('returns an outcome for any JSON body, status and headers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), fc.dictionary(fc.constantFrom('content-type', 'cache-control', 'pragma', 'www-authenticate'), fc.string()), (status, body, headers) => {
        for (const check of checks) expect(['passed', 'failed']).toContain(check(exchange(status, body, headers)).status);
      }),
      { numRuns: 300 },
    );
  });
});
