/**
 * Self-tests of the scope checks: each check object with a conforming input and violating inputs that differ
 * from it in one property (the status, one body member, one header, one spec field), asserting the status and
 * that a failure states what was expected and what was observed.
 */
import { describe, expect, it } from 'vitest';
import { expectFailure } from '../support/exchange.ts';
import fc from 'fast-check';
import type { HttpExchange } from '../../src/http/types.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { loadSpec } from '../../src/spec/load.ts';
import * as S from '../../src/checks/scope.ts';

const att = loadSpec('att').spec;
const md = loadSpec('mobile-digital').spec;
const rfc = loadSpec('rfc6749').spec;
const withScope = (spec: ProviderSpec, scope: Partial<ProviderSpec['scope']>): ProviderSpec => ({ ...spec, scope: { ...spec.scope, ...scope } });
const withoutCases = (spec: ProviderSpec, ...names: Array<keyof ProviderSpec['errors']['cases']>): ProviderSpec => {
  const cases = { ...spec.errors.cases };
  for (const n of names) delete cases[n];
  return { ...spec, errors: { ...spec.errors, cases } };
};

/** A synthetic exchange with a JSON body (or none; status undefined: no response). */
function ex(status: number | undefined, json?: unknown, headers: Record<string, string> = {}): HttpExchange {
  return {
    request: { method: 'POST', url: 'http://127.0.0.1:1/token' },
    ...(status === undefined ? { failure: { code: 'connection_refused' as const, message: 'refused' } } : { status }),
    headers,
    bodyText: json === undefined ? '' : JSON.stringify(json),
    ...(json === undefined ? {} : { json }),
    durationMs: 1,
  };
}
const tokenBody = (extra: Record<string, unknown> = {}) => ({ access_token: 'at-123456', token_type: 'Bearer', expires_in: 3600, ...extra });
const token = (extra: Record<string, unknown> = {}, status = 200) => ex(status, tokenBody(extra));
const errorBody = (code: string, extra: Record<string, unknown> = {}) => ({ error: code, error_description: 'no', ...extra });
const error = (status: number, code: string, extra: Record<string, unknown> = {}) => ex(status, errorBody(code, extra));

