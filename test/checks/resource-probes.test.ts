/**
 * Self-tests of the checks on what the resource refuses at once. Each violating input differs from its
 * conforming one in ONE property (the status, the challenge scheme, one probe's status).
 */
import { describe, expect, it } from 'vitest';
import * as R from '../../src/checks/resource-probes.ts';
import type { Outcome } from '../../src/checks/check.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const passes = (o: Outcome) => expect(o.status, o.status === 'passed' ? '' : o.reason).toBe('passed');
const probe = (name: string, status: number, headers: Record<string, string> = {}) => ({ name, ex: exchange(status, { error: 'invalid_token' }, headers) });

describe('resource.bogus-token-rejected', () => {
  const c = R.bogusTokenRejected;
  it('passes the spec\'s status', () => passes(c.evaluate(exchange(401, { error: 'invalid_token' }), 401)));
  it('fails 200 (a token never issued accepted)', () => expectFailure(c.evaluate(exchange(200, { error: 'invalid_token' }), 401), /HTTP 401/, /HTTP 200/));
  it('fails 500 (no rejection, a server failure)', () => expectFailure(c.evaluate(exchange(500, { error: 'invalid_token' }), 401), /HTTP 401/, /HTTP 500/));
  it('fails when no response came', () => expectFailure(c.evaluate(transportFailure(), 401), /HTTP 401/, /no response/));
  it('names the requirement', () => expect(c.evaluate(exchange(200, {}), 401)).toMatchObject({ reason: expect.stringMatching(/never issued: expected HTTP 401 \(invalid_token\) \(RFC 6749 §7; RFC 6750 §3\.1\)/) }));
});

describe('resource.bogus-token-challenge', () => {
  const c = R.bogusTokenChallenge;
  it('passes a Bearer challenge', () => passes(c.evaluate(exchange(401, {}, { 'www-authenticate': 'Bearer realm="x", error="invalid_token"' }))));
  it('passes a Bearer challenge listed after another one', () => passes(c.evaluate(exchange(401, {}, { 'www-authenticate': 'Basic realm="a", Bearer realm="b"' }))));
  it('fails no header', () => expectFailure(c.evaluate(exchange(401, {})), /Bearer scheme/, /\(absent\)/));
  it('fails another scheme', () => expectFailure(c.evaluate(exchange(401, {}, { 'www-authenticate': 'Basic realm="x"' })), /Bearer scheme/, /Basic/));
});

describe('resource.malformed-token-rejected', () => {
  const c = R.malformedTokenRejected;
  it('passes the spec\'s status for every probe', () => passes(c.evaluate([probe('a', 401), probe('b', 401)], 401)));
  it('passes 400 (invalid_request, RFC 6750 §3.1)', () => passes(c.evaluate([probe('a', 400), probe('b', 401)], 401)));
  it('fails one accepted probe, naming it', () => {
    const o = c.evaluate([probe('the token with a space', 401), probe('the token with a quote', 200)], 401);
    expectFailure(o, /HTTP 401/, /HTTP 200/);
    expect(o.status === 'failed' && o.reason).toMatch(/^resource call with the token with a quote:/);
  });
  it('fails 403 where the spec says 401', () => expectFailure(c.evaluate([probe('a', 403)], 401), /HTTP 401/, /HTTP 403/));
  it('fails an empty probe list instead of passing it', () => expect(c.evaluate([], 401).status).toBe('failed'));
});

describe('resource.malformed-token-challenge', () => {
  const c = R.malformedTokenChallenge;
  const bearer = { 'www-authenticate': 'Bearer realm="x"' };
  it('passes a Bearer challenge on every refusal, 401 or 400', () => passes(c.evaluate([probe('a', 401, bearer), probe('b', 400, bearer)])));
  it('fails one refusal without a challenge, naming its probe', () => {
    const o = c.evaluate([probe('a', 401, bearer), probe('the token with a quote', 401)]);
    expectFailure(o, /Bearer scheme/, /\(absent\)/);
    expect(o.status === 'failed' && o.reason).toMatch(/^"WWW-Authenticate" header on the refusal of the token with a quote:/);
  });
  it('fails a Basic challenge', () => expectFailure(c.evaluate([probe('a', 401, { 'www-authenticate': 'Basic realm="x"' })]), /Bearer scheme/, /Basic/));
});

describe('forgery checks', () => {
  // Named by hand, not by c.id (a missing check must fail a test, not the file's loading).
  for (const [name, c] of [['alg none', R.algNoneCopyRejected], ['re-signed', R.reSignedCopyRejected], ['claim changed', R.claimChangedCopyRejected]] as const) {
    it(`${name}: passes every probe refused, fails the one accepted naming it`, () => {
      passes(c.evaluate([probe('copy with "scope" changed', 401), probe('copy with "exp" changed', 401)], 401));
      const o = c.evaluate([probe('copy with "scope" changed', 401), probe('copy with "exp" changed', 200)], 401);
      expectFailure(o, /HTTP 401/, /HTTP 200/);
      expect(o.status === 'failed' && o.reason).toMatch(/^resource call with copy with "exp" changed:/);
    });
  }
});

