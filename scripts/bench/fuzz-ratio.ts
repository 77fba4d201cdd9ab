/**
 * Fuzz throughput against its limit (issue 11): the junk token-request property run by the harness (generation,
 * building, sending through the run's keep-alive client and circuit breaker, redaction, judging) next to a bare
 * undici loop sending the same pre-built requests to the same mock with the same concurrency, in the same process.
 */
import fc from 'fast-check';
import { Pool } from 'undici';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import { SuiteContext } from '../../src/runner/suite.ts';
import { HttpClient } from '../../src/http/client.ts';
import { BreakerClient } from '../../src/http/breaker.ts';
import { Redactor } from '../../src/redact.ts';
import { FuzzBudget, runProperty } from '../../src/fuzz/property.ts';
import { grantArbitrary, mutateRequest, requestMutation } from '../../src/fuzz/cases.ts';
import { buildTokenRequest, defaultGrantParams, type BuiltRequest } from '../../src/steps/build.ts';
import { sendBuilt } from '../../src/steps/requests.ts';

export interface FuzzRatio {
  spec: string;
  cases: number;
  harnessRps: number;
  bareRps: number;
  ratio: number;
  /** Process CPU time (both sides share the process with the mock) per request, in microseconds. */
  harnessCpuUsPerRequest: number;
  bareCpuUsPerRequest: number;
  /** Requests per CPU second, harness over bare: what the ratio is when neighbours' load is set aside. */
  perCpuSecondRatio: number;
}

/** Measures both sides on `specId` (a spec without PoP, so signing does not dominate). */
export async function fuzzRatio(specId = 'mobile-digital', cases = 4000, concurrency = 16): Promise<FuzzRatio> {
  const spec = loadSpec(specId).spec;
  const m = await startMockTarget(spec);
  const http = new BreakerClient(new HttpClient({ timeoutMs: 10_000 }));
  const t = new SuiteContext('fuzz', spec, m.target, http, new Redactor());
  const arb = fc.record({ grant: grantArbitrary(spec), mutations: fc.array(requestMutation, { minLength: 1, maxLength: 3 }) });
  const build = (c: { grant: string; mutations: Parameters<typeof mutateRequest>[1][] }): BuiltRequest => {
    let req = buildTokenRequest(t, c.grant, { params: defaultGrantParams(t, 'client_credentials') });
    for (const mu of c.mutations) req = mutateRequest(req, mu);
    return req;
  };
  const origin = new URL(m.target.baseUrl).origin;
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const harness = (seed: number, runs: number) => runProperty(arb, async (c) => {
    const ex = await sendBuilt(t, build(c));
    return ex.failure || (ex.status ?? 0) >= 500 ? 'fault' : undefined;
  }, { seed, runs, concurrency, budget: new FuzzBudget(1e9, 0), requestsPerCase: 1 });
  const bare = async (reqs: BuiltRequest[]) => {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < reqs.length) {
        const r = reqs[next++]!;
        const u = new URL(r.url);
        try {
          const res = await pool.request({ method: r.method as 'POST', path: `${u.pathname}${u.search}`, headers: r.headers, body: r.body });
          await res.body.text();
        } catch {
          // a request undici refuses to send counts as sent
        }
      }
    }));
  };
  try {
    // Warm-up of both paths (JIT, keep-alive connections), so neither side's first block pays for it.
    await harness(1, 200);
    await bare(fc.sample(arb, { seed: 1, numRuns: 200 }).map(build));

    // Alternating blocks in ABBA order (harness, bare, bare, harness, ...), as the PoP ratios alternate, so drift in
    // the shared process (the mock's stores, garbage collection, a neighbour's load) falls on both sides alike.
    const blocks = 8;
    const perBlock = Math.ceil(cases / blocks);
    const spent = { harness: { ms: 0, cpuUs: 0 }, bare: { ms: 0, cpuUs: 0 } };
    const timed = async (side: keyof typeof spent, run: () => Promise<unknown>) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await run();
      spent[side].ms += performance.now() - t0;
      const c = process.cpuUsage(c0);
      spent[side].cpuUs += c.user + c.system;
    };
    for (let blk = 0; blk < blocks; blk++) {
      const seed = 2 + blk;
      const reqs = fc.sample(arb, { seed, numRuns: perBlock }).map(build); // the same requests, built outside the timing
      const sides = [() => timed('harness', () => harness(seed, perBlock)), () => timed('bare', () => bare(reqs))];
      if (blk % 2 === 1) sides.reverse();
      for (const side of sides) await side();
    }
    cases = perBlock * blocks;
    const harnessRps = (cases / spent.harness.ms) * 1000;
    const bareRps = (cases / spent.bare.ms) * 1000;
    const round2 = (x: number) => Math.round(x * 100) / 100;
    return {
      spec: specId, cases, harnessRps: Math.round(harnessRps), bareRps: Math.round(bareRps), ratio: round2(harnessRps / bareRps),
      harnessCpuUsPerRequest: Math.round(spent.harness.cpuUs / cases), bareCpuUsPerRequest: Math.round(spent.bare.cpuUs / cases),
      perCpuSecondRatio: round2(spent.bare.cpuUs / spent.harness.cpuUs),
    };
  } finally {
    await pool.close();
    await http.close();
    await m.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await fuzzRatio());