describe('scopeItems, otherDelimiter and scopeSource', () => {
  it('keeps empty items so they can be reported', () => {
    expect(S.scopeItems('read  write ', ' ')).toEqual(['read', '', 'write', '']);
    expect(S.scopeItems('SMS,,ADS', ',')).toEqual(['SMS', '', 'ADS']);
  });
  it('names the delimiter the spec does not use', () => {
    expect(S.otherDelimiter(' ')).toBe(',');
    expect(S.otherDelimiter(',')).toBe(' ');
  });
  it('cites the spec\'s first scope source line, else its standard, else RFC 6749 §3.3', () => {
    expect(S.scopeSource(att)).toBe('att-api line 296');
    expect(S.scopeSource(rfc)).toMatch(/^RFC 6749 §3.3 \(space-delimited/);
    expect(S.scopeSource(withScope(rfc, { standard: undefined }))).toBe('RFC 6749 §3.3');
  });
});

describe('delimitedScopeAccepted', () => {
  const check = (e: HttpExchange) => S.delimitedScopeAccepted.evaluate(e, 'SMS,ADS', att);
  it('passes a token', () => expect(check(token()).status).toBe('passed'));
  it('fails the same token body with HTTP 400, quoting the scope sent and the spec line', () => {
    const o = check(token({}, 400));
    expectFailure(o, /HTTP 200 with an access_token/, /HTTP 400/);
    expect(o.status === 'failed' && o.reason).toContain('"SMS,ADS"');
    expect(o.status === 'failed' && o.reason).toContain('att-api line 296');
  });
  it('fails HTTP 200 without access_token', () => expectFailure(check(ex(200, { token_type: 'Bearer', expires_in: 3600 })), /access_token/, /HTTP 200/));
  it('fails HTTP 200 with a non-string access_token', () => expectFailure(check(token({ access_token: 123456 })), /access_token/, /123456/));
  it('fails a transport failure', () => expectFailure(check(ex(undefined)), /HTTP 200/, /no response/));
});

describe('rfcSpaceDelimiterAccepted', () => {
  it('passes a token and fails the same body with HTTP 400, citing RFC 6749 §3.3', () => {
    expect(S.rfcSpaceDelimiterAccepted.evaluate(token(), 'SMS ADS').status).toBe('passed');
    const o = S.rfcSpaceDelimiterAccepted.evaluate(token({}, 400), 'SMS ADS');
    expectFailure(o, /HTTP 200/, /HTTP 400/);
    expect(o.status === 'failed' && o.reason).toContain('(RFC 6749 §3.3)');
  });
});

describe('grantedScopeWithinRequest', () => {
  const check = (e: HttpExchange) => S.grantedScopeWithinRequest.evaluate(e, ['read'], ' ');
  it('passes an echo within the request', () => expect(check(token({ scope: 'read' })).status).toBe('passed'));
  it('passes an absent echo, with a note that it means "as requested"', () =>
    expect(check(token())).toEqual({ status: 'passed', note: expect.stringMatching(/RFC 6749 §5.1/) }));
  it('passes an empty echo (nothing granted beyond the request)', () => expect(check(token({ scope: '' })).status).toBe('passed'));
  it('fails an escalated grant, naming the values not requested', () =>
    expectFailure(check(token({ scope: 'read write admin' })), /within "read"/, /not requested: "write", "admin"/));
  it('fails an echo with an empty item', () => expectFailure(check(token({ scope: 'read ' })), /without empty items/, /"read "/));
  it('fails an echo in the other delimiter (it is one value that was not requested)', () =>
    expectFailure(S.grantedScopeWithinRequest.evaluate(token({ scope: 'read,write' }), ['read', 'write'], ' '), /within/, /"read,write"/));
  it('fails a non-string scope', () => expectFailure(check(token({ scope: ['read'] })), /string/, /\["read"\]/));
  it('fails the same echo with HTTP 400 (no token was issued)', () => expectFailure(check(token({ scope: 'read' }, 400)), /HTTP 200/, /HTTP 400/));
});

describe('scopeEchoMatchesSpec', () => {
  const check = (e: HttpExchange, echo: ProviderSpec['scope']['echo'], narrowed = false) => S.scopeEchoMatchesSpec.evaluate(e, echo, narrowed);
  it('always: passes a present scope, even an empty one (T-Mobile), and fails an absent one', () => {
    expect(check(token({ scope: 'read write' }), 'always').status).toBe('passed');
    expect(check(token({ scope: '' }), 'always').status).toBe('passed');
    expectFailure(check(token(), 'always'), /present/, /\(absent\)/);
  });
  it('never: passes an absent scope and fails a present one', () => {
    expect(check(token(), 'never').status).toBe('passed');
    expectFailure(check(token({ scope: 'SMS' }), 'never'), /absent/, /"SMS"/);
  });
  it('when-narrowed: an absent scope passes unless the grant is known to be narrowed', () => {
    expect(check(token(), 'when-narrowed')).toEqual({ status: 'passed', note: expect.stringMatching(/RFC 6749 §5.1/) });
    expectFailure(check(token(), 'when-narrowed', true), /present, since the granted scope differs/, /\(absent\)/);
    expect(check(token({ scope: 'read' }), 'when-narrowed', true)).toEqual({ status: 'passed' });
    expect(check(token({ scope: 'read' }), 'when-narrowed')).toEqual({ status: 'passed' });
  });
  it('fails a non-string scope where a string passes', () => {
    expect(check(token({ scope: '7' }), 'always').status).toBe('passed');
    expectFailure(check(token({ scope: 7 }), 'always'), /a string/, /7/);
    expectFailure(check(token({ scope: 7 }), 'when-narrowed'), /a string/, /7/);
  });
  it('fails the same token body with HTTP 400, and HTTP 200 without access_token', () => {
    expectFailure(check(token({ scope: 'SMS' }, 400), 'always'), /HTTP 200/, /HTTP 400/);
    expectFailure(check(ex(200, { scope: 'SMS' }), 'always'), /access_token/, /HTTP 200/);
    expectFailure(check(ex(200, 'not an object'), 'never'), /access_token/, /HTTP 200/);
  });
});

describe('unknownScopeRejected (the one owner of "unknown scope refused"; the code is error.invalid-scope\'s)', () => {
  const check = (e: HttpExchange) => S.unknownScopeRejected.evaluate(e, 'read x');
  it('passes any 4xx without a token, whatever its code', () => {
    expect(check(error(400, 'invalid_scope')).status).toBe('passed');
    expect(check(error(400, 'invalid_request')).status).toBe('passed');
  });
  it('fails a token for the request (the server ignored the unknown value)', () =>
    expectFailure(check(token({ scope: 'read' })), /4xx error without access_token/, /^HTTP 200/));
  it('fails the same refusal with HTTP 500, and a 4xx that carries a token', () => {
    expectFailure(check(error(500, 'invalid_scope')), /4xx/, /HTTP 500/);
    expectFailure(check(error(400, 'invalid_scope', { access_token: 'at-1' })), /without access_token/, /access_token/);
  });
  it('says that RFC 6749 §3.3 alone would let the server ignore the value', () => {
    const o = check(token());
    expect(o.status === 'failed' && o.reason).toContain('provider spec scope.unknownScope: reject; RFC 6749 §3.3 alone would let the server ignore it');
    expect(o.status === 'failed' && o.field).toBe('token response to scope "read x"');
  });
  it('unknownScopeNotRefused: a token means error.invalid-scope has nothing to judge; a refusal is its to judge', () => {
    expect(S.unknownScopeNotRefused(token())).toMatch(/MAY fully or partially ignore the scope requested.*scope\.unknown-rejected/);
    expect(S.unknownScopeNotRefused(error(400, 'invalid_request'))).toBeUndefined();
    expect(S.unknownScopeNotRefused(error(500, 'server_error'))).toBeUndefined();
  });
});

describe('unknownScopeDropped', () => {
  const check = (e: HttpExchange) => S.unknownScopeDropped.evaluate(e, 'read x', ['x'], ' ');
  it('passes a token whose scope leaves the unknown value out, or has none', () => {
    expect(check(token({ scope: 'read' })).status).toBe('passed');
    expect(check(token()).status).toBe('passed');
  });
  it('fails a scope that names the unknown value', () => expectFailure(check(token({ scope: 'read x' })), /without "x"/, /"read x"/));
  it('fails the same body with HTTP 400 (the spec says dropped, not rejected)', () => expectFailure(check(token({ scope: 'read' }, 400)), /unknown values dropped/, /HTTP 400/));
});

describe('otherDelimiterHandled', () => {
  const values = ['read', 'write'];
  describe('single-unknown: never split, whether or not the unknown value is refused (that is scope.unknown-rejected\'s)', () => {
    it('passes a refusal with any 4xx code', () => {
      expect(S.otherDelimiterHandled.evaluate(error(400, 'invalid_scope'), md, values).status).toBe('passed');
      expect(S.otherDelimiterHandled.evaluate(error(400, 'invalid_request'), md, values).status).toBe('passed');
    });
    it('regression (false failure): passes a token whose scope does not name the values separately (an ignored unknown value)', () => {
      expect(S.otherDelimiterHandled.evaluate(token({ scope: '' }), md, values).status).toBe('passed');
      expect(S.otherDelimiterHandled.evaluate(token({ scope: 'read,write' }), md, values).status).toBe('passed');
    });
    it('fails a token whose scope grants them separately, quoting the value sent', () => {
      const o = S.otherDelimiterHandled.evaluate(token({ scope: 'read write' }), md, values);
      expectFailure(o, /one scope-token "read,write"/, /"read write" \(split into "read", "write"\)/);
    });
    it('without a scope member: passes where the spec echoes a narrowed scope (§5.1), not applicable where it never echoes', () => {
      expect(S.otherDelimiterHandled.evaluate(token(), withScope(md, { echo: 'when-narrowed' }), values).status).toBe('passed');
      expect(S.otherDelimiterHandled.evaluate(token(), att, ['SMS', 'ADS'])).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/never does/) });
    });
    it('fails HTTP 500 (neither a refusal nor a token)', () => expectFailure(S.otherDelimiterHandled.evaluate(error(500, 'invalid_scope'), md, values), /4xx/, /HTTP 500/));
    it('on a comma spec judges the values space-joined', () => {
      const o = S.otherDelimiterHandled.evaluate(token({ scope: 'SMS,ADS' }), att, ['SMS', 'ADS']);
      expect(o.status === 'failed' && o.reason).toContain('"SMS ADS"');
    });
  });
  describe('single-unknown where the spec drops unknown values', () => {
    const spec = withScope(md, { unknownScope: 'drop' });
    it('passes a token that does not grant the values separately', () => expect(S.otherDelimiterHandled.evaluate(token(), spec, values).status).toBe('passed'));
    it('fails a token whose scope grants them separately', () =>
      expectFailure(S.otherDelimiterHandled.evaluate(token({ scope: 'read write' }), spec, values), /one scope-token/, /"read write"/));
  });
  describe('reject: any 4xx without a token', () => {
    const spec = withScope(md, { otherDelimiter: 'reject' });
    it('passes any 4xx error', () => expect(S.otherDelimiterHandled.evaluate(error(400, 'invalid_request'), spec, values).status).toBe('passed'));
    it('fails the same error with HTTP 500', () => expectFailure(S.otherDelimiterHandled.evaluate(error(500, 'invalid_request'), spec, values), /4xx/, /HTTP 500/));
    it('fails the same error with HTTP 399', () => expectFailure(S.otherDelimiterHandled.evaluate(error(399, 'invalid_request'), spec, values), /4xx/, /HTTP 399/));
    it('fails a 4xx that carries a token', () =>
      expectFailure(S.otherDelimiterHandled.evaluate(error(400, 'invalid_request', { access_token: 'at-1' }), spec, values), /without access_token/, /access_token/));
  });
  describe('accept: a token', () => {
    const spec = withScope(md, { otherDelimiter: 'accept' });
    it('passes a token', () => expect(S.otherDelimiterHandled.evaluate(token(), spec, values).status).toBe('passed'));
    it('fails the same body with HTTP 400', () => {
      const o = S.otherDelimiterHandled.evaluate(token({}, 400), spec, values);
      expectFailure(o, /HTTP 200/, /HTTP 400/);
      expect(o.status === 'failed' && o.reason).toContain('scope.otherDelimiter: accept');
    });
  });
});

