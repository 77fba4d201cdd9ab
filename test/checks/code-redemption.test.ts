/**
 * Self-tests of the code-redemption checks. Each violating input differs from its conforming one in ONE
 * property (the resource status, the echoed scope, the error code, the status).
 */
import { describe, expect, it } from 'vitest';
import * as C from '../../src/checks/code-redemption.ts';
import type { Outcome } from '../../src/checks/check.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, expectFailure } from '../support/exchange.ts';

const passes = (o: Outcome) => expect(o.status, o.status === 'passed' ? '' : o.reason).toBe('passed');
const rfc = loadSpec('rfc6749').spec;
const token = (extra: Record<string, unknown> = {}) => exchange(200, { access_token: 'at', token_type: 'Bearer', ...extra });

describe('authorization-code.scope-works-at-resource', () => {
  const c = C.codeScopeWorksAtResource;
  const req = ['read', 'write'];
  it('passes a token the resource accepts', () => passes(c.evaluate(token(), exchange(200, { ok: true }), req, 'read', ' ')));
  it('fails a token without "scope" that the resource refuses for lack of scope', () => {
    const o = c.evaluate(token(), exchange(403, { error: 'insufficient_scope' }), req, 'read', ' ');
    expectFailure(o, /a 2xx \(the resource requires "read"\)/, /HTTP 403/);
    expect(o.status === 'failed' && o.reason).toMatch(/requested for scope "read write" \(granted: no "scope" member/);
  });
  it('passes a refusal when the response said the grant was narrowed without the resource scope', () => {
    const o = c.evaluate(token({ scope: 'write' }), exchange(403, { error: 'insufficient_scope' }), req, 'read', ' ');
    passes(o);
    expect(o.status === 'passed' && o.note).toMatch(/narrowed to "write"/);
  });
  it('fails a refusal when the echoed scope still names the resource scope', () =>
    expectFailure(c.evaluate(token({ scope: 'read' }), exchange(403, {}), req, 'read', ' '), /a 2xx/, /HTTP 403/));
  it('reads the spec\'s delimiter', () => passes(c.evaluate(token({ scope: 'MMS' }), exchange(403, {}), ['SMS', 'MMS'], 'SMS', ',')));
});

describe('authorization-code.granted-scope-within-request', () => {
  const c = C.codeScopeWithinRequest;
  it('passes no echo and an echo within the request', () => {
    passes(c.evaluate(token(), ['read', 'write'], ' '));
    passes(c.evaluate(token({ scope: 'read' }), ['read', 'write'], ' '));
  });
  it('fails an echo beyond the request', () => expectFailure(c.evaluate(token({ scope: 'read write admin' }), ['read', 'write'], ' '), /.+/, /admin/));
});

describe('authorization-code.redirect-uri-mismatch-rejected', () => {
  const c = C.redirectUriMismatchRejected;
  it('passes 400 invalid_grant', () => {
    passes(c.evaluate(exchange(400, { error: 'invalid_grant' }), rfc, true));
    passes(c.evaluate(exchange(400, { error: 'invalid_grant' }), rfc, false));
  });
  it('fails 200 with a token', () => expectFailure(c.evaluate(exchange(200, { access_token: 'x', token_type: 'Bearer' }), rfc, false), /invalid_grant/, /HTTP 200/));
  it('a registered probe URI: fails 400 invalid_request (only invalid_grant fits)', () =>
    expectFailure(c.evaluate(exchange(400, { error: 'invalid_request' }), rfc, true), /invalid_grant/, /invalid_request/));
  it('an unregistered probe URI: passes 400 invalid_request (an invalid parameter value)', () => passes(c.evaluate(exchange(400, { error: 'invalid_request' }), rfc, false)));
  it('an unregistered probe URI: fails 400 unsupported_grant_type', () =>
    expectFailure(c.evaluate(exchange(400, { error: 'unsupported_grant_type' }), rfc, false), /invalid_grant.+, or .+invalid_request/, /unsupported_grant_type/));
  it('names §4.1.3', () => expect(c.evaluate(exchange(200, {}), rfc, true)).toMatchObject({ reason: expect.stringMatching(/§4\.1\.3/) }));
});

describe('authorization-code.redirect-uri-absent-rejected', () => {
  const c = C.redirectUriAbsentRejected;
  it('passes 400 invalid_grant', () => passes(c.evaluate(exchange(400, { error: 'invalid_grant' }), rfc)));
  it('passes 400 invalid_request (a missing required parameter)', () => passes(c.evaluate(exchange(400, { error: 'invalid_request' }), rfc)));
  it('fails 400 unsupported_grant_type', () => expectFailure(c.evaluate(exchange(400, { error: 'unsupported_grant_type' }), rfc), /invalid_grant.+, or .+invalid_request/, /unsupported_grant_type/));
  it('fails 200 with a token', () => expectFailure(c.evaluate(exchange(200, { access_token: 'x' }), rfc), /invalid_grant/, /HTTP 200/));
});

describe('code redemption: what a failure names (the request, the granted scope, the requirement)', () => {
  const req = ['read', 'write'];
  it('scope-works-at-resource: a token response that is not JSON and a refusing resource fail, without throwing', () =>
    expectFailure(C.codeScopeWorksAtResource.evaluate(exchange(200, 'access_token=at'), exchange(403, {}), req, 'read', ' '), /a 2xx/, /HTTP 403/));
  it('scope-works-at-resource: names the granted scope when the token response echoed one, and cites RFC 6749 §3.3', () => {
    const o = C.codeScopeWorksAtResource.evaluate(token({ scope: 'read write' }), exchange(403, {}), req, 'read', ' ');
    expect(o).toMatchObject({ status: 'failed', field: 'resource call with the token of a code requested for scope "read write" (granted: scope "read write")' });
    expect(o.status === 'failed' && o.reason).toContain('(RFC 6749 §3.3)');
  });
  it('scope-works-at-resource: names the requested scope as granted when nothing was echoed', () =>
    expect(C.codeScopeWorksAtResource.evaluate(token(), exchange(403, {}), req, 'read', ' ')).toMatchObject({
      field: 'resource call with the token of a code requested for scope "read write" (granted: no "scope" member, so the requested scope)',
    }));
  it.each([true, false])('redirect-uri-mismatch-rejected (probe registered: %s) names the redemption it judged', (registered) =>
    expect(C.redirectUriMismatchRejected.evaluate(exchange(200, { access_token: 'x' }), rfc, registered)).toMatchObject({
      status: 'failed', field: 'redemption of a code with a redirect_uri other than the authorization request\'s',
    }));
  it('redirect-uri-absent-rejected names the redemption and both refusals it would accept', () =>
    expect(C.redirectUriAbsentRejected.evaluate(exchange(400, { error: 'unsupported_grant_type' }), rfc)).toEqual({
      status: 'failed',
      field: 'redemption without redirect_uri of a code requested with one',
      expected: 'HTTP 400 with "error" "invalid_grant" and no access_token, or HTTP 400 with "error" "invalid_request" and no access_token',
      observed: 'HTTP 400 with {"error":"unsupported_grant_type"}',
      reason: 'redemption without redirect_uri of a code requested with one: expected HTTP 400 with "error" "invalid_grant" and no access_token, or HTTP 400 with "error" "invalid_request" and no access_token (RFC 6749 §4.1.3, §5.2), observed HTTP 400 with {"error":"unsupported_grant_type"}',
    }));
});
