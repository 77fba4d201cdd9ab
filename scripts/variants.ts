/**
 * Spec variants, many of them: the property of test/spec/variants.test.ts (the clean mock passes every suite
 * on a generated spec, and a sampled fault is still caught) over a few hundred variants. Prints the seed and,
 * on failure, the shrunk counterexample; replay with the same seed.
 *
 *   npm run variants [-- --runs 300] [--seed=123] [--help]      (OAUTHGATE_SEED works too)
 */
import fc from 'fast-check';
import { SUITES } from '../suites/index.ts';
import { runConformance } from '../src/runner/engine.ts';
import { startMockTarget } from '../src/target/mock-target.ts';
import { Redactor } from '../src/redact.ts';
import type { ProviderSpec } from '../src/spec/schema.ts';
import type { FaultName } from '../providers/faults.ts';
import type { SuiteDef } from '../src/runner/suite.ts';
import { faultProbesFor, specOf, variantChoices } from '../test/support/spec-arbitrary.ts';
import { numberFlags } from './flags.ts';

const flags = numberFlags('variants', {
  runs: { help: 'spec variants to generate', min: 1, integer: true, default: 300 },
  seed: { help: 'seed of the generated variants (replays a run; OAUTHGATE_SEED works too; a negative one as --seed=-7)', min: -(2 ** 31), integer: true },
});
const runs = flags.runs!;
const seed = flags.seed ?? Number(process.env.OAUTHGATE_SEED ?? (Date.now() ^ (Math.random() * 0x7fffffff)));

async function run(suites: SuiteDef[], spec: ProviderSpec, faults: FaultName[] = []) {
  const [r] = await runConformance({
    suites,
    plans: [{ spec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(spec, faults); return { target: m.target, release: m.close }; } }],
    timeoutMs: 5_000,
    redactor: new Redactor(),
    settings: { seed, fuzzRuns: 25 },
  });
  return r!.checks;
}

console.log(`spec variants: ${runs} runs, seed ${seed} (replay: npm run variants -- --seed=${seed} --runs ${runs})`);
const t0 = Date.now();
let done = 0;
try {
  await fc.assert(
    fc.asyncProperty(variantChoices, fc.nat(), async (choices, pick) => {
      const spec = specOf(choices);
      const problems = (await run(SUITES, spec)).filter((r) => r.status === 'failed' || r.status === 'skipped').map((r) => `${r.status} ${r.id}: ${r.reason}`);
      if (problems.length) throw new Error(`clean mock:\n  ${problems.join('\n  ')}`);
      const probes = faultProbesFor(spec);
      const probe = probes[pick % probes.length]!;
      const r = (await run(SUITES.filter((s) => s.name === probe.suite), spec, [probe.fault])).find((x) => x.id === probe.check);
      if (r?.status !== 'failed') throw new Error(`fault ${probe.fault}: expected ${probe.check} to fail, observed ${r?.status ?? 'no such check'} ${r?.reason ?? ''}`);
      if (++done % 25 === 0) console.log(`  ${done} variants passed (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }),
    { seed, numRuns: runs },
  );
  console.log(`all ${runs} variants passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