describe('missingScopeRejected (the one rejection rule, case missing_parameter or invalid_scope)', () => {
  const check = (e: HttpExchange, spec = att) => S.missingScopeRejected.evaluate(e, spec);
  it('passes the documented missing-parameter error and the documented invalid_scope error', () => {
    expect(check(error(400, 'invalid_request')).status).toBe('passed');
    expect(check(error(400, 'invalid_scope')).status).toBe('passed');
  });
  it('fails a code documented for neither case', () => expectFailure(check(error(400, 'invalid_client')), /"invalid_request" .* or .*"invalid_scope"/, /invalid_client/));
  it('fails an undocumented status with the documented code', () => expectFailure(check(error(401, 'invalid_request')), /HTTP 400/, /HTTP 401/));
  it('fails the documented error when a token comes with it', () =>
    expectFailure(check(error(400, 'invalid_request', { access_token: 'at-1' })), /no access_token/, /access_token/));
  it('fails a token', () => expectFailure(check(token()), /HTTP 400/, /HTTP 200/));
  describe('where the spec documents neither case, RFC 6749 §5.2 decides', () => {
    const undocumented = withoutCases(att, 'missing_parameter', 'invalid_scope');
    it('passes HTTP 400 with invalid_request', () => expect(check(error(400, 'invalid_request'), undocumented).status).toBe('passed'));
    it('fails HTTP 403 and HTTP 500 with invalid_request', () => {
      expectFailure(check(error(403, 'invalid_request'), undocumented), /HTTP 400/, /HTTP 403/);
      expectFailure(check(error(500, 'invalid_request'), undocumented), /HTTP 400/, /HTTP 500/);
    });
    it('fails a 4xx with a code the RFC does not give for a missing parameter', () =>
      expectFailure(check(error(400, 'invalid_client'), undocumented), /"invalid_request"/, /invalid_client/));
  });
  it('accepts invalid_scope at HTTP 400 where only missing_parameter is documented (RFC 6749 §3.3)', () => {
    const onlyMissing = withoutCases(att, 'invalid_scope', 'missing_parameter');
    const missingAs401: ProviderSpec = { ...onlyMissing, errors: { ...onlyMissing.errors, cases: { ...onlyMissing.errors.cases, missing_parameter: { status: 401, error: 'invalid_request', standard: 'RFC 6749 §5.2' } } } };
    expect(check(error(400, 'invalid_scope'), missingAs401).status).toBe('passed');
    expect(check(error(401, 'invalid_request'), missingAs401).status).toBe('passed');
    expectFailure(check(error(400, 'invalid_request'), missingAs401), /HTTP 401 .* or HTTP 400 with "error" "invalid_scope"/, /HTTP 400/);
  });
});

