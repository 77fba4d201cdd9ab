/**
 * Every bundled spec's contract, verified with Pact's Verifier against the spec's own mock: the mock behaves as
 * the spec says, so every interaction must pass. (The changed-provider tests show the same contracts failing.)
 */
import { describe, expect, it } from 'vitest';
import { listBundledSpecIds, loadSpec } from '../../src/spec/load.ts';
import { contractOf, verifyOnMock } from './support.ts';

describe('contracts verified against their own mocks', () => {
  for (const id of listBundledSpecIds()) {
    it(`${id}: every interaction passes with its own exchange as evidence, and the verifier's report never shows the client secret`, async () => {
      const { checks, log, secret } = await verifyOnMock(id);
      const contract = await contractOf(id);
      expect(checks.map((c) => c.id).sort()).toEqual(contract.cases.map((c) => `pact.${c.key}`).sort());
      expect(checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} ${c.reason}`)).toEqual([]);
      // Each result carries the exchange Pact replayed for it, redacted.
      for (const c of checks) expect(c.evidence?.map((e) => [e.method, e.status !== undefined])).toEqual([[expect.any(String), true]]);
      const resource = checks.find((c) => c.id === 'pact.resource.bearer')!.evidence![0]!;
      expect(resource.requestHeaders.authorization).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
      expect(new URL(resource.url).pathname).toBe(loadSpec(id).spec.resource.path);
      for (const c of checks.filter((x) => x.id.startsWith('pact.token.') || x.id.startsWith('pact.error.'))) expect(new URL(c.evidence![0]!.url).pathname).toBe(loadSpec(id).spec.endpoints.token.path);
      // The evidence is that interaction's own exchange: each error case shows its documented status, each token request 200.
      const cases = loadSpec(id).spec.errors.cases as Record<string, { status: number }>;
      for (const c of checks) {
        const want = c.id.startsWith('pact.error.') ? cases[c.id.slice('pact.error.'.length).replace(/-/g, '_')]!.status : c.id.startsWith('pact.token.') ? 200 : undefined;
        if (want !== undefined) expect(c.evidence![0]!.status, c.id).toBe(want);
      }
      expect(log).toContain('Verifying a pact between oauthgate and');
      expect(log).not.toContain(secret);
    }, 90_000);
  }
});
