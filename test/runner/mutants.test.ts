/**
 * The kill matrix's choice of runs: a fault is run on a spec only where it changes what that spec's mock does.
 * (The measured matrix itself is tested through `oauthgate mutants` in test/cli/mutants.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { faultChanges, faultsChanging, MATRIX_FAULTS } from '../../src/runner/mutants.ts';
import { bundledSpec } from '../support/harness.ts';

describe('faultsChanging', () => {
  it('names the faults that change a mock and leaves out those that find nothing to break there', () => {
    const changing = faultsChanging(bundledSpec('att'), ['revoke-noop', 'pop-not-required']);
    expect([...changing]).toEqual(['revoke-noop']); // AT&T revokes tokens; it requires no TAAP PoP token to stop requiring
  });

  it('judges every fault against one clean behaviour as it would against a clean behaviour of its own', () => {
    const spec = bundledSpec('tmobile-naas-v2');
    const changing = faultsChanging(spec, MATRIX_FAULTS);
    // The patches leave the clean behaviour they are applied to unchanged: a fault judged after all the others is
    // judged against the same clean mock as a fault judged on its own (faultChanges builds a clean behaviour per call).
    expect([...changing]).toEqual(MATRIX_FAULTS.filter((f) => faultChanges(spec, f)));
    expect(changing.size).toBeGreaterThan(10);
  });
});
