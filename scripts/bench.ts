/**
 * Benchmark: a full `oauthgate run --all` (every suite against every bundled spec's mock), repeated, in one
 * process after warm-up, plus a cold run as a fresh process. Prints the median and spread; the figure the
 * issues ask for ("a full run in seconds") is measured here, not asserted in a timed test.
 *
 *   npm run bench [-- --runs 10]
 */
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAllSpecs } from '../src/spec/load.ts';
import { runConformance } from '../src/runner/engine.ts';
import { startMockTarget } from '../src/target/mock-target.ts';
import { SUITES } from '../suites/index.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const n = Math.max(1, Number(values.runs));
const specs = loadAllSpecs();
const once = async () => {
  const t0 = performance.now();
  const runs = await runConformance({
    suites: SUITES,
    plans: specs.map(({ spec }) => ({ spec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(spec); return { target: m.target, release: m.close }; } })),
  });
  return { ms: performance.now() - t0, checks: runs.reduce((a, r) => a + r.counts.total, 0), failed: runs.reduce((a, r) => a + r.counts.failed, 0) };
};

await once(); // warm-up: module compilation, key generation
const times: number[] = [];
let checks = 0;
for (let i = 0; i < n; i++) {
  const r = await once();
  times.push(r.ms);
  checks = r.checks;
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const out = mkdtempSync(join(tmpdir(), 'oauthgate-bench-'));
const c0 = performance.now();
try {
  execFileSync(process.execPath, ['bin/oauthgate.mjs', 'run', '--all', '--out', out], { stdio: 'ignore' });
} catch {
  // exit 1 is still a timing
}
const cold = performance.now() - c0;
console.log(`full run (${SUITES.length} suites x ${specs.length} specs, ${checks} checks), ${n} warm runs: median ${median.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms`);
console.log(`cold CLI process (node bin/oauthgate.mjs run --all, including startup): ${cold.toFixed(0)} ms`);
