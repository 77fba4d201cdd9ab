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
  try {
    // warm-up of both paths
    await runProperty(arb, async (c) => { await sendBuilt(t, build(c)); return undefined; }, { seed: 1, runs: 200, concurrency, budget: new FuzzBudget(1e9, 0), requestsPerCase: 1 });

    // Alternating blocks (harness, bare, harness, ...), as the PoP ratios do, so drift in the shared process (the
    // mock's stores, garbage collection, a neighbour's load) falls on both sides alike.
    const origin = new URL(m.target.baseUrl).origin;
    const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
    const blocks = 4;
    const perBlock = Math.ceil(cases / blocks);
    let harnessMs = 0;
    let bareMs = 0;
    for (let blk = 0; blk < blocks; blk++) {
      const h0 = performance.now();
      await runProperty(arb, async (c) => {
        const ex = await sendBuilt(t, build(c));
        return ex.failure || (ex.status ?? 0) >= 500 ? 'fault' : undefined;
      }, { seed: 2 + blk, runs: perBlock, concurrency, budget: new FuzzBudget(1e9, 0), requestsPerCase: 1 });
      harnessMs += performance.now() - h0;

      const reqs = fc.sample(arb, { seed: 2 + blk, numRuns: perBlock }).map(build);
      let next = 0;
      const b0 = performance.now();
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
      bareMs += performance.now() - b0;
    }
    await pool.close();
    cases = perBlock * blocks;
    const harnessRps = (cases / harnessMs) * 1000;
    const bareRps = (cases / bareMs) * 1000;
    return { spec: specId, cases, harnessRps: Math.round(harnessRps), bareRps: Math.round(bareRps), ratio: Math.round((harnessRps / bareRps) * 100) / 100 };
  } finally {
    await http.close();
    await m.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await fuzzRatio());
