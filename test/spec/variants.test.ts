/**
 * Spec variants as a property: for specs generated across the schema (test/support/spec-arbitrary.ts), the clean
 * mock passes every suite — no failed and no skipped check; departures from the RFCs show as documented
 * deviations — and a fault sampled from those that apply still fails the check meant to catch it.
 *
 * The seed is printed; replay a run with OAUTHGATE_SEED=<seed> (and OAUTHGATE_RUNS=<n>). A few hundred
 * variants: `npm run variants`.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runAllSuites } from '../support/spec-variant.ts';
import { faultProbesFor, specOf, variantChoices } from '../support/spec-arbitrary.ts';
import { SUITES } from '../../suites/index.ts';
import { runOnMock } from '../support/harness.ts';

const seed = process.env.OAUTHGATE_SEED ? Number(process.env.OAUTHGATE_SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
const runs = process.env.OAUTHGATE_RUNS ? Number(process.env.OAUTHGATE_RUNS) : 3;

describe('spec variants', () => {
  it(`the clean mock passes every suite on each variant, and a sampled fault is caught (seed ${seed}, ${runs} runs)`, async () => {
    console.log(`spec variants: seed ${seed} (replay with OAUTHGATE_SEED=${seed})`);
    await fc.assert(
      fc.asyncProperty(variantChoices, fc.nat(), async (choices, pick) => {
        const spec = specOf(choices);
        const results = await runAllSuites(spec, [], { seed, fuzzRuns: 10 });
        const problems = results.filter((r) => r.status === 'failed' || r.status === 'skipped').map((r) => `${r.status} ${r.id}: ${r.reason}`);
        expect(problems).toEqual([]);
        for (const r of results.filter((x) => x.status === 'deviation')) expect(spec.deviations.map((d) => d.id)).toEqual(expect.arrayContaining(r.deviation!.split(', ')));

        const probes = faultProbesFor(spec);
        const probe = probes[pick % probes.length]!;
        const suite = SUITES.find((s) => s.name === probe.suite)!;
        const broken = await runOnMock(suite, spec, [probe.fault]);
        const r = broken.find((x) => x.id === probe.check);
        expect(r?.status, `${probe.fault} should fail ${probe.check}: ${r?.status} ${r?.reason}`).toBe('failed');
      }),
      { seed, numRuns: runs, endOnFailure: true },
    );
  }, 120_000);
});
