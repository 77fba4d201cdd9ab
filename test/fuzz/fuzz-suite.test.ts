/**
 * The fuzz suite against mocks: clean mocks pass every property; faults that a property exists to catch (scope
 * escalation, prefix redirect matching, PoP replay, a DPoP rule skipped, a 500 on junk) and a carrier-style
 * endpoint behind a proxy that answers 500 to junk are caught with a shrunk counterexample; the same seed gives the same verdicts twice.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fuzz from '../../suites/fuzz.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { Redactor } from '../../src/redact.ts';
import type { FaultName } from '../../providers/faults.ts';
import type { CheckResult } from '../../src/checks/check.ts';
import type { Target } from '../../src/target/target.ts';
import { bundledSpec, result } from '../support/harness.ts';

const SEED = 424242;
const settings = { seed: SEED, fuzzRuns: 60 };

/**
 * The fuzz suite on a mock of `specId` with `faults`; with `only`, just that property is judged (RunSettings.checks):
 * a property draws its cases from a seed derived from the run's seed and its own id, and no property's verdict reads
 * another's, so alone it sends the same cases and reaches the same verdict (the same-seed test below compares the two).
 */
async function fuzzOn(specId: string, faults: FaultName[] = [], wrap?: (t: Target) => Promise<Target>, only?: string): Promise<CheckResult[]> {
  const spec = bundledSpec(specId);
  const [run] = await runConformance({
    suites: [fuzz],
    settings: only ? { ...settings, checks: [only] } : settings,
    redactor: new Redactor(),
    timeoutMs: 5_000,
    plans: [{ spec, targetLabel: 'mock', acquire: async () => {
      const m = await startMockTarget(spec, faults);
      return { target: wrap ? await wrap(m.target) : m.target, release: m.close };
    } }],
  });
  return run!.checks;
}