describe('missingScopeDefaulted', () => {
  const check = (e: HttpExchange, spec = md) => S.missingScopeDefaulted.evaluate(e, spec);
  it('passes a token (default scope)', () => expect(check(token())).toEqual({ status: 'passed' }));
  it('passes the documented invalid_scope error, saying so', () =>
    expect(check(error(400, 'invalid_scope'))).toEqual({ status: 'passed', note: expect.stringMatching(/invalid_scope/) }));
  it('fails invalid_request at the documented status (RFC 6749 §3.3 allows only a default or invalid_scope)', () =>
    expectFailure(check(error(400, 'invalid_request')), /default scope.*invalid_scope/, /invalid_request/));
  it('fails invalid_scope at another status', () => expectFailure(check(error(401, 'invalid_scope')), /HTTP 400/, /HTTP 401/));
  it('fails the token body with HTTP 400', () => expectFailure(check(token({}, 400)), /HTTP 200 with an access_token/, /HTTP 400/));
  it('where the spec documents no invalid_scope case: invalid_scope at HTTP 400 passes, at HTTP 403 fails', () => {
    const undocumented = withoutCases(md, 'invalid_scope');
    expect(check(error(400, 'invalid_scope'), undocumented).status).toBe('passed');
    expectFailure(check(error(403, 'invalid_scope'), undocumented), /HTTP 400/, /HTTP 403/);
  });
});

