/**
 * Self-tests of the PKCE checks (RFC 7636; RFC 9700 §2.1.1) and the PKCE value helpers: each violating input
 * differs from the conforming one in one property, and a failure states expected and observed.
 */
import { describe, expect, it } from 'vitest';
import * as P from '../../src/checks/pkce.ts';
import { codeChallenge, defaultPkceMethod, newCodeVerifier, newPkcePair } from '../../src/steps/pkce.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const rfc = loadSpec('rfc6749').spec;
const tokenBody = { access_token: 'at-1', token_type: 'Bearer' };
const redirect = (query: string) => ({ ...exchange(302, undefined, { location: `https://client.example/cb?${query}` }) });

describe('PKCE values (RFC 7636 §4.1, §4.2)', () => {
  it('derives the S256 challenge of the RFC 7636 Appendix B example', () =>
    expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'S256')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));
  it('uses the verifier itself as the plain challenge', () => expect(codeChallenge('abc', 'plain')).toBe('abc'));
  it('makes 43-character verifiers of the unreserved set, fresh each time', () => {
    const a = newCodeVerifier();
    expect(a).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(newCodeVerifier()).not.toBe(a);
  });
  it('pairs a verifier with its S256 challenge by default', () => {
    const p = newPkcePair();
    expect(p.method).toBe('S256');
    expect(p.challenge).toBe(codeChallenge(p.verifier, 'S256'));
  });
  it('uses S256 where the spec accepts it, plain only where it is the only method', () => {
    expect(defaultPkceMethod(rfc)).toBe('S256');
    const plainOnly = structuredClone(rfc);
    plainOnly.grants.authorization_code!.pkceMethods = ['plain'];
    expect(defaultPkceMethod(plainOnly)).toBe('plain');
  });
});