describe('fuzz suite on clean mocks', () => {
  it.each(listBundledSpecIds())('%s: every property holds', async (id) => {
    const checks = await fuzzOn(id);
    expect(checks.filter((c) => c.status === 'failed' || c.status === 'skipped').map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    expect(checks.filter((c) => c.status === 'passed').length).toBeGreaterThanOrEqual(3);
  });
});

describe('faults caught by a property, with a shrunk counterexample', () => {
  const cases: Array<[string, FaultName, string]> = [
    ['att', 'accept-unknown-client', 'fuzz.token.invalid-request-rejected'],
    ['rfc6749', 'error-not-json', 'fuzz.token.no-server-error'],
    ['att', 'scope-escalation', 'fuzz.scope.granted-within-request'],
    ['rfc6749', 'scope-escalation', 'fuzz.scope.granted-within-request'],
    ['att', 'redirect-prefix-match', 'fuzz.redirect-uri.decision-matches-rule'],
    ['rfc6749', 'redirect-prefix-match', 'fuzz.redirect-uri.decision-matches-rule'],
    ['tmobile-naas-v2', 'pop-skip-jti', 'fuzz.pop.mutated-or-replayed-rejected'],
    ['tmobile-apis-v6', 'pop-skip-signature', 'fuzz.pop.mutated-or-replayed-rejected'],
    ['mobile-digital', 'resource-rejects-all', 'fuzz.resource.mutated-bearer-rejected'],
    ['att', 'junk-500', 'fuzz.token.no-server-error'],
    ['tangoe', 'junk-500', 'fuzz.token.no-server-error'],
    ['rfc6749', 'dpop-skip-htm', 'fuzz.dpop.mutated-proof-rejected'],
    ['rfc6749', 'dpop-skip-htu', 'fuzz.dpop.mutated-proof-rejected'],
    ['rfc6749', 'dpop-skip-iat', 'fuzz.dpop.mutated-proof-rejected'],
    ['rfc6749', 'dpop-allow-none', 'fuzz.dpop.mutated-proof-rejected'],
  ];
  /** The runs of `cases` (each judging only the row's property), kept: the same-seed test below compares one of them with a whole-suite run. */
  const caseRuns = new Map<string, Promise<CheckResult[]>>();
  const caseRun = (spec: string, fault: FaultName, id: string) => {
    const key = `${spec} ${fault} ${id}`;
    if (!caseRuns.has(key)) caseRuns.set(key, fuzzOn(spec, [fault], undefined, id));
    return caseRuns.get(key)!;
  };

  it.each(cases)('%s with %s fails %s', async (spec, fault, id) => {
    const r = result(await caseRun(spec, fault, id), id);
    expect(r.status, r.reason).toBe('failed');
    expect(r.reason).toMatch(/counterexample .*\(seed -?\d+.*reproduce with --seed 424242 --fuzz-runs 60\)/);
  });

  it('shows the shrunk counterexample\'s exchanges as the evidence, not the last of the concurrent requests', async () => {
    for (const [spec, fault, id] of cases) {
      const r = result(await caseRun(spec, fault, id), id);
      // one case sends one request, or two (a replay, a token then its use at the resource)
      expect(r.evidence?.length, `${spec} with ${fault}`).toBeGreaterThan(0);
      expect(r.evidence!.length, `${spec} with ${fault}`).toBeLessThanOrEqual(2);
    }
    const junk = result(await caseRun('att', 'junk-500', 'fuzz.token.no-server-error'), 'fuzz.token.no-server-error');
    expect(junk.evidence!.map((e) => e.status)).toEqual([500]);
  });

  it('a server that answers DPoP proofs with Bearer tokens, where the spec does not require DPoP: not applicable (RFC 9449 §5)', async () => {
    expect(result(await fuzzOn('rfc6749', ['dpop-not-bound'], undefined, 'fuzz.dpop.mutated-proof-rejected'), 'fuzz.dpop.mutated-proof-rejected')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/token_type "Bearer": it did not bind the token/) });
  });

  it('gives the same verdicts and counterexample for the same seed, whether the property runs alone or in the whole suite', async () => {
    const strip = (s: string | undefined) => (s ?? '').replace(/\[redacted:[0-9a-f]{8}\]/g, '[redacted]').replace(/:\d{4,5}\//g, ':PORT/');
    const a = result(await caseRun('att', 'redirect-prefix-match', 'fuzz.redirect-uri.decision-matches-rule'), 'fuzz.redirect-uri.decision-matches-rule');
    const b = result(await fuzzOn('att', ['redirect-prefix-match']), 'fuzz.redirect-uri.decision-matches-rule');
    expect(a.status).toBe('failed');
    expect(b.status).toBe(a.status);
    expect(strip(b.reason)).toBe(strip(a.reason));
  });
});

describe('a carrier-style token endpoint that answers 500 to junk', () => {
  let proxy: Server;
  let upstream = '';
  beforeAll(async () => {
    // Forwards to the mock, except that a body with a control character or over 4 KiB gets a 500 and an HTML page.
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = decodeURIComponent(body.toString('latin1').replace(/\+/g, ' ').replace(/%(?![0-9a-f]{2})/gi, '%25'));
        if (body.length > 4096 || /[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(text)) {
          res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>');
          return;
        }
        const u = new URL(req.url!, upstream);
        const fwd = httpRequest(u, { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode!, r.headers);
          r.pipe(res);
        });
        fwd.on('error', () => res.writeHead(502).end());
        fwd.end(body);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise((r) => proxy.close(r)));

  it('fails fuzz.token.no-server-error with the shrunk request that did it', async () => {
    const checks = await fuzzOn('mobile-digital', [], async (t) => {
      upstream = t.baseUrl;
      return { ...t, baseUrl: `http://127.0.0.1:${(proxy.address() as { port: number }).port}` };
    }, 'fuzz.token.no-server-error');
    const r = result(checks, 'fuzz.token.no-server-error');
    expect(r.status, r.reason).toBe('failed');
    expect(r.reason).toMatch(/shrunk counterexample .*HTTP 500/);
  });
});
