/**
 * Every bundled spec's contract, verified with Pact's Verifier against the spec's own mock: the mock behaves as
 * the spec says, so every interaction must pass. (The changed-provider tests show the same contracts failing.)
 */
import { describe, expect, it } from 'vitest';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { contractOf, verifyOnMock } from './support.ts';

describe('contracts verified against their own mocks', () => {
  for (const id of listBundledSpecIds()) {
    it(`${id}: every interaction passes, and the verifier's report never shows the client secret`, async () => {
      const { checks, log, secret } = await verifyOnMock(id);
      const contract = await contractOf(id);
      expect(checks.map((c) => c.id).sort()).toEqual(contract.cases.map((c) => `pact.${c.key}`).sort());
      expect(checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} ${c.reason}`)).toEqual([]);
      expect(log).toContain('Verifying a pact between oauthgate and');
      expect(log).not.toContain(secret);
    }, 90_000);
  }
});