describe('verifierAccepted (the baseline)', () => {
  it('passes a 200 with an access token', () => expect(P.verifierAccepted.evaluate(exchange(200, tokenBody)).status).toBe('passed'));
  it('fails the same body with HTTP 400', () =>
    expectFailure(P.verifierAccepted.evaluate(exchange(400, tokenBody)), /^HTTP 200 with an access_token$/, /^HTTP 400 with/));
  it('fails a 200 without access_token', () =>
    expectFailure(P.verifierAccepted.evaluate(exchange(200, { token_type: 'Bearer' })), /access_token/, /^HTTP 200 with \{"token_type"/));
  it('fails when no response came', () => expectFailure(P.verifierAccepted.evaluate(transportFailure()), /HTTP 200/, /no response/));
});

describe('refused redemptions (the one rejection rule, case invalid_grant)', () => {
  const checks = [P.missingVerifierRejected, P.wrongVerifierRejected, P.plainDowngradeRejected, P.verifierWithoutChallengeRejected];
  it('names each check', () =>
    expect(checks.map((c) => c.id)).toEqual(['pkce.missing-verifier-rejected', 'pkce.wrong-verifier-rejected', 'pkce.plain-downgrade-rejected', 'pkce.verifier-without-challenge-rejected']));
  // Names are written out, not read from the checks: a test file that reads a property of a check while it is
  // collected fails to load when the check is missing, and a load failure is no test failure to Stryker.
  const names = ['missing verifier', 'wrong verifier', 'plain downgrade', 'verifier without challenge'];
  for (const [i, c] of checks.entries()) {
    describe(names[i]!, () => {
      it('passes HTTP 400 invalid_grant', () => expect(c.evaluate(exchange(400, { error: 'invalid_grant' }), rfc).status).toBe('passed'));
      if (c !== P.missingVerifierRejected) {
        it('fails the same status with invalid_request (RFC 7636 §4.6 names invalid_grant)', () =>
          expectFailure(c.evaluate(exchange(400, { error: 'invalid_request' }), rfc), /"invalid_grant"/, /"invalid_request"/));
      }
      it('fails the same status with another code (unsupported_grant_type)', () =>
        expectFailure(c.evaluate(exchange(400, { error: 'unsupported_grant_type' }), rfc), /"invalid_grant"/, /"unsupported_grant_type"/));
      it('fails the same body with HTTP 200', () => expectFailure(c.evaluate(exchange(200, { error: 'invalid_grant' }), rfc), /^HTTP 400/, /^HTTP 200/));
      it('fails the same body with HTTP 500', () => expectFailure(c.evaluate(exchange(500, { error: 'invalid_grant' }), rfc), /^HTTP 400/, /^HTTP 500/));
      it('fails a token', () => expectFailure(c.evaluate(exchange(200, tokenBody), rfc), /no access_token/, /access_token/));
      it('quotes its requirement in the message', () => expect((c.evaluate(exchange(200, tokenBody), rfc) as { reason: string }).reason).toContain(c.requirement));
    });
  }
});

describe('missingVerifierRejected: no false failure for invalid_request (@jmondi/oauth2-server answers it)', () => {
  // RFC 7636 §4.5 makes code_verifier REQUIRED; a request without it is "missing a required parameter", RFC 6749
  // §5.2's invalid_request. §4.6's invalid_grant is for a verifier that does not match.
  it('passes HTTP 400 invalid_request for a missing verifier', () =>
    expect(P.missingVerifierRejected.evaluate(exchange(400, { error: 'invalid_request' }), rfc).status).toBe('passed'));
  it('fails the same body with HTTP 200', () =>
    expectFailure(P.missingVerifierRejected.evaluate(exchange(200, { error: 'invalid_request' }), rfc), /^HTTP 400/, /^HTTP 200/));
});

describe('challengeRequired (RFC 7636 §4.4.1)', () => {
  it('passes a redirect with error=invalid_request', () => expect(P.challengeRequired.evaluate(redirect('error=invalid_request&state=s')).status).toBe('passed'));
  it('fails a redirect with a code', () =>
    expectFailure(P.challengeRequired.evaluate(redirect('code=abc&state=s')), /no code/, /^HTTP 302 redirecting with a code$/));
  it('fails a redirect with another error code', () =>
    expectFailure(P.challengeRequired.evaluate(redirect('error=access_denied&state=s')), /"invalid_request"/, /"access_denied"/));
  it('passes an error page (no redirect)', () => expect(P.challengeRequired.evaluate(exchange(400, 'invalid_request: PKCE required')).status).toBe('passed'));
  it('fails when no response came', () => expectFailure(P.challengeRequired.evaluate(transportFailure()), /authorization error/, /no response/));
});

describe('PKCE checks: what a failure names (the redemption, the expectation, the requirement)', () => {
  it('verifierAccepted fails HTTP 200 with a body that is not JSON, without throwing', () =>
    expectFailure(P.verifierAccepted.evaluate(exchange(200, 'access_token=at-1')), /^HTTP 200 with an access_token$/, /^HTTP 200/));
  it('verifierAccepted names the redemption and cites RFC 7636 §4.6', () => {
    const o = P.verifierAccepted.evaluate(exchange(400, { error: 'invalid_grant' }));
    expect(o).toMatchObject({ status: 'failed', field: 'redemption of a PKCE (S256) code with its code_verifier', expected: 'HTTP 200 with an access_token' });
    expect(o.status === 'failed' && o.reason).toContain('(RFC 7636 §4.6)');
  });
  it.each([
    ['redemption of a PKCE code without code_verifier', P.missingVerifierRejected],
    ['redemption of a PKCE code with a code_verifier that does not derive its challenge', P.wrongVerifierRejected],
    ['redemption of an S256 code with code_verifier = its code_challenge', P.plainDowngradeRejected],
    ['redemption with code_verifier of a code requested without code_challenge', P.verifierWithoutChallengeRejected],
  ] as const)('a token for the %s fails, naming it', (what, check) =>
    expect(check.evaluate(exchange(200, tokenBody), rfc)).toMatchObject({ status: 'failed', field: what }));
  it('challengeRequired names the authorization request and each expectation, citing RFC 7636 §4.4.1', () => {
    const field = 'authorization request without code_challenge';
    const code = P.challengeRequired.evaluate(redirect('code=abc&state=s'));
    expect(code).toMatchObject({ status: 'failed', field, expected: 'no code (an "error" of invalid_request on the redirect)' });
    expect(code.status === 'failed' && code.reason).toContain('(RFC 7636 §4.4.1)');
    const cites = expect.stringContaining('(RFC 7636 §4.4.1)');
    expect(P.challengeRequired.evaluate(redirect('error=access_denied&state=s'))).toMatchObject({ field, expected: 'error "invalid_request"', observed: 'error "access_denied"', reason: cites });
    expect(P.challengeRequired.evaluate(transportFailure())).toMatchObject({ field, expected: 'an authorization error response', reason: cites });
  });
});