describe('duplicateScopeAccepted', () => {
  const check = (e: HttpExchange) => S.duplicateScopeAccepted.evaluate(e, 'read read', ['read'], ' ');
  it('passes a token for the set', () => expect(check(token({ scope: 'read' })).status).toBe('passed'));
  it('fails the same body with HTTP 400', () => expectFailure(check(token({ scope: 'read' }, 400)), /HTTP 200/, /HTTP 400/));
  it('fails a grant of more than the value', () => expectFailure(check(token({ scope: 'read write' })), /within "read"/, /not requested: "write"/));
});

describe('emptyScopeItemsNotGranted', () => {
  const one = (e: HttpExchange, raw = 'read  write') => S.emptyScopeItemsNotGranted.evaluate([{ raw, ex: e }], ' ');
  it('passes a rejection and a grant of the non-empty items', () => {
    expect(one(error(400, 'invalid_scope'))).toEqual({ status: 'passed', note: 'rejected' });
    expect(one(token({ scope: 'read write' }))).toEqual({ status: 'passed' });
    expect(S.emptyScopeItemsNotGranted.evaluate([{ raw: 'SMS,,ADS', ex: token() }], ',').status).toBe('passed');
  });
  it('fails an empty item read as a wildcard', () => expectFailure(one(token({ scope: 'read write admin' })), /within "read write"/, /not requested: "admin"/));
  it('fails an echo that keeps the empty item', () => expectFailure(one(token({ scope: 'read  write' })), /without empty items/, /"read  write"/));
  it('fails the rejection with HTTP 500 instead of a 4xx', () => expectFailure(one(error(500, 'invalid_scope'), 'read write '), /4xx .* or HTTP 200/, /HTTP 500/));
  it('fails a 4xx that carries a token', () => expectFailure(one(error(400, 'invalid_scope', { access_token: 'at-1' })), /4xx .* or HTTP 200/, /access_token/));
  it('reports the first failing attempt of several, naming its scope', () => {
    const o = S.emptyScopeItemsNotGranted.evaluate([{ raw: 'read  write', ex: error(400, 'invalid_scope') }, { raw: ' read write', ex: error(500, 'invalid_scope') }], ' ');
    expectFailure(o, /4xx/, /HTTP 500/);
    expect(o.status === 'failed' && o.field).toBe('token response to scope " read write"');
  });
  it('is not applicable without an attempt (never a silent pass)', () => expect(S.emptyScopeItemsNotGranted.evaluate([], ' ').status).toBe('not_applicable'));
});

