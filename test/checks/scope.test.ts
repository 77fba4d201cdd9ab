/**
 * Self-tests of the scope checks: each with a conforming and a violating exchange, asserting the status and
 * that a failure states what was expected and what was observed.
 */
import { describe, expect, it } from 'vitest';
import { expectFailure } from '../support/exchange.ts';
import { fc, test as fcTest } from '@fast-check/vitest';
import type { HttpExchange } from '../../src/http/types.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { loadSpec } from '../../src/spec/load.ts';
import * as S from '../../src/checks/scope.ts';

const att = loadSpec('att').spec;
const md = loadSpec('mobile-digital').spec;
const tangoe = loadSpec('tangoe').spec;
const withScope = (spec: ProviderSpec, scope: Partial<ProviderSpec['scope']>): ProviderSpec => ({ ...spec, scope: { ...spec.scope, ...scope } });

/** A synthetic exchange with a JSON body (or none). */
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
const token = (extra: Record<string, unknown> = {}) => ex(200, { access_token: 'at-123456', token_type: 'Bearer', expires_in: 3600, ...extra });
const error = (status: number, code: string) => ex(status, { error: code, error_description: 'no' });


describe('scopeItems and otherDelimiter', () => {
  it('keeps empty items so they can be reported', () => {
    expect(S.scopeItems('read  write ', ' ')).toEqual(['read', '', 'write', '']);
    expect(S.scopeItems('SMS,,ADS', ',')).toEqual(['SMS', '', 'ADS']);
  });
  it('names the delimiter the spec does not use', () => {
    expect(S.otherDelimiter(' ')).toBe(',');
    expect(S.otherDelimiter(',')).toBe(' ');
  });
});

describe('checkDelimitedScopeAccepted', () => {
  it('passes a token', () => expect(S.checkDelimitedScopeAccepted(token(), 'SMS,ADS').status).toBe('passed'));
  it('fails a rejection, quoting the scope sent', () => {
    const o = S.checkDelimitedScopeAccepted(error(400, 'invalid_scope'), 'SMS,ADS', 'att-api line 296');
    expectFailure(o, /HTTP 200 with an access_token/, /HTTP 400 .*invalid_scope/);
    expect(o.status === 'failed' && o.reason).toContain('"SMS,ADS"');
    expect(o.status === 'failed' && o.reason).toContain('att-api line 296');
  });
  it('fails a transport failure', () => expectFailure(S.checkDelimitedScopeAccepted(ex(undefined), 'a b'), /HTTP 200/, /no response/));
});

describe('checkGrantedScopeWithinRequest', () => {
  it('passes an echo within the request', () => expect(S.checkGrantedScopeWithinRequest(token({ scope: 'read' }), ['read'], ' ').status).toBe('passed'));
  it('passes an absent echo, with a note that it means "as requested"', () => {
    const o = S.checkGrantedScopeWithinRequest(token(), ['read'], ' ');
    expect(o).toEqual({ status: 'passed', note: expect.stringMatching(/RFC 6749 §5.1/) });
  });
  it('fails an escalated grant, naming the values not requested', () =>
    expectFailure(S.checkGrantedScopeWithinRequest(token({ scope: 'read write admin' }), ['read'], ' '), /within "read"/, /not requested: "write", "admin"/));
  it('fails an echo in the other delimiter (it is one value that was not requested)', () =>
    expectFailure(S.checkGrantedScopeWithinRequest(token({ scope: 'read,write' }), ['read', 'write'], ' '), /within/, /"read,write"/));
  it('fails a non-string scope', () => expectFailure(S.checkGrantedScopeWithinRequest(token({ scope: ['read'] }), ['read'], ' '), /string/, /\["read"\]/));
  it('fails when no token was issued', () => expectFailure(S.checkGrantedScopeWithinRequest(error(400, 'invalid_scope'), ['read'], ' '), /HTTP 200/, /HTTP 400/));
});

describe('checkScopeEchoMatchesSpec', () => {
  it('always: passes a present scope, even an empty one (T-Mobile)', () => {
    expect(S.checkScopeEchoMatchesSpec(token({ scope: 'read write' }), 'always').status).toBe('passed');
    expect(S.checkScopeEchoMatchesSpec(token({ scope: '' }), 'always').status).toBe('passed');
  });
  it('always: fails an absent scope', () => expectFailure(S.checkScopeEchoMatchesSpec(token(), 'always'), /present/, /\(absent\)/));
  it('never: passes an absent scope and fails a present one', () => {
    expect(S.checkScopeEchoMatchesSpec(token(), 'never').status).toBe('passed');
    expectFailure(S.checkScopeEchoMatchesSpec(token({ scope: 'SMS' }), 'never'), /absent/, /"SMS"/);
  });
  it('when-narrowed: an absent scope passes unless the grant is known to be narrowed', () => {
    expect(S.checkScopeEchoMatchesSpec(token(), 'when-narrowed').status).toBe('passed');
    expect(S.checkScopeEchoMatchesSpec(token({ scope: 'read' }), 'when-narrowed', true).status).toBe('passed');
    expectFailure(S.checkScopeEchoMatchesSpec(token(), 'when-narrowed', true), /present, since the granted scope differs/, /\(absent\)/);
  });
  it('fails a non-string scope and a response without a token', () => {
    expectFailure(S.checkScopeEchoMatchesSpec(token({ scope: 7 }), 'always'), /a string/, /7/);
    expectFailure(S.checkScopeEchoMatchesSpec(error(401, 'invalid_client'), 'always'), /HTTP 200/, /HTTP 401/);
  });
});

