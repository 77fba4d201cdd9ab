/**
 * Kill matrix for the revocation suite (RFC 7009): each fault injected into a mock must make the check meant to
 * notice it fail, and the clean mock must pass the same check. Every bundled spec's clean mock passes the whole
 * suite (specs without a revoke endpoint record the suite as not applicable, with the reason).
 */
import { describe, expect, it } from 'vitest';
import revocation from '../../suites/revocation.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { result, runOnMock, killMatrix, cleanRun } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  ['att', 'revoke-valid-204', 'revocation.valid-token-200'],
  ['rfc6749', 'revoke-valid-204', 'revocation.valid-token-200'],
  ['att', 'revoke-noop', 'revocation.access-token-rejected'],
  ['rfc6749', 'revoke-noop', 'revocation.access-token-rejected'],
  ['att', 'revoke-noop', 'revocation.refresh-token-rejected'],
  ['rfc6749', 'revoke-noop', 'revocation.refresh-token-rejected'],
  ['att', 'revoke-refresh-keeps-access', 'revocation.refresh-revokes-access-tokens'],
  ['rfc6749', 'revoke-refresh-keeps-access', 'revocation.refresh-revokes-access-tokens'],
  ['att', 'revoke-unknown-400', 'revocation.unknown-token-200'],
  ['rfc6749', 'revoke-unknown-400', 'revocation.unknown-token-200'],
  ['att', 'revoke-no-client-auth', 'revocation.client-auth-required'],
  ['rfc6749', 'revoke-no-client-auth', 'revocation.client-auth-required'],
  ['att', 'revoke-hint-strict', 'revocation.wrong-hint-still-revokes'],
  ['rfc6749', 'revoke-hint-strict', 'revocation.wrong-hint-still-revokes'],
];

const clean = (spec: string) => cleanRun(revocation, spec);

describe('kill matrix: revocation', () => {
  killMatrix(revocation, cases, listBundledSpecIds());

  it('a revocation that does nothing fails only what it breaks, not the 200 answers', async () => {
    const r = await runOnMock(revocation, 'att', ['revoke-noop']);
    expect(result(r, 'revocation.valid-token-200').status).toBe('passed');
    expect(result(r, 'revocation.unknown-token-200').status).toBe('passed');
  });

  it('is not applicable, with the reason, to specs without a revoke endpoint', async () => {
    for (const spec of ['tangoe', 'mobile-digital', 'tmobile-naas-v2', 'tmobile-apis-v6']) {
      expect(await clean(spec)).toEqual([expect.objectContaining({ id: 'revocation.applicable', status: 'not_applicable', reason: 'the spec declares no revocation endpoint (RFC 7009)' })]);
    }
  });
});

describe('a revoke endpoint that is not there', () => {
  it('skips the "revoked token still accepted" checks behind the failed revocation (regression: they failed after a 404)', async () => {
    const { runConformance } = await import('../../src/runner/engine.ts');
    const { startMockTarget } = await import('../../src/target/mock-target.ts');
    const { loadSpec } = await import('../../src/spec/load.ts');
    const { Redactor } = await import('../../src/redact.ts');
    const spec = loadSpec('att').spec;
    const [run] = await runConformance({
      suites: [revocation],
      plans: [{ spec, targetLabel: 'mock', acquire: async () => {
        const m = await startMockTarget(spec);
        return { target: { ...m.target, endpoints: { revoke: '/oauthgate-no-such-endpoint' } }, release: m.close };
      } }],
      redactor: new Redactor(),
    });
    const checks = run!.checks;
    expect(result(checks, 'revocation.valid-token-200').status).toBe('failed');
    for (const id of ['revocation.access-token-rejected', 'revocation.refresh-token-rejected', 'revocation.wrong-hint-still-revokes']) {
      const r = result(checks, id);
      expect(r.status, `${id}: ${r.reason}`).toBe('skipped');
      expect(r.reason).toMatch(/revocation|revoke/);
    }
  });
});
