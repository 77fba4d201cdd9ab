/**
 * Kill matrix for the pkce suite (RFC 7636; RFC 9700 §2.1.1): each fault injected into a mock makes the check
 * meant to notice it fail, and the clean mock passes the same check.
 */
import { describe, expect, it } from 'vitest';
import pkce from '../../suites/pkce.ts';
import type { FaultName } from '../../providers/faults.ts';
import { loadSpec } from '../../src/spec/load.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { cleanRun, killMatrix, problems, result, runOnMock } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  ['rfc6749', 'no-access-token', 'pkce.s256-verifier-accepted'],
  ['rfc6749', 'pkce-not-verified', 'pkce.missing-verifier-rejected'],
  ['rfc6749', 'pkce-not-verified', 'pkce.wrong-verifier-rejected'],
  ['rfc6749', 'pkce-not-verified', 'pkce.plain-downgrade-rejected'],
  ['rfc6749', 'pkce-verifier-optional', 'pkce.missing-verifier-rejected'],
  ['rfc6749', 'pkce-allow-plain', 'pkce.plain-downgrade-rejected'],
  ['rfc6749', 'pkce-downgrade', 'pkce.verifier-without-challenge-rejected'],
];

/** rfc6749 with PKCE required (as @jmondi/oauth2-server and OAuth 2.1 do). */
function requiredSpec(): ProviderSpec {
  const spec = structuredClone(loadSpec('rfc6749').spec);
  spec.grants.authorization_code!.pkce = 'required';
  return spec;
}

describe('kill matrix: pkce', () => {
  killMatrix(pkce, cases, ['rfc6749']);

  it('each narrow fault fails only its own check', async () => {
    const optional = await runOnMock(pkce, 'rfc6749', ['pkce-verifier-optional']);
    expect(result(optional, 'pkce.wrong-verifier-rejected').status).toBe('passed');
    const plain = await runOnMock(pkce, 'rfc6749', ['pkce-allow-plain']);
    expect(result(plain, 'pkce.missing-verifier-rejected').status).toBe('passed');
    expect(result(plain, 'pkce.wrong-verifier-rejected').status).toBe('passed');
  });

  it('is not applicable, with the reason, where the spec says the provider has no PKCE or no code grant', async () => {
    expect(await cleanRun(pkce, 'att')).toEqual([
      expect.objectContaining({ id: 'pkce.applicable', status: 'not_applicable', reason: 'the spec says the provider has no PKCE (grants.authorization_code.pkce: none)' }),
    ]);
    expect(await cleanRun(pkce, 'tangoe')).toEqual([expect.objectContaining({ id: 'pkce.applicable', status: 'not_applicable', reason: 'the spec has no authorization_code grant' })]);
  });

  it('pkce: required — the clean mock passes every check, and pkce-not-required fails pkce.challenge-required', async () => {
    const clean = await runOnMock(pkce, requiredSpec());
    expect(problems(clean)).toEqual([]);
    expect(result(clean, 'pkce.challenge-required').status).toBe('passed');
    expect(result(clean, 'pkce.verifier-without-challenge-rejected').status).toBe('not_applicable');
    const r = result(await runOnMock(pkce, requiredSpec(), ['pkce-not-required']), 'pkce.challenge-required');
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/expected no code .+ observed HTTP 302 redirecting with a code/);
  });

  it('a server that refuses S256 challenges passes none of the refusals: each is skipped with the step that failed', async () => {
    // The harness's spec says S256; the mock's accepts only plain, so every S256 code request is refused.
    const harnessSpec = loadSpec('rfc6749').spec;
    const mockSpec = structuredClone(harnessSpec);
    mockSpec.grants.authorization_code!.pkceMethods = ['plain'];
    const { runConformance } = await import('../../src/runner/engine.ts');
    const { startMockTarget } = await import('../../src/target/mock-target.ts');
    const { Redactor } = await import('../../src/redact.ts');
    const [run] = await runConformance({
      suites: [pkce],
      plans: [{ spec: harnessSpec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(mockSpec); return { target: m.target, release: m.close }; } }],
      redactor: new Redactor(),
    });
    const checks = run!.checks;
    for (const id of ['pkce.s256-verifier-accepted', 'pkce.missing-verifier-rejected', 'pkce.wrong-verifier-rejected', 'pkce.plain-downgrade-rejected']) {
      const r = result(checks, id);
      expect(r.status, id).toBe('skipped');
      expect(r.reason).toMatch(/S256 code_challenge/);
    }
  });
});
