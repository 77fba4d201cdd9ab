/**
 * Documented deviations: every deviation a bundled spec documents is observed on its mock and reported with
 * status `deviation` (never hidden, never failed); the same behaviour with the deviation left out of the spec
 * is a failure — documentation is what makes it a deviation. Where the provider stops deviating, the check
 * passes, which is the drift an auditor wants to see.
 */
import { describe, expect, it } from 'vitest';
import { loadAllSpecs } from '../../src/spec/load.ts';
import type { CheckResult } from '../../src/checks/check.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { DEVIATIONS, type DeviationId } from '../../src/spec/deviations.ts';
import { runSuites } from '../support/spec-variant.ts';
import { allSuitesOnMock } from '../support/harness.ts';
import { SUITES } from '../../suites/index.ts';

/**
 * Every suite against the clean mock of bundled spec `id` (the fuzz suite with the harness's 25 fixed-seed cases):
 * the runs shared with suites/conformance.test.ts, the coverage test and the kill-matrix files (test/support/harness.ts).
 */
function runClean(id: string): Promise<CheckResult[]> {
  return allSuitesOnMock(id);
}

/** The suites that reported any of `results` (in run order): a rerun of only these judges the same checks. */
const suitesOf = (results: CheckResult[]) => SUITES.filter((s) => results.some((r) => r.suite === s.name));

/** The deviation that cannot be observed on the mock: AT&T never narrows a grant, so a missing echo never shows. */
const UNOBSERVABLE = new Set(['att:scope.not-echoed']);

describe('documented deviations', () => {
  for (const { spec } of loadAllSpecs().filter((s) => s.spec.deviations.length)) {
    it(`${spec.id}: each documented deviation is reported as a deviation, and nothing fails`, async () => {
      const results = await runClean(spec.id);
      expect(results.filter((r) => r.status === 'failed').map((r) => r.id)).toEqual([]);
      const seen = new Set(results.filter((r) => r.status === 'deviation').flatMap((r) => r.deviation!.split(', ')));
      const missing = spec.deviations.map((d) => d.id).filter((id) => !seen.has(id) && !UNOBSERVABLE.has(`${spec.id}:${id}`));
      expect(missing).toEqual([]);
      for (const r of results.filter((x) => x.status === 'deviation')) expect(r.reason).toMatch(/^documented deviation ".+" from RFC .+ \(.+ line \d+.*\): .+expected .+observed/);
      // The registry names the check each deviation turns into a deviation; nothing else may be one.
      for (const r of results.filter((x) => x.status === 'deviation')) {
        for (const id of r.deviation!.split(', ')) expect(DEVIATIONS[id as DeviationId].checks, `${id} -> ${r.id}`).toContain(r.id);
      }
    });

    it(`${spec.id}: without the documentation, the same behaviour fails`, async () => {
      const undocumented = { ...spec, deviations: [] };
      const clean = await runClean(spec.id);
      const deviations = clean.filter((r) => r.status === 'deviation');
      const deviated = deviations.map((r) => r.id);
      expect(deviated.length).toBeGreaterThan(0);
      // Only the suites the deviated checks belong to: the other suites' checks are not read here.
      const results = await runSuites(undocumented, suitesOf(deviations));
      for (const id of deviated) expect(results.find((r) => r.id === id)?.status, id).toBe('failed');
    });
  }

  it('a provider that stops deviating passes the RFC check (drift is visible)', async () => {
    const before = await runClean('tangoe');
    const deviating = before.filter((r) => r.id === 'token.rfc6749.no-extra-headers-required');
    // Only the suite of that check, against the mock that stops deviating.
    const after = await runSuites(loadSpec('tangoe').spec, suitesOf(deviating), ['ignore-required-headers']);
    expect(before.find((r) => r.id === 'token.rfc6749.no-extra-headers-required')!.status).toBe('deviation');
    expect(after.find((r) => r.id === 'token.rfc6749.no-extra-headers-required')!.status).toBe('passed');
  });
});