describe('checkUnknownScopeRejected (checkScopeRejectedAsInvalid)', () => {
  it('passes the documented invalid_scope error', () => expect(S.checkUnknownScopeRejected(error(400, 'invalid_scope'), md, 'read x').status).toBe('passed'));
  it('fails a token', () => expectFailure(S.checkUnknownScopeRejected(token(), md, 'read x'), /HTTP 400 with "error" "invalid_scope"/, /HTTP 200/));
  it('fails another error code', () => expectFailure(S.checkUnknownScopeRejected(error(400, 'invalid_request'), md, 'read x'), /invalid_scope/, /invalid_request/));
  it('accepts any 4xx without a token where the spec documents no invalid_scope case', () => {
    expect(S.checkScopeRejectedAsInvalid(error(403, 'access_denied'), tangoe, 'x').status).toBe('passed');
    expectFailure(S.checkScopeRejectedAsInvalid(ex(500, { error: 'server_error' }), tangoe, 'x'), /a 4xx error/, /HTTP 500/);
  });
});

describe('checkUnknownScopeDropped', () => {
  it('passes a token whose scope leaves the unknown value out', () => expect(S.checkUnknownScopeDropped(token({ scope: 'read' }), 'read x', ['x'], ' ').status).toBe('passed'));
  it('fails a scope that names the unknown value', () => expectFailure(S.checkUnknownScopeDropped(token({ scope: 'read x' }), 'read x', ['x'], ' '), /without "x"/, /"read x"/));
  it('fails a rejection (the spec says dropped)', () => expectFailure(S.checkUnknownScopeDropped(error(400, 'invalid_scope'), 'read x', ['x'], ' '), /unknown values dropped/, /HTTP 400/));
});

describe('checkOtherDelimiterHandled', () => {
  it('single-unknown: passes invalid_scope for "read,write" and fails a token', () => {
    expect(S.checkOtherDelimiterHandled(error(400, 'invalid_scope'), md, ['read', 'write']).status).toBe('passed');
    const o = S.checkOtherDelimiterHandled(token({ scope: 'read write' }), md, ['read', 'write']);
    expectFailure(o, /invalid_scope/, /HTTP 200/);
    expect(o.status === 'failed' && o.reason).toContain('"read,write"');
  });
  it('single-unknown on a comma spec sends the values space-joined', () => {
    const o = S.checkOtherDelimiterHandled(token(), att, ['SMS', 'ADS']);
    expect(o.status === 'failed' && o.reason).toContain('"SMS ADS"');
  });
  it('single-unknown with dropped unknowns: a token is fine unless it grants the values separately', () => {
    const spec = withScope(md, { unknownScope: 'drop' });
    expect(S.checkOtherDelimiterHandled(token(), spec, ['read', 'write']).status).toBe('passed');
    expectFailure(S.checkOtherDelimiterHandled(token({ scope: 'read write' }), spec, ['read', 'write']), /without "read", "write"/, /"read write"/);
  });
  it('reject: any 4xx without a token passes; a token fails', () => {
    const spec = withScope(md, { otherDelimiter: 'reject' });
    expect(S.checkOtherDelimiterHandled(error(400, 'invalid_request'), spec, ['read', 'write']).status).toBe('passed');
    expectFailure(S.checkOtherDelimiterHandled(token(), spec, ['read', 'write']), /4xx/, /HTTP 200/);
  });
  it('accept: a token passes; a rejection fails', () => {
    const spec = withScope(md, { otherDelimiter: 'accept' });
    expect(S.checkOtherDelimiterHandled(token(), spec, ['read', 'write']).status).toBe('passed');
    expectFailure(S.checkOtherDelimiterHandled(error(400, 'invalid_scope'), spec, ['read', 'write']), /HTTP 200/, /HTTP 400/);
  });
});

describe('checkMissingScopeRejected', () => {
  it('passes the documented missing-parameter error or invalid_scope', () => {
    expect(S.checkMissingScopeRejected(error(400, 'invalid_request'), att).status).toBe('passed');
    expect(S.checkMissingScopeRejected(error(400, 'invalid_scope'), att).status).toBe('passed');
  });
  it('fails a token', () => expectFailure(S.checkMissingScopeRejected(token(), att), /"invalid_request" or .*"invalid_scope"/, /HTTP 200/));
  it('fails an undocumented error', () => expectFailure(S.checkMissingScopeRejected(error(401, 'invalid_client'), att), /HTTP 400/, /HTTP 401/));
});