describe('resource checks', () => {
  it('requiredScopeAccepted: any 2xx passes; 199, 300 and 403 fail', () => {
    for (const s of [200, 204, 299]) expect(S.requiredScopeAccepted.evaluate(ex(s, { ok: true }), 'write').status, String(s)).toBe('passed');
    for (const s of [199, 300, 403]) expectFailure(S.requiredScopeAccepted.evaluate(ex(s, { ok: true }), 'write'), /2xx/, new RegExp(`HTTP ${s}`));
    expectFailure(S.requiredScopeAccepted.evaluate(ex(undefined), 'write'), /2xx/, /no response/);
  });
  it('insufficientScopeRejected: the documented status passes, another fails', () => {
    expect(S.insufficientScopeRejected.evaluate(ex(403, { error: 'insufficient_scope' }), 'write', 403).status).toBe('passed');
    expect(S.insufficientScopeRejected.evaluate(ex(401, { error: 'insufficient_scope' }), 'write', 401).status).toBe('passed');
    const o = S.insufficientScopeRejected.evaluate(ex(401, { error: 'insufficient_scope' }), 'write', 403);
    expectFailure(o, /HTTP 403/, /HTTP 401/);
    expect(o.status === 'failed' && o.reason).toContain('without scope "write"');
    expectFailure(S.insufficientScopeRejected.evaluate(ex(200, { error: 'insufficient_scope' }), 'write', 403), /HTTP 403/, /HTTP 200/);
  });
  describe('insufficientScopeChallenge', () => {
    const challenge = (h: string | undefined, scheme = 'Bearer') => S.insufficientScopeChallenge.evaluate(ex(403, {}, h === undefined ? {} : { 'www-authenticate': h }), scheme);
    it('passes a Bearer challenge with error="insufficient_scope", the scheme in any case', () => {
      expect(challenge('Bearer realm="x", error="insufficient_scope", scope="write"').status).toBe('passed');
      expect(challenge('bearer error="insufficient_scope"').status).toBe('passed');
      expect(challenge('DPoP error="insufficient_scope"', 'DPoP').status).toBe('passed');
    });
    it('fails an absent header', () => expectFailure(challenge(undefined), /error="insufficient_scope"/, /\(absent\).*HTTP 403/));
    it('fails another error', () => expectFailure(challenge('Bearer error="invalid_token"'), /insufficient_scope/, /invalid_token/));
    it('fails another scheme with the same error', () => expectFailure(challenge('Basic error="insufficient_scope"'), /Bearer/, /Basic/));
    it('fails a Bearer challenge where the spec\'s scheme is another', () => expectFailure(challenge('Bearer error="insufficient_scope"', 'DPoP'), /DPoP/, /Bearer/));
  });
});

describe('check objects', () => {
  it('keep their stable ids', () => {
    const ids = [
      S.delimitedScopeAccepted, S.rfcSpaceDelimiterAccepted, S.grantedScopeWithinRequest, S.scopeEchoMatchesSpec, S.unknownScopeRejected, S.unknownScopeDropped,
      S.otherDelimiterHandled, S.missingScopeRejected, S.missingScopeDefaulted, S.duplicateScopeAccepted, S.emptyScopeItemsNotGranted,
      S.requiredScopeAccepted, S.insufficientScopeRejected, S.insufficientScopeChallenge,
    ].map((c) => c.id);
    expect(ids).toEqual([
      'scope.delimiter-accepted', 'scope.rfc6749.space-delimiter-accepted', 'scope.granted-within-request', 'scope.echo-as-documented', 'scope.unknown-rejected',
      'scope.unknown-dropped', 'scope.other-delimiter-not-split', 'scope.missing-rejected', 'scope.missing-defaulted', 'scope.duplicate-values-accepted',
      'scope.empty-items-not-granted', 'scope.resource.required-scope-accepted', 'scope.resource.insufficient-scope-rejected', 'scope.resource.insufficient-scope-challenge',
    ]);
  });
});

