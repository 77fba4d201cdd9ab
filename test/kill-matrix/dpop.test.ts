/**
 * Kill matrix for the DPoP suite: each DPoP fault injected into the RFC 6749 mock must make the check meant to
 * notice it fail, and the clean mock must pass the same check; every bundled spec's clean mock passes the whole
 * suite (or finds it not applicable).
 */
import { describe, expect, it } from 'vitest';
import dpop from '../../suites/dpop.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds, loadSpec } from '../../src/spec/load.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import { Redactor } from '../../src/redact.ts';
import { DPOP_CHECKS } from '../../src/checks/dpop.ts';
import { cleanRun, failedIds, killMatrix, result, runOnMock } from '../support/harness.ts';

const rfc6749 = () => structuredClone(loadSpec('rfc6749').spec);
/** The rfc6749 profile where DPoP is required (pop.required true): a Bearer answer is a failure there. */
function dpopRequired(): ProviderSpec {
  const spec = rfc6749();
  spec.pop = { ...spec.pop!, required: true };
  return spec;
}
/** The plain rfc6749 mock with no DPoP at all (pop removed): a server that ignores the DPoP header. */
function withoutDpop(): ProviderSpec {
  const spec = rfc6749();
  delete spec.pop;
  return spec;
}

/** Runs the dpop suite with `spec` against a mock that behaves as `serverSpec` says (a server without DPoP). */
async function runAgainst(spec: ProviderSpec, serverSpec: ProviderSpec) {
  const [run] = await runConformance({
    suites: [dpop],
    plans: [{ spec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(serverSpec, []); return { target: m.target, release: m.close }; } }],
    timeoutMs: 5_000,
    redactor: new Redactor(),
    settings: { seed: 20261127, fuzzRuns: 1 },
  });
  return run!.checks;
}

const cases: Array<[string, FaultName, string]> = [
  ['rfc6749', 'no-access-token', 'dpop.token.valid-proof-accepted'],
  ['rfc6749', 'dpop-skip-ath-value', 'dpop.resource.wrong-ath-rejected'],
  ['rfc6749', 'dpop-skip-htm', 'dpop.token.wrong-htm-rejected'],
  ['rfc6749', 'dpop-skip-htu', 'dpop.token.wrong-htu-rejected'],
  ['rfc6749', 'dpop-skip-iat', 'dpop.token.stale-iat-rejected'],
  ['rfc6749', 'dpop-skip-iat', 'dpop.token.future-iat-rejected'],
  ['rfc6749', 'dpop-skip-jti', 'dpop.token.reused-jti-rejected'],
  ['rfc6749', 'dpop-allow-none', 'dpop.token.alg-none-rejected'],
  ['rfc6749', 'dpop-allow-private-jwk', 'dpop.token.private-jwk-rejected'],
  ['rfc6749', 'dpop-skip-ath', 'dpop.resource.missing-ath-rejected'],
  // A token_type that is neither DPoP nor Bearer (a Bearer token is a server declining to bind: see below).
  ['rfc6749', 'token-type-mac', 'dpop.token.token-type-dpop'],
  ['rfc6749', 'dpop-type-unbound', 'dpop.token.bound-to-key'],
  ['rfc6749', 'resource-rejects-all', 'dpop.resource.valid-proof-accepted'],
];

describe('kill matrix: DPoP', () => {
  killMatrix(dpop, cases, listBundledSpecIds());

  it.each(listBundledSpecIds())('%s: the suite runs in full on DPoP specs and is not applicable elsewhere', async (spec) => {
    const results = await cleanRun(dpop, spec);
    if (spec === 'rfc6749') expect(results.filter((r) => r.status === 'passed')).toHaveLength(13);
    else expect(results.map((r) => [r.id, r.status])).toEqual([['dpop.applicable', 'not_applicable']]);
  });

  describe('a server that does not bind (token_type Bearer, RFC 9449 §5)', () => {
    it('without DPoP, where the spec does not require it: every check not applicable, quoting the token_type', async () => {
      for (const results of [await runAgainst(rfc6749(), withoutDpop()), await runOnMock(dpop, 'rfc6749', ['dpop-not-bound'])]) {
        expect(results.map((r) => r.id)).toEqual(DPOP_CHECKS.map((c) => c.id));
        for (const r of results) {
          expect(r.status, r.id).toBe('not_applicable');
          expect(r.reason).toMatch(/with token_type "Bearer": it did not bind the token, which RFC 9449 §5 allows .*pop\.required false/);
        }
      }
    });

    it('where the spec requires DPoP: exactly one failure (token-type-dpop), the rest skipped behind it', async () => {
      for (const results of [await runAgainst(dpopRequired(), withoutDpop()), await runOnMock(dpop, dpopRequired(), ['dpop-not-bound'])]) {
        expect(failedIds(results)).toEqual(['dpop.token.token-type-dpop']);
        expect(result(results, 'dpop.token.token-type-dpop')).toMatchObject({ severity: 'MUST', reason: expect.stringMatching(/expected "DPoP" \(RFC 9449 §5\), observed "Bearer" \(the token was not bound/) });
        expect(result(results, 'dpop.token.valid-proof-accepted').status).toBe('passed');
        const rest = results.filter((r) => !['dpop.token.token-type-dpop', 'dpop.token.valid-proof-accepted'].includes(r.id));
        expect(rest).toHaveLength(DPOP_CHECKS.length - 2);
        for (const r of rest) expect([r.id, r.status, r.reason]).toEqual([r.id, 'skipped', expect.stringContaining('prerequisite "check dpop.token.token-type-dpop passes" failed')]);
      }
    });

    it('a DPoP-required spec on a server that binds passes in full', async () => {
      expect(failedIds(await runOnMock(dpop, dpopRequired()))).toEqual([]);
    });
  });

  it('no result carries a raw DPoP proof or access token', async () => {
    const results = await runOnMock(dpop, 'rfc6749', ['dpop-skip-htm', 'dpop-type-unbound']);
    expect(results.some((r) => r.status === 'failed')).toBe(true);
    expect(JSON.stringify(results)).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\./);
  });
});
