/**
 * Self-tests of the fuzz property checks (src/checks/fuzz.ts): a run whose cases all held passes and says how many
 * ran; a run with a counterexample fails, naming the shrunk (or unshrunk) case, the verdict, the seed, the path and
 * the command that reproduces it — the only way a user gets from a report back to the failing request. Each
 * violating run differs from the conforming one in one property.
 * @see https://fast-check.dev/docs/core-blocks/runners/
 */
import { describe, expect, it } from 'vitest';
import type { PropertyRun } from '../../src/fuzz/property.ts';
import * as F from '../../src/checks/fuzz.ts';

const REPRO = 'oauthgate fuzz --seed 42';
const held: PropertyRun<unknown> = { runs: 25, requests: 50, seed: 42 };
const failure = { original: { scope: 'a b c' }, verdict: 'HTTP 500', shrunk: { scope: 'a' }, shrunkVerdict: 'HTTP 502' };

describe('propertyCheck (one fuzz property as a check)', () => {
  const c = F.propertyCheck('fuzz.test.prop', 'A test property', 'RFC 6749 §5.2', 'a 4xx for every case');

  it('carries the metadata it was built with', () =>
    expect({ id: c.id, title: c.title, requirement: c.requirement }).toEqual({ id: 'fuzz.test.prop', title: 'A test property', requirement: 'RFC 6749 §5.2' }));

  it('passes a run whose cases all held, naming cases, requests and seed', () =>
    expect(c.evaluate(held, REPRO)).toEqual({ status: 'passed', note: '25 generated cases held (50 requests, seed 42)' }));

  it('says so when the request budget stopped a passing run early', () =>
    expect(c.evaluate({ ...held, budgetExhausted: true }, REPRO)).toEqual({ status: 'passed', note: '25 generated cases held (50 requests, seed 42, stopped early: request budget spent)' }));

  it('is skipped when the budget was spent before any case ran (never a pass on zero cases)', () => {
    const r = c.evaluate({ ...held, runs: 0 }, REPRO);
    expect(r).toEqual({ status: 'skipped', reason: `the fuzz request budget was spent before any case of this property ran (${REPRO})` });
  });

  it('fails a run with zero judged cases but a failure (the failure decides, not the count)', () =>
    expect(c.evaluate({ ...held, runs: 0, failure }, REPRO).status).toBe('failed'));

  it('fails with the shrunk counterexample, its verdict, the seed and the reproduce command', () => {
    const r = c.evaluate({ ...held, failure }, REPRO);
    expect(r).toMatchObject({
      status: 'failed',
      field: 'property "fuzz.test.prop"',
      expected: 'a 4xx for every case',
      observed: `shrunk counterexample {"scope":"a"}: HTTP 502 (seed 42; reproduce with ${REPRO})`,
      reason: `property "fuzz.test.prop": expected a 4xx for every case (RFC 6749 §5.2), observed shrunk counterexample {"scope":"a"}: HTTP 502 (seed 42; reproduce with ${REPRO})`,
    });
  });

  it('names the path of the counterexample when the property has one', () => {
    const r = c.evaluate({ ...held, failure: { ...failure, path: '0:1' } }, REPRO);
    expect(r.status === 'failed' && r.observed).toBe(`shrunk counterexample {"scope":"a"}: HTTP 502 (seed 42, path "0:1"; reproduce with ${REPRO})`);
  });

  it('fails with the original case and verdict when shrinking did not run', () => {
    const r = c.evaluate({ ...held, failure: { original: { scope: 'a b c' }, verdict: 'HTTP 500' } }, REPRO);
    expect(r.status === 'failed' && r.observed).toBe(`counterexample {"scope":"a b c"} (not shrunk): HTTP 500 (seed 42; reproduce with ${REPRO})`);
  });

  it('uses the shrunk case with the original verdict when shrinking kept no verdict of its own', () => {
    const r = c.evaluate({ ...held, failure: { original: 'x', verdict: 'HTTP 500', shrunk: '' } }, REPRO);
    expect(r.status === 'failed' && r.observed).toBe(`shrunk counterexample "": HTTP 500 (seed 42; reproduce with ${REPRO})`);
  });
});

describe('the registered fuzz properties', () => {
  it('are property checks with their stable ids', () =>
    expect([F.noServerError, F.invalidRequestRejected, F.grantedScopeWithinRequest, F.redirectDecisionMatchesRule, F.mutatedBearerRejected, F.mutatedPopRejected, F.mutatedDpopRejected].map((c) => c.id)).toEqual([
      'fuzz.token.no-server-error', 'fuzz.token.invalid-request-rejected', 'fuzz.scope.granted-within-request', 'fuzz.redirect-uri.decision-matches-rule',
      'fuzz.resource.mutated-bearer-rejected', 'fuzz.pop.mutated-or-replayed-rejected', 'fuzz.dpop.mutated-proof-rejected',
    ]));

  // The expectation is the "expected" half of every fuzz failure a user reads; pin each.
  it.each([
    [F.noServerError, 'every malformed token request answered by a 2xx or a 4xx whose body is a JSON object with an "error" string'],
    [F.invalidRequestRejected, 'a rejection as the spec documents the case (else a 4xx with one of RFC 6749 §5.2\'s codes for it) and no access_token'],
    [F.grantedScopeWithinRequest, 'a granted "scope" whose values are all among the requested ones'],
    [F.redirectDecisionMatchesRule, 'a redirect to the URI exactly when the spec\'s rule accepts it (the mock\'s matcher is the oracle)'],
    [F.mutatedBearerRejected, 'the spec\'s invalid-token status for a mutated token, a 2xx for the valid one'],
    [F.mutatedPopRejected, 'a 4xx without a token for a changed or replayed PoP token, HTTP 200 for a fresh one'],
    [F.mutatedDpopRejected, 'a 4xx without a token for a proof breaking one rule, HTTP 200 with a DPoP-bound token for a fresh one'],
  ] as const)('%# states its expectation in a failure', (check, expectation) => {
    const r = check.evaluate({ ...held, failure }, REPRO);
    expect(r.status === 'failed' && r.expected).toBe(expectation);
    expect(r.status === 'failed' && r.reason).toContain(`(${check.requirement})`);
  });
});