describe('checkMissingScopeDefaulted', () => {
  it('passes a token (default scope) or invalid_scope', () => {
    expect(S.checkMissingScopeDefaulted(token(), md).status).toBe('passed');
    expect(S.checkMissingScopeDefaulted(error(400, 'invalid_scope'), md).status).toBe('passed');
  });
  it('fails invalid_request (RFC 6749 §3.3 allows only a default or invalid_scope)', () =>
    expectFailure(S.checkMissingScopeDefaulted(error(400, 'invalid_request'), md), /default scope.*invalid_scope/, /invalid_request/));
});

describe('checkDuplicateScopeAccepted', () => {
  it('passes a token for the set', () => expect(S.checkDuplicateScopeAccepted(token({ scope: 'read' }), 'read read', ['read'], ' ').status).toBe('passed'));
  it('fails a rejection', () => expectFailure(S.checkDuplicateScopeAccepted(error(400, 'invalid_scope'), 'read read', ['read'], ' '), /HTTP 200/, /invalid_scope/));
  it('fails a grant of more than the value', () => expectFailure(S.checkDuplicateScopeAccepted(token({ scope: 'read write' }), 'read read', ['read'], ' '), /within "read"/, /not requested: "write"/));
});

describe('checkEmptyScopeItemsNotGranted', () => {
  it('passes a rejection and a grant of the non-empty items', () => {
    expect(S.checkEmptyScopeItemsNotGranted(error(400, 'invalid_scope'), 'read  write', ' ').status).toBe('passed');
    expect(S.checkEmptyScopeItemsNotGranted(token({ scope: 'read write' }), 'read  write', ' ').status).toBe('passed');
    expect(S.checkEmptyScopeItemsNotGranted(token(), 'SMS,,ADS', ',').status).toBe('passed');
  });
  it('fails an empty item read as a wildcard', () =>
    expectFailure(S.checkEmptyScopeItemsNotGranted(token({ scope: 'read write admin' }), 'read  write', ' '), /within "read write"/, /not requested: "admin"/));
  it('fails an echo that keeps the empty item', () => expectFailure(S.checkEmptyScopeItemsNotGranted(token({ scope: 'read  write' }), 'read  write', ' '), /without empty items/, /"read  write"/));
  it('fails a server error', () => expectFailure(S.checkEmptyScopeItemsNotGranted(ex(500, { error: 'server_error' }), 'read write ', ' '), /4xx .* or HTTP 200/, /HTTP 500/));
});

describe('resource checks', () => {
  it('checkRequiredScopeAccepted', () => {
    expect(S.checkRequiredScopeAccepted(ex(200, { ok: true }), 'write').status).toBe('passed');
    expectFailure(S.checkRequiredScopeAccepted(ex(403, { error: 'insufficient_scope' }), 'write'), /2xx/, /HTTP 403/);
  });
  it('checkInsufficientScopeRejected', () => {
    expect(S.checkInsufficientScopeRejected(ex(403, { error: 'insufficient_scope' }), 'write', 403).status).toBe('passed');
    const o = S.checkInsufficientScopeRejected(ex(200, { ok: true }), 'write', 403);
    expectFailure(o, /HTTP 403/, /HTTP 200/);
    expect(o.status === 'failed' && o.reason).toContain('without scope "write"');
  });
  it('checkInsufficientScopeChallenge', () => {
    expect(S.checkInsufficientScopeChallenge(ex(403, {}, { 'www-authenticate': 'Bearer realm="x", error="insufficient_scope", scope="write"' })).status).toBe('passed');
    expectFailure(S.checkInsufficientScopeChallenge(ex(403, {})), /error="insufficient_scope"/, /\(absent\).*HTTP 403/);
    expectFailure(S.checkInsufficientScopeChallenge(ex(403, {}, { 'www-authenticate': 'Bearer error="invalid_token"' })), /insufficient_scope/, /invalid_token/);
  });
});

describe('no check throws on arbitrary JSON', () => {
  fcTest.prop([fc.option(fc.integer({ min: 100, max: 599 }), { nil: undefined }), fc.jsonValue(), fc.string()])('status %s', (status, json, raw) => {
    const e = ex(status, json);
    const all = [
      S.checkDelimitedScopeAccepted(e, raw), S.checkGrantedScopeWithinRequest(e, [raw], ' '), S.checkScopeEchoMatchesSpec(e, 'always'),
      S.checkUnknownScopeRejected(e, md, raw), S.checkUnknownScopeDropped(e, raw, [raw], ' '), S.checkOtherDelimiterHandled(e, att, [raw, 'x']),
      S.checkMissingScopeRejected(e, att), S.checkMissingScopeDefaulted(e, md), S.checkDuplicateScopeAccepted(e, raw, [raw], ','),
      S.checkEmptyScopeItemsNotGranted(e, raw, ' '), S.checkRequiredScopeAccepted(e, raw), S.checkInsufficientScopeRejected(e, raw, 403),
      S.checkInsufficientScopeChallenge(e),
    ];
    for (const o of all) if (o.status === 'failed') expect(o.reason).toMatch(/expected .+ observed/);
  });
});
