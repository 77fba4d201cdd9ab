/**
 * Self-tests of the protected-resource checks and the WWW-Authenticate parsing they share. Each violating input
 * differs from its conforming one in ONE property (the status, the scheme, the error parameter).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as R from '../../src/checks/resource.ts';
import type { Outcome } from '../../src/checks/check.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const passes = (o: Outcome) => expect(o.status, o.status === 'passed' ? '' : o.reason).toBe('passed');
const challenge = (status: number, w?: string) => exchange(status, { error: 'invalid_token' }, w === undefined ? {} : { 'www-authenticate': w });

describe('parseChallenge', () => {
  it('reads the scheme and quoted and bare auth-params, names lower-cased', () =>
    expect(R.parseChallenge('Bearer realm="api", Error="invalid_token", error_description=expired')).toEqual({
      scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token', error_description: 'expired' },
    }));
  it('keeps escaped quotes and commas inside a quoted value', () => expect(R.parseChallenge('Bearer realm="a \\"b\\", c"').params.realm).toBe('a \\"b\\", c'));
  it('returns no scheme for an absent or empty value', () => {
    expect(R.parseChallenge(undefined)).toEqual({ params: {} });
    expect(R.parseChallenge('')).toEqual({ params: {} });
  });
});

describe('challengeSchemes', () => {
  it('lists every challenge\'s scheme, lower-cased', () => expect(R.challengeSchemes('Bearer realm="a", Basic realm="b"')).toEqual(['bearer', 'basic']));
  it('does not take auth-params for schemes', () => expect(R.challengeSchemes('Bearer realm="a", error="invalid_token", basic=1')).toEqual(['bearer']));
  it('does not split at commas inside quoted strings', () => expect(R.challengeSchemes('Bearer realm="x, Basic y"')).toEqual(['bearer']));
  it('reads a scheme with a token68 and a bare scheme', () => expect(R.challengeSchemes('Negotiate abc==, Basic')).toEqual(['negotiate', 'basic']));
  it('returns nothing for an absent header', () => expect(R.challengeSchemes(undefined)).toEqual([]));
  it('never throws on any string (property)', () => fc.assert(fc.property(fc.string(), (s) => Array.isArray(R.challengeSchemes(s)))));
});

describe('checkResourceAccepts and acceptedAtResource', () => {
  const c = R.acceptedAtResource({ id: 'grant.password.end-to-end', title: 't', requirement: 'RFC 6749 §4.3' });
  it('keeps the id it is given', () => expect(c.id).toBe('grant.password.end-to-end'));
  it('passes 200', () => passes(c.evaluate(exchange(200, { ok: true }))));
  it('passes 204', () => passes(c.evaluate(exchange(204))));
  it('fails 401', () => expectFailure(c.evaluate(exchange(401, { ok: true })), /a 2xx \(token accepted\)/, /HTTP 401/));
  it('fails 302', () => expectFailure(c.evaluate(exchange(302, { ok: true })), /2xx/, /HTTP 302/));
  it('fails when no response came', () => expectFailure(R.checkResourceAccepts(transportFailure()), /2xx/, /no response/));
});

describe('checkResourceRejects and rejectedAtResource', () => {
  const c = R.rejectedAtResource({ id: 'grant.authorization-code.reuse-revokes-tokens', title: 't', requirement: 'RFC 6749 §4.1.2' }, 'resource call with the old token');
  it('passes the spec\'s status', () => passes(c.evaluate(exchange(401, {}), 401)));
  it('fails 200 where the spec says 401', () => expectFailure(c.evaluate(exchange(200, {}), 401), /HTTP 401/, /HTTP 200/));
  it('fails 500 where the spec says 401', () => expectFailure(c.evaluate(exchange(500, {}), 401), /HTTP 401/, /HTTP 500/));
  it('fails 401 where the spec says 403', () => expectFailure(c.evaluate(exchange(401, {}), 403), /HTTP 403/, /HTTP 401/));
  it('names the call and the requirement in the message', () => {
    const o = c.evaluate(exchange(200, {}), 401);
    expect(o.status === 'failed' && o.reason).toMatch(/^resource call with the old token: expected HTTP 401 \(RFC 6749 §4\.1\.2\)/);
  });
  it('checkResourceRejects defaults to RFC 6750 §3.1', () => expect(R.checkResourceRejects(exchange(200, {}), 401, 'x')).toMatchObject({ reason: expect.stringMatching(/RFC 6750 §3\.1/) }));
});

describe('invalidTokenChallenge', () => {
  const c = R.invalidTokenChallenge;
  it('passes 401 with Bearer error="invalid_token"', () => passes(c.evaluate(challenge(401, 'Bearer realm="api", error="invalid_token"'))));
  it('passes the scheme in any case', () => passes(c.evaluate(challenge(401, 'bearer error="invalid_token"'))));
  it('fails 403 with the same challenge', () => expectFailure(c.evaluate(challenge(403, 'Bearer error="invalid_token"')), /HTTP 401/, /HTTP 403/));
  it('fails 200 with the same challenge', () => expectFailure(c.evaluate(challenge(200, 'Bearer error="invalid_token"')), /HTTP 401/, /HTTP 200/));
  it('fails another scheme with the same error', () => expectFailure(c.evaluate(challenge(401, 'Basic error="invalid_token"')), /Bearer \.\.\. error="invalid_token"/, /Basic/));
  it('fails another error with the same scheme', () => expectFailure(c.evaluate(challenge(401, 'Bearer error="insufficient_scope"')), /invalid_token/, /insufficient_scope/));
  it('fails no challenge', () => expectFailure(c.evaluate(challenge(401)), /invalid_token/, /\(absent\)/));
  it('takes the spec\'s status and scheme', () => {
    passes(c.evaluate(challenge(403, 'PoP error="invalid_token"'), 403, 'PoP'));
    expect(c.evaluate(challenge(403, 'Bearer error="invalid_token"'), 403, 'PoP').status).toBe('failed');
  });
  it('checkInvalidTokenChallenge is the same check as a function', () => {
    expect(R.checkInvalidTokenChallenge(challenge(401, 'Bearer error="invalid_token"'))).toEqual(c.evaluate(challenge(401, 'Bearer error="invalid_token"')));
    expect(R.checkInvalidTokenChallenge(challenge(403, 'Bearer error="invalid_token"'), 401).status).toBe('failed');
  });
});

describe('challenge parsing edge cases (RFC 9110 §11.2, §11.3)', () => {
  it('parseChallenge reads a bare scheme without auth-params', () => expect(R.parseChallenge('Bearer')).toEqual({ scheme: 'Bearer', params: {} }));
  // RFC 9110 §11.2: auth-param = token BWS "=" BWS ( token / quoted-string ): whitespace around "=" is allowed.
  it('parseChallenge reads an auth-param with whitespace around "="', () =>
    expect(R.parseChallenge('Bearer error = "invalid_token"').params).toEqual({ error: 'invalid_token' }));
  it('parseChallenge finds no scheme in a value that does not start with one (nothing read from later text)', () =>
    expect(R.parseChallenge('"Bearer" error="invalid_token"')).toEqual({ params: {} }));
  // RFC 9110 §5.6.4: in a quoted-string a backslash escapes the next character, so \" does not end the string.
  it('challengeSchemes does not end a quoted string at an escaped quote', () =>
    expect(R.challengeSchemes('Bearer realm="a \\", Basic b"')).toEqual(['bearer']));
  it('challengeSchemes reads the scheme after a quoted string with an escaped quote', () =>
    expect(R.challengeSchemes('Bearer realm="a \\"b\\"", Basic realm="c"')).toEqual(['bearer', 'basic']));
});

describe('checkResourceAccepts: exactly the 2xx range (RFC 9110 §15.3)', () => {
  it('fails 199, just below it', () => expectFailure(R.checkResourceAccepts(exchange(199, { ok: true })), /^a 2xx \(token accepted\)$/, /^HTTP 199/));
  it('passes 299, its top', () => passes(R.checkResourceAccepts(exchange(299, { ok: true }))));
  it('fails 300, just above it', () => expectFailure(R.checkResourceAccepts(exchange(300, { ok: true })), /^a 2xx \(token accepted\)$/, /^HTTP 300/));
  it('names the response and cites RFC 6750 §2', () =>
    expect(R.checkResourceAccepts(exchange(401, {}))).toMatchObject({ field: 'protected resource response', reason: expect.stringContaining('(RFC 6750 §2)') }));
});

describe('invalidTokenChallenge: what a failure names', () => {
  it('a wrong status names the response and cites RFC 6750 §3.1', () =>
    expect(R.invalidTokenChallenge.evaluate(exchange(403, {}, { 'www-authenticate': 'Bearer error="invalid_token"' }))).toMatchObject({
      field: 'resource response to a rejected token', expected: 'HTTP 401', reason: expect.stringContaining('(RFC 6750 §3.1)'),
    }));
  it('a wrong challenge names the header and cites RFC 6750 §3.1', () =>
    expect(R.invalidTokenChallenge.evaluate(exchange(401, {}, { 'www-authenticate': 'Bearer error="invalid_request"' }))).toMatchObject({
      field: '"WWW-Authenticate" header', expected: 'Bearer ... error="invalid_token"', reason: expect.stringContaining('(RFC 6750 §3.1)'),
    }));
});