describe('no check throws on arbitrary JSON', () => {
  // Plain fast-check (importing @fast-check/vitest costs seconds per file): fc.assert reports the seed and the shrunk case.
  it('any status, body and value (property)', () => {
    fc.assert(fc.property(fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }), fc.jsonValue(), fc.string(), (status, json, raw) => {
      const e = ex(status, json);
      const all = [
        S.delimitedScopeAccepted.evaluate(e, raw, att), S.rfcSpaceDelimiterAccepted.evaluate(e, raw), S.grantedScopeWithinRequest.evaluate(e, [raw], ' '),
        S.scopeEchoMatchesSpec.evaluate(e, 'always', false), S.unknownScopeRejected.evaluate(e, raw), S.unknownScopeDropped.evaluate(e, raw, [raw], ' '),
        S.otherDelimiterHandled.evaluate(e, att, [raw, 'x']), S.missingScopeRejected.evaluate(e, att), S.missingScopeDefaulted.evaluate(e, md),
        S.duplicateScopeAccepted.evaluate(e, raw, [raw], ','), S.emptyScopeItemsNotGranted.evaluate([{ raw, ex: e }], ' '), S.requiredScopeAccepted.evaluate(e, raw),
        S.insufficientScopeRejected.evaluate(e, raw, 403), S.insufficientScopeChallenge.evaluate(e, 'Bearer'),
      ];
      for (const o of all) if (o.status === 'failed') expect(o.reason).toMatch(/expected .+ observed/);
    }));
  });
});

