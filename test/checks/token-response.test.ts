/**
 * Self-tests of the token-response checks. Each violating input differs from its conforming one in ONE property
 * (a status, a header, one body member), so a check that stopped looking at that property would be caught; the
 * failures assert that the message states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as C from '../../src/checks/token-response.ts';
import * as R from '../../src/checks/rejection.ts';
import { loadSpec } from '../../src/spec/load.ts';
import type { HttpExchange } from '../../src/http/types.ts';
import type { Outcome } from '../../src/checks/check.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const tmo = loadSpec('tmobile-naas-v2').spec;
const md = loadSpec('mobile-digital').spec;
const tangoe = loadSpec('tangoe').spec;
const good = { access_token: 'xyz123456789', expires_in: 172800, refresh_token: 'abc987654321', token_type: 'bearer' };
const passes = (o: Outcome) => expect(o.status, o.status === 'passed' ? '' : o.reason).toBe('passed');

describe('tokenRequestSucceeds (and the checks built by tokenIssued)', () => {
  const c = C.tokenRequestSucceeds;
  it('passes HTTP 200 with a JSON object', () => passes(c.evaluate(exchange(200, good))));
  it('fails the same body with HTTP 500', () => expectFailure(c.evaluate(exchange(500, good)), /HTTP 200 with a JSON object body/, /HTTP 500 with \{"access_token/));
  it('fails the same body with HTTP 201', () => expectFailure(c.evaluate(exchange(201, good)), /HTTP 200/, /HTTP 201/));
  it('fails HTTP 200 with a JSON array', () => expectFailure(c.evaluate(exchange(200, [good])), /JSON object/, /HTTP 200 with \[/));
  it('fails HTTP 200 with a non-JSON body', () => expectFailure(c.evaluate(exchange(200, 'oops')), /JSON object/, /non-JSON body "oops"/));
  it('fails when no response came', () => expectFailure(c.evaluate(transportFailure()), /HTTP 200/, /no response \(timeout/));
  it('keeps each factory-built check\'s own id with the same rule', () => {
    expect([C.tokenRequestSucceeds.id, C.rfcFormRequestAccepted.id, C.noExtraHeadersRequired.id, C.clientAuthAccepted('client_secret_post').id]).toEqual([
      'token.success-status-200', 'token.rfc6749.form-request-accepted', 'token.rfc6749.no-extra-headers-required', 'token.client-auth.client-secret-post-accepted',
    ]);
    for (const check of [C.rfcFormRequestAccepted, C.noExtraHeadersRequired, C.clientAuthAccepted('client_secret_basic')]) {
      passes(check.evaluate(exchange(200, good)));
      expect(check.evaluate(exchange(400, good)).status).toBe('failed');
    }
  });
});

describe('contentTypeIsJson', () => {
  const ct = (v: string) => C.contentTypeIsJson.evaluate(exchange(200, good, { 'content-type': v }));
  it('passes application/json with a charset', () => passes(ct('application/json;charset=UTF-8')));
  it('passes application/json in another case', () => passes(ct('Application/JSON')));
  it('fails text/html', () => expect(ct('text/html')).toMatchObject({ status: 'failed', reason: '"Content-Type" header: expected application/json (RFC 6749 §5.1), observed "text/html"' }));
  it('fails application/jsonp (another media type with the same prefix)', () => expectFailure(ct('application/jsonp'), /application\/json/, /"application\/jsonp"/));
  it('fails a missing Content-Type', () => {
    const ex = exchange(200, good);
    delete ex.headers['content-type'];
    expectFailure(C.contentTypeIsJson.evaluate(ex), /application\/json/, /\(absent\)/);
  });
});

describe('cacheControlNoStore', () => {
  const cc = (v: string) => C.cacheControlNoStore.evaluate(exchange(200, good, { 'cache-control': v }));
  it('passes no-store among other directives', () => passes(cc('private, no-store')));
  it('passes NO-STORE', () => passes(cc('NO-STORE')));
  it('fails no-cache in place of no-store', () => expectFailure(cc('private, no-cache'), /a no-store directive/, /"private, no-cache"/));
  it('fails a directive that merely contains no-store', () => expect(cc('no-store-please').status).toBe('failed'));
  it('fails an absent header', () => expectFailure(C.cacheControlNoStore.evaluate(exchange(200, good)), /no-store/, /\(absent\)/));
});

describe('pragmaNoCache', () => {
  const pr = (v: string) => C.pragmaNoCache.evaluate(exchange(200, good, { pragma: v }));
  it('passes no-cache', () => passes(pr('no-cache')));
  it('fails another value', () => expectFailure(pr('cache'), /"no-cache"/, /"cache"/));
  it('fails an absent header', () => expectFailure(C.pragmaNoCache.evaluate(exchange(200, good)), /"no-cache"/, /\(absent\)/));
});

describe('accessTokenPresent', () => {
  const at = (v: unknown) => C.accessTokenPresent.evaluate(exchange(200, { ...good, access_token: v }));
  it('passes a non-empty string', () => passes(at('xyz')));
  it('fails a number', () => expectFailure(at(42), /a non-empty string/, /the number 42/));
  it('fails an empty string', () => expectFailure(at(''), /a non-empty string/, /the string ""/));
  it('fails when absent', () => expectFailure(at(undefined), /a non-empty string/, /\(absent\)/));
});

describe('fieldsMatchSpec', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
  const tmoGood = { id_token: jwt, access_token: jwt, expires_in: '3599', scope: '', status: 'approved' };
  it('passes AT&T numbers', () => passes(C.fieldsMatchSpec.evaluate(exchange(200, good), att)));
  it('fails AT&T expires_in as a string', () =>
    expect(C.fieldsMatchSpec.evaluate(exchange(200, { ...good, expires_in: '172800' }), att)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"expires_in": expected a number, observed the string "172800"/) }));
  it('fails AT&T without the required token_type', () => {
    const { token_type: _, ...rest } = good;
    expect(C.fieldsMatchSpec.evaluate(exchange(200, rest), att)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"token_type": expected string, observed \(absent\)/) });
  });
  it('passes T-Mobile numeric strings and JWTs', () => passes(C.fieldsMatchSpec.evaluate(exchange(200, tmoGood), tmo)));
  it('fails T-Mobile with an opaque access_token', () =>
    expect(C.fieldsMatchSpec.evaluate(exchange(200, { ...tmoGood, access_token: 'opaque' }), tmo)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"access_token": expected a compact JWS, observed the string "opaque"/) }));
  it('fails T-Mobile with expires_in as a number', () =>
    expect(C.fieldsMatchSpec.evaluate(exchange(200, { ...tmoGood, expires_in: 3599 }), tmo)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"expires_in": expected a numeric-string, observed the number 3599/) }));
  it('fails a body that is not a JSON object', () => expectFailure(C.fieldsMatchSpec.evaluate(exchange(200, 'x'), att), /a JSON object/, /non-JSON body/));
});

describe('fieldsMatchSpec: each declared type, one field at a time', () => {
  const withField = (type: string, required = true) =>
    ({ ...att, tokenResponse: { ...att.tokenResponse, fields: { f: { type, required } } } }) as unknown as typeof att;
  const judge = (type: string, v: unknown, required = true) => C.fieldsMatchSpec.evaluate(exchange(200, v === undefined ? {} : { f: v }), withField(type, required));
  it.each([
    ['string', 'x', 1],
    ['number', 5, '5'],
    ['numeric-string', '3599', 3599],
    ['numeric-string', '3599', '3599s'],
    ['numeric-string', '3599', 's3599'],
    ['jwt', 'a.b.c', 'x a.b.c'],
    ['jwt', 'a.b.c', 'a.b.c d'],
    ['jwt', 'a.b.', 'a.b'],
    ['jwt', 'a.b.c', ['a.b.c']],
    ['boolean', true, 'true'],
    ['boolean', false, 0],
  ] as const)('%s: %j passes, %j fails', (type, ok, bad) => {
    passes(judge(type, ok));
    expect(judge(type, bad)).toMatchObject({ status: 'failed', reason: expect.stringContaining('"f": expected a') });
  });
  it('an optional field may be absent; a required one may not', () => {
    passes(judge('string', undefined, false));
    expect(judge('string', undefined, true)).toMatchObject({ status: 'failed', reason: expect.stringContaining('"f": expected string, observed (absent)') });
  });
  it('a type the harness does not know fails every value rather than passing it', () => {
    expect(judge('uuid', 'x').status).toBe('failed');
  });
});

describe('fieldValuesMatchSpec', () => {
  it('passes token_type "Bearer" where the spec documents "bearer" in any case', () => passes(C.fieldValuesMatchSpec.evaluate(exchange(200, { ...good, token_type: 'Bearer' }), att)));
  it('fails token_type "mac"', () =>
    expect(C.fieldValuesMatchSpec.evaluate(exchange(200, { ...good, token_type: 'mac' }), att)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"token_type": expected "bearer" \(any case\), observed "mac"/) }));
  it('passes T-Mobile status "approved"', () => passes(C.fieldValuesMatchSpec.evaluate(exchange(200, { status: 'approved', expires_in: '3599' }), tmo)));
  it('fails T-Mobile status "pending"', () =>
    expect(C.fieldValuesMatchSpec.evaluate(exchange(200, { status: 'pending', expires_in: '3599' }), tmo)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"status": expected "approved", observed "pending"/) }));
});

describe('tokenTypePresent and tokenTypeIsBearer', () => {
  it('tokenTypePresent passes a string', () => passes(C.tokenTypePresent.evaluate(exchange(200, good))));
  it('tokenTypePresent fails when absent', () => expectFailure(C.tokenTypePresent.evaluate(exchange(200, { ...good, token_type: undefined })), /a string \(REQUIRED\)/, /\(absent\)/));
  it('tokenTypePresent fails an empty string', () => expect(C.tokenTypePresent.evaluate(exchange(200, { ...good, token_type: '' })).status).toBe('failed'));
  it('tokenTypeIsBearer passes BEARER', () => passes(C.tokenTypeIsBearer.evaluate(exchange(200, { ...good, token_type: 'BEARER' }))));
  it('tokenTypeIsBearer fails DPoP', () => expectFailure(C.tokenTypeIsBearer.evaluate(exchange(200, { ...good, token_type: 'DPoP' })), /"Bearer" \(any case\)/, /"DPoP"/));
});

describe('expiresInIsNumber', () => {
  const ei = (v: unknown) => C.expiresInIsNumber.evaluate(exchange(200, { ...good, expires_in: v }));
  it('passes an integer', () => passes(ei(3599)));
  it('passes 0', () => passes(ei(0)));
  it('passes when absent, saying so (RECOMMENDED, not required)', () => expect(ei(undefined)).toEqual({ status: 'passed', note: 'expires_in absent (RECOMMENDED, not required)' }));
  it('fails the same value as a string', () =>
    expect(ei('3599')).toMatchObject({ status: 'failed', reason: '"expires_in" in token response: expected a non-negative integer number (RFC 6749 §5.1), observed the string "3599"' }));
  it('fails a negative number', () => expectFailure(ei(-1), /non-negative integer/, /the number -1/));
  it('fails a fraction', () => expectFailure(ei(1.5), /integer/, /the number 1.5/));
  it('fails a body that is not a JSON object', () => expectFailure(C.expiresInIsNumber.evaluate(exchange(200, 'x')), /a JSON object/, /non-JSON/));
});

describe('refreshTokenAsDocumented', () => {
  it('is named after the grant and the documented behaviour', () => {
    expect(C.refreshTokenAsDocumented('password', true).id).toBe('grant.password.refresh-token-issued');
    expect(C.refreshTokenAsDocumented('client_credentials', false)).toMatchObject({ id: 'grant.client-credentials.refresh-token-absent', requirement: 'RFC 6749 §4.4.3 and provider spec' });
  });
  const issued = C.refreshTokenAsDocumented('password', true);
  const absent = C.refreshTokenAsDocumented('client_credentials', false);
  const { refresh_token: _, ...withoutRefresh } = good;
  it('issued: passes a response with a refresh_token', () => passes(issued.evaluate(exchange(200, good))));
  it('issued: fails the same response without one', () => expectFailure(issued.evaluate(exchange(200, withoutRefresh)), /a refresh token/, /\(absent\)/));
  it('issued: fails an empty refresh_token', () => expect(issued.evaluate(exchange(200, { ...good, refresh_token: '' })).status).toBe('failed'));
  it('absent: passes a response without a refresh_token', () => passes(absent.evaluate(exchange(200, withoutRefresh))));
  it('absent: fails the same response with one', () => expectFailure(absent.evaluate(exchange(200, good)), /no refresh token/, /a refresh token/));
});

describe('errorBodyIsRfc6749Json', () => {
  const body = { error: 'invalid_request', error_description: 'x' };
  const judge = (...ex: HttpExchange[]) => C.errorBodyIsRfc6749Json.evaluate(...ex);
  it('passes a JSON error object under application/json', () => passes(judge(exchange(400, body, { 'content-type': 'application/json' }))));
  it('fails the same JSON error object under text/plain (Content-Type is judged, not only the body)', () =>
    expectFailure(judge(exchange(400, body, { 'content-type': 'text/plain' })), /an application\/json object/, /^"text\/plain" with HTTP 400/));
  it('fails the same JSON error object under application/jsonp', () => expect(judge(exchange(400, body, { 'content-type': 'application/jsonp' })).status).toBe('failed'));
  it('fails a non-JSON body under application/json', () => expectFailure(judge(exchange(400, 'error: bad')), /an application\/json object/, /non-JSON body "error: bad"/));
  it('fails a numeric error code', () => expectFailure(judge(exchange(400, { ...body, error: 7 })), /an ASCII error code string/, /the number 7/));
  it('fails an error code with a character §5.2 excludes (")', () => expect(judge(exchange(400, { ...body, error: 'bad"code' })).status).toBe('failed'));
  it('fails an error code outside ASCII', () => expect(judge(exchange(400, { ...body, error: 'ungültig' })).status).toBe('failed'));
  it('fails an object error_description', () => expectFailure(judge(exchange(400, { ...body, error_description: {} })), /a string when present/, /object \{\}/));
  it('fails a numeric error_uri', () => expect(judge(exchange(400, { ...body, error_uri: 1 })).status).toBe('failed'));
  it('fails when any one of several error responses is wrong', () =>
    expect(judge(exchange(400, body), exchange(401, { error: 'invalid_client' }, { 'content-type': 'text/plain' })).status).toBe('failed'));
  it('judges 4xx and 5xx, and leaves out 2xx answers and missing responses (the error-case checks own those)', () => {
    passes(judge(exchange(200, 'not an error body', { 'content-type': 'text/plain' }), transportFailure(), exchange(400, body)));
    expect(judge(exchange(500, body, { 'content-type': 'text/plain' })).status).toBe('failed');
  });
  it('is not applicable when no error response was collected', () => expect(judge(exchange(200, good)).status).toBe('not_applicable'));
  it('is not applicable with no responses at all', () => expect(judge().status).toBe('not_applicable'));
});

describe('isJsonMediaType', () => {
  it('accepts application/json with parameters and in any case', () => {
    for (const v of ['application/json', 'application/json; charset=utf-8', ' APPLICATION/JSON ']) expect(C.isJsonMediaType(v), v).toBe(true);
  });
  it('rejects other media types and absence', () => {
    for (const v of [undefined, '', 'text/plain', 'application/jsonp', 'application/json-seq', 'text/application/json']) expect(C.isJsonMediaType(v), String(v)).toBe(false);
  });
});

describe('refusals go through the one rule (judgeRejection)', () => {
  it('observedResponse is rejection.ts\'s', () => expect(C.observedResponse).toBe(R.observedResponse));

  const basicRejected = C.clientAuthRejected('client_secret_basic');
  it('clientAuthRejected is named after the method', () => expect(basicRejected.id).toBe('token.client-auth.client-secret-basic-rejected'));
  it('clientAuthRejected passes the spec\'s unknown-client answer', () => passes(basicRejected.evaluate(exchange(401, { error: 'invalid_client' }), att)));
  it('clientAuthRejected fails HTTP 200 with a token', () => expectFailure(basicRejected.evaluate(exchange(200, good), att), /no access_token/, /HTTP 200/));
  it('clientAuthRejected fails a 500 with the documented code', () => expectFailure(basicRejected.evaluate(exchange(500, { error: 'invalid_client' }), att), /HTTP 401/, /HTTP 500/));
  it('clientAuthRejected fails the documented 401 when a token comes with it', () =>
    expectFailure(basicRejected.evaluate(exchange(401, { error: 'invalid_client', access_token: 'x' }), att), /no access_token/, /access_token/));
  it('clientAuthRejected passes a refusal in another form, quoting the rule\'s finding (a probe can carry a second defect)', () => {
    const o = basicRejected.evaluate(exchange(401, { error: 'invalid_request' }), tmo);
    expect(o).toMatchObject({ status: 'passed', note: expect.stringMatching(/^refused, though not as the spec documents an unknown client: .*expected HTTP 401 with "error" "invalid_client".*observed HTTP 401 with \{"error":"invalid_request"\}/) });
  });

  it('requiredHeadersEnforced passes the documented missing-parameter answer', () => passes(C.requiredHeadersEnforced.evaluate(exchange(400, { error: 'invalid_request' }), tangoe)));
  it('requiredHeadersEnforced fails HTTP 200 with a token', () => expectFailure(C.requiredHeadersEnforced.evaluate(exchange(200, good), tangoe), /HTTP 400/, /HTTP 200/));
  it('requiredHeadersEnforced fails another status with the documented code', () =>
    expectFailure(C.requiredHeadersEnforced.evaluate(exchange(500, { error: 'invalid_request' }), tangoe), /HTTP 400/, /HTTP 500/));

  const reuse = C.refusedAs({ id: 'x.reuse', title: 'reuse', requirement: 'RFC 6749 §4.1.2' }, 'invalid_grant', 'second redemption');
  it('refusedAs keeps its id and names the request and requirement in the message', () => {
    expect(reuse.id).toBe('x.reuse');
    const o = reuse.evaluate(exchange(200, good), att);
    expectFailure(o, /HTTP 400 with "error" "invalid_grant"/, /HTTP 200/);
    expect(o.status === 'failed' && o.reason).toMatch(/^second redemption: .*RFC 6749 §4\.1\.2/);
  });
  it('refusedAs, undocumented case: accepts unauthorized_client for an unsupported grant (RFC 6749 §5.2)', () => {
    const unsupported = C.refusedAs({ id: 'g', title: 'g', requirement: 'RFC 6749 §5.2' }, 'unsupported_grant_type', 'grant');
    passes(unsupported.evaluate(exchange(400, { error: 'unauthorized_client' }), tmo));
    expect(unsupported.evaluate(exchange(400, { error: 'invalid_scope' }), tmo).status).toBe('failed');
  });
});

describe('basicChallengeOn401 (RFC 6749 §5.2: a failed Basic authentication MUST get 401 with a matching challenge)', () => {
  const c = C.basicChallengeOn401;
  const on401 = (w: string) => c.evaluate(exchange(401, { error: 'invalid_client' }, { 'www-authenticate': w }));
  it('passes 401 with a Basic challenge', () => passes(on401('Basic realm="oauthgate"')));
  it('passes the scheme in any case', () => passes(on401('basic realm="x"')));
  it('passes Basic listed after another challenge', () => passes(on401('Bearer realm="api", Basic realm="token"')));
  it('accepts-any-scheme mutation: fails 401 with a Bearer challenge', () => expectFailure(on401('Bearer realm="oauthgate"'), /a Basic challenge/, /"Bearer realm=\\"oauthgate\\""/));
  it('fails a Bearer challenge whose realm is "Basic"', () => expect(on401('Bearer realm="Basic"').status).toBe('failed'));
  it('fails a Bearer challenge with an auth-param named basic', () => expect(on401('Bearer basic=1').status).toBe('failed'));
  it('fails 401 without a challenge', () => expectFailure(c.evaluate(exchange(401, { error: 'invalid_client' })), /a Basic challenge/, /\(absent\)/));
  it('fails 400 with the same challenge (the client used the Authorization header, so 401 is a MUST)', () =>
    expectFailure(c.evaluate(exchange(400, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="x"' })), /HTTP 401 with a Basic challenge/, /HTTP 400/));
  it('never passes "status 200: no challenge required" when the wrong secret got a token', () =>
    expectFailure(c.evaluate(exchange(200, good, { 'www-authenticate': 'Basic realm="x"' })), /HTTP 401/, /HTTP 200/));
  it('fails when no response came', () => expectFailure(c.evaluate(transportFailure()), /HTTP 401/, /no response/));
});

describe('isRfc6749ErrorCode', () => {
  it('knows §5.2\'s six codes and nothing else', () => {
    for (const e of ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']) expect(C.isRfc6749ErrorCode(e), e).toBe(true);
    for (const e of ['invalid_token', 'INVALID_REQUEST', '', 7, undefined]) expect(C.isRfc6749ErrorCode(e), String(e)).toBe(false);
  });
});

describe('every check never throws on arbitrary responses (property)', () => {
  const checks: Array<(e: HttpExchange) => Outcome> = [
    (e) => C.tokenRequestSucceeds.evaluate(e), (e) => C.contentTypeIsJson.evaluate(e), (e) => C.cacheControlNoStore.evaluate(e),
    (e) => C.pragmaNoCache.evaluate(e), (e) => C.accessTokenPresent.evaluate(e), (e) => C.tokenTypePresent.evaluate(e),
    (e) => C.tokenTypeIsBearer.evaluate(e), (e) => C.expiresInIsNumber.evaluate(e), (e) => C.basicChallengeOn401.evaluate(e),
    (e) => C.fieldsMatchSpec.evaluate(e, tmo), (e) => C.fieldValuesMatchSpec.evaluate(e, att), (e) => C.refreshTokenAsDocumented('password', true).evaluate(e),
    (e) => C.clientAuthRejected('client_secret_post').evaluate(e, md), (e) => C.requiredHeadersEnforced.evaluate(e, tangoe),
  ];
  it('returns an outcome for any JSON body, status and headers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.jsonValue(), fc.dictionary(fc.constantFrom('content-type', 'cache-control', 'pragma', 'www-authenticate'), fc.string()), (status, body, headers) => {
        const ex = exchange(status, body, headers);
        // An expect where a status is out of place, not one per check and case (4,800 of them).
        for (const check of checks) {
          const { status: s } = check(ex);
          if (s !== 'passed' && s !== 'failed') expect(['passed', 'failed']).toContain(s);
        }
        const e = C.errorBodyIsRfc6749Json.evaluate(ex).status;
        if (e !== 'passed' && e !== 'failed' && e !== 'not_applicable') expect(['passed', 'failed', 'not_applicable']).toContain(e);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fieldValuesMatchSpec: absent fields, types and letter case', () => {
  const { token_type: _tt, ...noTokenType } = good;
  it('leaves an absent documented field to the presence checks (passes), while a wrong value fails', () => {
    passes(C.fieldValuesMatchSpec.evaluate(exchange(200, noTokenType), att));
    expect(C.fieldValuesMatchSpec.evaluate(exchange(200, { ...good, token_type: 'mac' }), att).status).toBe('failed');
  });
  it('fails a number where a case-insensitive string is documented (and does not throw)', () =>
    expect(C.fieldValuesMatchSpec.evaluate(exchange(200, { ...good, token_type: 5 }), att)).toMatchObject({ status: 'failed', reason: expect.stringContaining('"token_type": expected "bearer" (any case), observed 5') }));
  it('compares a field not declared case-insensitive exactly: "Approved" is not "approved"', () => {
    passes(C.fieldValuesMatchSpec.evaluate(exchange(200, { status: 'approved', expires_in: '3599' }), tmo));
    expect(C.fieldValuesMatchSpec.evaluate(exchange(200, { status: 'Approved', expires_in: '3599' }), tmo)).toMatchObject({ status: 'failed', field: 'token response', reason: 'token response (provider spec): "status": expected "approved", observed "Approved"' });
  });
  it('lists every wrong value, separated by "; "', () => {
    const spec = { ...att, tokenResponse: { ...att.tokenResponse, fields: { ...att.tokenResponse.fields, scope: { ...att.tokenResponse.fields.token_type!, value: 'a', caseInsensitive: false } } } };
    expect(C.fieldValuesMatchSpec.evaluate(exchange(200, { ...good, token_type: 'mac', scope: 'b' }), spec)).toMatchObject({ reason: 'token response (provider spec): "token_type": expected "bearer" (any case), observed "mac"; "scope": expected "a", observed "b"' });
  });
});

describe('what each token-response failure names: field, observation, requirement', () => {
  it('tokenIssued: the token response, RFC 6749 §5.1', () =>
    expect(C.tokenRequestSucceeds.evaluate(exchange(400, good))).toMatchObject({ field: 'token response', reason: expect.stringContaining('(RFC 6749 §5.1)') }));
  it('cacheControlNoStore and pragmaNoCache: the header, RFC 6749 §5.1', () => {
    expect(C.cacheControlNoStore.evaluate(exchange(200, good))).toMatchObject({ field: '"Cache-Control" header', reason: expect.stringContaining('(RFC 6749 §5.1)') });
    expect(C.pragmaNoCache.evaluate(exchange(200, good))).toMatchObject({ field: '"Pragma" header', reason: expect.stringContaining('(RFC 6749 §5.1)') });
  });
  it('accessTokenPresent: the member, "(absent)" or its type, RFC 6749 §5.1', () => {
    const { access_token: _at, ...noAt } = good;
    expect(C.accessTokenPresent.evaluate(exchange(200, noAt))).toMatchObject({ field: '"access_token" in token response', observed: '(absent)', reason: expect.stringContaining('(RFC 6749 §5.1)') });
    expect(C.accessTokenPresent.evaluate(exchange(200, { ...good, access_token: 7 }))).toMatchObject({ observed: 'the number 7' });
  });
  it('tokenTypePresent: a number is not a string; "(absent)" or the type is observed', () => {
    expect(C.tokenTypePresent.evaluate(exchange(200, { ...good, token_type: 5 }))).toMatchObject({ status: 'failed', field: '"token_type" in token response', observed: 'the number 5', reason: expect.stringContaining('(RFC 6749 §5.1)') });
    expect(C.tokenTypePresent.evaluate(exchange(200, { ...good, token_type: undefined }))).toMatchObject({ observed: '(absent)' });
  });
  it('tokenTypeIsBearer: the member, RFC 6750 §4', () =>
    expect(C.tokenTypeIsBearer.evaluate(exchange(200, { ...good, token_type: 'mac' }))).toMatchObject({ field: '"token_type" in token response', reason: expect.stringContaining('(RFC 6750 §4)') }));
  it('expiresInIsNumber: a body that is not an object names the body', () =>
    expect(C.expiresInIsNumber.evaluate(exchange(200, [good]))).toMatchObject({ field: 'token response body', expected: 'a JSON object' }));
  it('fieldValuesMatchSpec: a body that is not an object names the body', () =>
    expect(C.fieldValuesMatchSpec.evaluate(exchange(200, [good]), att)).toMatchObject({ status: 'failed', field: 'token response body', expected: 'a JSON object' }));
  it('refreshTokenAsDocumented: title and requirement follow the grant; the observation names absent, empty or typed values', () => {
    expect(C.refreshTokenAsDocumented('password', true)).toMatchObject({ title: 'The password response includes a refresh_token, as the spec says', requirement: 'provider spec grants.*.issuesRefreshToken' });
    expect(C.refreshTokenAsDocumented('client_credentials', false).title).toBe('The client_credentials response omits a refresh_token, as the spec says');
    const issued = C.refreshTokenAsDocumented('password', true);
    const { refresh_token: _rt, ...noRt } = good;
    expect(issued.evaluate(exchange(200, noRt))).toMatchObject({ field: '"refresh_token" in token response', observed: '(absent)', reason: expect.stringContaining('(provider spec grants.*.issuesRefreshToken)') });
    expect(issued.evaluate(exchange(200, { ...good, refresh_token: 42 }))).toMatchObject({ observed: 'the number 42' });
  });
  it('errorBodyIsRfc6749Json: the body or member judged, RFC 6749 §5.2', () => {
    const judge = (ex: HttpExchange) => C.errorBodyIsRfc6749Json.evaluate(ex);
    expect(judge(exchange(400, 'oops', { 'content-type': 'text/plain' }))).toMatchObject({ field: 'error response body', reason: expect.stringContaining('(RFC 6749 §5.2)') });
    expect(judge(exchange(400, { error: 5 }))).toMatchObject({ field: '"error" in error response', reason: expect.stringContaining('(RFC 6749 §5.2)') });
    expect(judge(exchange(400, { error: 'invalid_request', error_uri: 5 }))).toMatchObject({ field: '"error_uri" in error response', reason: expect.stringContaining('(RFC 6749 §5.2)') });
  });
  it('errorBodyIsRfc6749Json: says how many responses it saw, or checked', () => {
    expect(C.errorBodyIsRfc6749Json.evaluate(exchange(200, good), exchange(302))).toEqual({ status: 'not_applicable', reason: 'no error response was collected (2 responses, none with a status >= 400)' });
    expect(C.errorBodyIsRfc6749Json.evaluate(exchange(400, { error: 'invalid_request' }), exchange(401, { error: 'invalid_client' }))).toEqual({ status: 'passed', note: '2 error responses checked' });
  });
  it('requiredHeadersEnforced names the request it judged', () =>
    expect(C.requiredHeadersEnforced.evaluate(exchange(200, good), tangoe)).toMatchObject({ field: expect.stringContaining('token request without the required headers') }));
  it('clientAuthAccepted and clientAuthRejected: titles and requirements name the method and the rule', () => {
    expect(C.clientAuthAccepted('client_secret_basic')).toMatchObject({ title: 'client_secret_basic client authentication is accepted, as the spec says', requirement: 'RFC 6749 §2.3.1 and provider spec clientAuth.methods' });
    expect(C.clientAuthRejected('client_secret_post')).toMatchObject({ title: 'client_secret_post client authentication is rejected, as the spec says', requirement: 'RFC 6749 §2.3.1, §5.2 and provider spec clientAuth.methods' });
    expect(C.clientAuthRejected('client_secret_post').evaluate(exchange(200, good), att)).toMatchObject({ field: expect.stringContaining('token request with client_secret_post (not listed by the spec)'), reason: expect.stringContaining('RFC 6749 §2.3.1, §5.2 and provider spec clientAuth.methods') });
  });
  it('clientAuthRejected: the documented refusal passes plainly, with no note', () =>
    expect(C.clientAuthRejected('client_secret_basic').evaluate(exchange(401, { error: 'invalid_client' }), att)).toEqual({ status: 'passed' }));
  it('basicChallengeOn401: the response or header judged, RFC 6749 §5.2', () => {
    expect(C.basicChallengeOn401.evaluate(exchange(400, {}))).toMatchObject({ field: 'response to a wrong client secret sent with HTTP Basic', reason: expect.stringContaining('(RFC 6749 §5.2)') });
    expect(C.basicChallengeOn401.evaluate(exchange(401, {}))).toMatchObject({ field: '"WWW-Authenticate" header on 401', reason: expect.stringContaining('(RFC 6749 §5.2)') });
  });
});

describe('fieldsMatchSpec: what a failure names', () => {
  it('a body that is not an object names the body and RFC 6749 §5.1', () =>
    expect(C.fieldsMatchSpec.evaluate(exchange(200, [good]), att)).toMatchObject({ status: 'failed', field: 'token response body', expected: 'a JSON object', reason: expect.stringContaining('(RFC 6749 §5.1)') }));
  it('several problems are listed in one reason, separated by "; "', () => {
    const { token_type: _tt, ...noTokenType } = good;
    expect(C.fieldsMatchSpec.evaluate(exchange(200, { ...noTokenType, expires_in: '172800' }), att)).toMatchObject({
      status: 'failed',
      field: 'token response',
      reason: expect.stringMatching(/^token response \(provider spec tokenResponse\.fields\): "[a-z_]+": expected [^;]+; "[a-z_]+": expected /),
    });
  });
});