describe('resource.required-headers-enforced', () => {
  const c = R.requiredHeadersEnforcedAtResource;
  const tangoe = loadSpec('tangoe').spec;
  /** tangoe with a provider-cited status for a missing header. */
  const cited = (status: number): ProviderSpec => ({
    ...tangoe,
    errors: { ...tangoe.errors, cases: { ...tangoe.errors.cases, missing_required_header: { status, error: 'invalid_request', source: [{ doc: 'tangoe', line: 8, quote: 'passed in as a header' }] } } },
  });
  it('assumed status: passes any 4xx', () => {
    passes(c.evaluate([probe('h left out', 400), probe('wrong h', 403)], tangoe));
    passes(c.evaluate([probe('h left out', 401)], tangoe));
  });
  it('assumed status: the pass says, per probe, that no document gives the status and what was observed', () =>
    expect(c.evaluate([probe('h left out', 400), probe('a wrong h value', 403)], tangoe)).toEqual({
      status: 'passed',
      note: 'no provider document gives the status; observed 400 (h left out), 403 (a wrong h value)',
    }));
  it('cited status: the pass carries no assumption note', () => expect(c.evaluate([probe('h left out', 400)], cited(400))).toEqual({ status: 'passed' }));
  it('assumed status: fails 200, naming the probe', () => {
    const o = c.evaluate([probe('h left out', 400), probe('a wrong h value', 200)], tangoe);
    expectFailure(o, /a 4xx/, /HTTP 200/);
    expect(o.status === 'failed' && o.reason).toMatch(/^resource call with a wrong h value/);
  });
  it('assumed status: fails 500', () => expectFailure(c.evaluate([probe('h left out', 500)], tangoe), /a 4xx/, /HTTP 500/));
  it('cited status: passes it, fails another 4xx', () => {
    passes(c.evaluate([probe('h left out', 400)], cited(400)));
    expectFailure(c.evaluate([probe('h left out', 401)], cited(400)), /HTTP 400/, /HTTP 401/);
  });
  it('cited status: names the document line', () => expect(c.evaluate([probe('h left out', 401)], cited(400))).toMatchObject({ reason: expect.stringMatching(/tangoe line 8/) }));
});

describe('resource probes: what a failure names (expectation, reason, requirement)', () => {
  it('an empty probe list fails as the harness\'s own error, not the server\'s', () =>
    expect(R.malformedTokenRejected.evaluate([], 401)).toMatchObject({ status: 'failed', field: 'probes', expected: 'at least one probe sent', observed: 'none', reason: 'probes: expected at least one probe sent (harness), observed none' }));
  it('a malformed credential accepted: says 400 would do too, citing RFC 6750 §2.1, §3.1', () =>
    expect(R.malformedTokenRejected.evaluate([probe('a', 200)], 401)).toMatchObject({
      expected: 'HTTP 401 (malformed credentials; 400 also accepted)', reason: expect.stringContaining('(RFC 6750 §2.1, §3.1)'),
    }));
  it.each([
    ['unsigned (alg none)', R.algNoneCopyRejected],
    ['signed with a key the server does not hold', R.reSignedCopyRejected],
    ['a claim changed under the original signature', R.claimChangedCopyRejected],
  ] as const)('a forged copy accepted: says why it must be refused (%s)', (why, check) =>
    expect(check.evaluate([probe('copy', 200)], 401)).toMatchObject({ status: 'failed', expected: `HTTP 401 (${why})` }));
  describe('required headers', () => {
    const c = R.requiredHeadersEnforcedAtResource;
    const tangoe = loadSpec('tangoe').spec;
    const noCase: ProviderSpec = { ...tangoe, errors: { ...tangoe.errors, cases: Object.fromEntries(Object.entries(tangoe.errors.cases).filter(([k]) => k !== 'missing_required_header')) } };
    const twoSources: ProviderSpec = {
      ...tangoe,
      errors: { ...tangoe.errors, cases: { ...tangoe.errors.cases, missing_required_header: { status: 400, error: 'invalid_request', source: [{ doc: 'tangoe', line: 8, quote: 'q' }, { doc: 'tangoe', line: 9, quote: 'q' }] } } },
    };
    it('a spec without the error case: passes a 4xx (no crash on the absent case)', () => passes(c.evaluate([probe('h left out', 403)], noCase)));
    it('a spec without the error case: fails a 200, citing the requiredHeaders section', () =>
      expect(c.evaluate([probe('h left out', 200)], noCase)).toMatchObject({
        expected: 'a 4xx (no provider document gives the status for a missing required header)', reason: expect.stringContaining('(provider spec requiredHeaders)'),
      }));
    it('a cited status: names the header as the reason and every document line', () =>
      expect(c.evaluate([probe('h left out', 401)], twoSources)).toMatchObject({
        expected: 'HTTP 400 (required header)', reason: expect.stringContaining('(provider spec errors.cases.missing_required_header (tangoe line 8, tangoe line 9))'),
      }));
  });
});