describe('scope: odd answers and what each failure names', () => {
  const reasonOf = (o: ReturnType<typeof S.judgeScopeAccepted>) => (o.status === 'failed' ? o.reason : `${o.status}`);

  it('UNKNOWN_SCOPE is one RFC 6749 §3.3 scope-token (1*NQCHAR)', () => expect(S.UNKNOWN_SCOPE).toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/));

  it('a 200 whose body is not JSON issued no token (and does not throw)', () =>
    expectFailure(S.judgeScopeAccepted(ex(200, 'a token'), 'read', 'RFC 6749 §3.3'), /HTTP 200 with an access_token/, /HTTP 200/));

  it('unknownScopeDropped: names every unknown value granted, and the rule it breaks', () => {
    const o = S.unknownScopeDropped.evaluate(token({ scope: 'read x y' }), 'read x y', ['x', 'y'], ' ');
    expect(o).toMatchObject({ status: 'failed', expected: '"scope" without "x", "y"', reason: expect.stringContaining('(RFC 6749 §3.3)') });
    expect(reasonOf(S.unknownScopeDropped.evaluate(token({}, 400), 'read x', ['x'], ' '))).toContain('(provider spec scope.unknownScope: drop)');
  });

  it('grantedScopeWithinRequest: RFC 6749 §5.1 when no token came, RFC 9700 §2.3 when more was granted', () => {
    expect(reasonOf(S.grantedScopeWithinRequest.evaluate(token({}, 400), ['read'], ' '))).toContain('(RFC 6749 §5.1)');
    expect(reasonOf(S.grantedScopeWithinRequest.evaluate(token({ scope: 'read write' }), ['read'], ' '))).toContain('(RFC 9700 §2.3)');
  });

  it('scopeEchoMatchesSpec: never + absent passes plainly, also when the grant was narrowed', () => {
    expect(S.scopeEchoMatchesSpec.evaluate(token(), 'never', false)).toEqual({ status: 'passed' });
    expect(S.scopeEchoMatchesSpec.evaluate(token(), 'never', true)).toEqual({ status: 'passed' });
    expect(S.scopeEchoMatchesSpec.evaluate(token(), 'always', true).status).toBe('failed');
  });

  it('scopeEchoMatchesSpec: each failure names the member (or the response) and its rule', () => {
    const echo = (e: HttpExchange, mode: ProviderSpec['scope']['echo'], narrowed = false) => S.scopeEchoMatchesSpec.evaluate(e, mode, narrowed);
    expect(echo(token({}, 400), 'always')).toMatchObject({ field: 'token response', reason: expect.stringContaining('(RFC 6749 §5.1)') });
    expect(echo(token({ scope: 7 }), 'always')).toMatchObject({ field: '"scope" in token response', reason: expect.stringContaining('(RFC 6749 §5.1)') });
    expect(echo(token(), 'always')).toMatchObject({ field: '"scope" in token response', reason: expect.stringContaining('(provider spec scope.echo: always)') });
    expect(echo(token({ scope: 'a' }), 'never')).toMatchObject({ field: '"scope" in token response', reason: expect.stringContaining('(provider spec scope.echo: never)') });
    expect(echo(token(), 'when-narrowed', true)).toMatchObject({ field: '"scope" in token response', reason: expect.stringContaining('(RFC 6749 §5.1)') });
  });

  it('otherDelimiterHandled, reject: a token is a failure, citing the spec\'s rule', () => {
    const spec = withScope(md, { otherDelimiter: 'reject' });
    expect(S.otherDelimiterHandled.evaluate(error(400, 'invalid_scope'), spec, ['read', 'write'])).toEqual({ status: 'passed' });
    expect(S.otherDelimiterHandled.evaluate(token({ scope: 'read,write' }), spec, ['read', 'write'])).toMatchObject({
      status: 'failed',
      field: 'token response to scope "read,write"',
      reason: expect.stringContaining('(provider spec scope.otherDelimiter: reject)'),
    });
  });

  it('judgeNotSplit: says how it passed, cites its rules, and quotes the delimiter of the spec', () => {
    const space = md.scope;
    expect(S.judgeNotSplit(error(400, 'invalid_scope'), 'read,write', ['read', 'write'], space)).toEqual({ status: 'passed', note: 'refused' });
    expect(reasonOf(S.judgeNotSplit(error(500, 'invalid_scope'), 'read,write', ['read', 'write'], space))).toContain('(RFC 6749 §3.3)');
    expect(S.judgeNotSplit(token(), 'read,write', ['read', 'write'], { ...space, echo: 'always' })).toEqual({
      status: 'passed',
      note: 'no "scope" member: by RFC 6749 §5.1 the granted scope is the requested one, a single value',
    });
    expect(S.judgeNotSplit(token({ scope: 5 }), 'read,write', ['read', 'write'], space)).toEqual({ status: 'passed' });
    expect(S.judgeNotSplit(token({ scope: 'read write' }), 'read,write', ['read', 'write'], space)).toMatchObject({
      expected: 'one scope-token "read,write" (RFC 6749 §3.3: " " delimits), never the values granted separately',
      reason: expect.stringContaining('(RFC 6749 §3.3; provider spec scope.otherDelimiter: single-unknown)'),
    });
    expect(S.judgeNotSplit(token({ scope: 'SMS,ADS' }), 'SMS ADS', ['SMS', 'ADS'], att.scope)).toMatchObject({ expected: expect.stringContaining('(RFC 6749 §3.3: "," delimits)') });
  });

  it('missingScopeRejected and missingScopeDefaulted name the request without scope and their rules', () => {
    expect(S.missingScopeRejected.evaluate(token(), att)).toMatchObject({ field: 'token response to a request without scope', reason: expect.stringContaining('RFC 6749 §5.2, §3.3; provider spec grants.*.scopeRequired') });
    expect(S.missingScopeDefaulted.evaluate(error(500, 'invalid_scope'), md)).toMatchObject({ field: 'token response to a request without scope', reason: expect.stringContaining('(RFC 6749 §3.3)') });
  });

  it('duplicateScopeAccepted and emptyScopeItemsNotGranted cite RFC 6749 §3.3 for both kinds of failure', () => {
    const dup = (e: HttpExchange) => reasonOf(S.duplicateScopeAccepted.evaluate(e, 'read read', ['read'], ' '));
    expect(dup(token({}, 400))).toContain('(RFC 6749 §3.3)');
    expect(dup(token({ scope: 'read write' }))).toContain('(RFC 6749 §3.3)');
    const empty = (e: HttpExchange) => reasonOf(S.judgeEmptyItems({ raw: 'read  write', ex: e }, ' '));
    expect(empty(error(500, 'invalid_scope'))).toContain('(RFC 6749 §3.3)');
    expect(empty(token({ scope: 'read write admin' }))).toContain('(RFC 6749 §3.3)');
    expect(S.emptyScopeItemsNotGranted.evaluate([], ' ')).toEqual({ status: 'not_applicable', reason: 'no request with empty scope items was sent' });
  });

  it('the resource checks name the call and their rules', () => {
    expect(S.requiredScopeAccepted.evaluate(ex(403, {}), 'write')).toMatchObject({ field: 'protected resource response to a token with scope "write"', reason: expect.stringContaining('(RFC 6749 §7)') });
    expect(reasonOf(S.insufficientScopeRejected.evaluate(ex(200, {}), 'write', 403))).toContain('(RFC 6749 §7, RFC 6750 §3.1)');
    expect(S.insufficientScopeChallenge.evaluate(ex(undefined), 'Bearer')).toMatchObject({
      field: '"WWW-Authenticate" header of the insufficient-scope rejection',
      observed: '(absent) (HTTP no response)',
      reason: expect.stringContaining('(RFC 6750 §3.1)'),
    });
  });
});
