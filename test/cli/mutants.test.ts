/**
 * `oauthgate mutants`: the measured kill matrix agrees with the hand-written kill-matrix tables (every row of a
 * table is a kill the command measures, so the two cannot drift apart), the gate exits 1 when a check has no
 * killer, and bad input is one line with exit 2.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { readKillTables } from '../support/kill-tables.ts';
import revocation from '../../suites/revocation.ts';
import type { KillMatrix } from '../../src/runner/mutants.ts';
import { formatKillMatrix } from '../../src/cli/mutants.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-mutants-'));
const run = (args: string[]) => runCli(['mutants', ...args], dir);

/** The table rows of the revocation suite on att: the slice of the tables this file measures. */
const revocationRows = readKillTables().filter((r) => r.spec === 'att' && r.check.startsWith('revocation.'));
const revocationFaults = [...new Set(revocationRows.map((r) => r.fault))];

describe('oauthgate mutants', () => {
  it('measures every kill the revocation table claims on att, kills every revocation check, and exits 0', async () => {
    expect(revocationRows.length).toBeGreaterThanOrEqual(6);
    const { code, out, err } = await run(['--spec', 'att', '--suite', 'revocation', ...revocationFaults.flatMap((f) => ['--fault', f]), '--json']);
    expect(err).toBe('');
    const m = JSON.parse(out) as KillMatrix;
    expect(m.specs).toEqual(['att']);
    expect(m.suites).toEqual([revocation.name]);
    const measured = new Set(m.faults.flatMap((f) => Object.entries(f.kills).flatMap(([check, specs]) => specs.map((s) => `${s} ${f.name} ${check}`))));
    const missing = revocationRows.map((r) => `${r.spec} ${r.fault} ${r.check}`).filter((row) => !measured.has(row));
    expect(missing).toEqual([]);
    expect(m.unkilledChecks).toEqual([]);
    expect(m.faultsKillingNothing).toEqual([]);
    expect(code).toBe(0);
  }, 120_000);

  it('measures every kill the PoP table claims on tmobile-naas-v2', async () => {
    const rows = readKillTables().filter((r) => r.spec === 'tmobile-naas-v2' && r.check.startsWith('pop.taap.'));
    const faults = [...new Set(rows.map((r) => r.fault))];
    expect(faults.length).toBeGreaterThanOrEqual(10);
    const { out } = await run(['--spec', 'tmobile-naas-v2', '--suite', 'pop', ...faults.flatMap((f) => ['--fault', f]), '--json']);
    const m = JSON.parse(out) as KillMatrix;
    const measured = new Set(m.faults.flatMap((f) => Object.entries(f.kills).flatMap(([check, specs]) => specs.map((s) => `${s} ${f.name} ${check}`))));
    expect(rows.map((r) => `${r.spec} ${r.fault} ${r.check}`).filter((row) => !measured.has(row))).toEqual([]);
  }, 120_000);

  it('exits 1 and names the checks no fault kills when the faults leave some unkilled', async () => {
    const { code, out } = await run(['--spec', 'att', '--suite', 'revocation', '--fault', 'revoke-valid-204']);
    expect(code).toBe(1);
    expect(out).toMatch(/^revoke-valid-204 {2}\(changes att\)\n {4}revocation\.valid-token-200 +att$/m);
    expect(out).toMatch(/^checks no fault kills \(\d+\): .*revocation\.access-token-rejected/m);
    expect(out).toMatch(/^faults that kill nothing \(0\): none$/m);
  }, 60_000);

  it('prints the matrix as text: a block per fault, then the gaps', () => {
    const text = formatKillMatrix({
      specs: ['att'], suites: ['revocation'],
      faults: [
        { name: 'revoke-noop', appliesTo: ['att'], kills: { 'revocation.access-token-rejected': ['att'] } },
        { name: 'revoke-hint-strict', appliesTo: ['att'], kills: {} },
        { name: 'pop-skip-jti', appliesTo: [], kills: {} },
      ],
      checks: [
        { id: 'revocation.access-token-rejected', suite: 'revocation', passesOn: ['att'], killedBy: { 'revoke-noop': ['att'] } },
        { id: 'revocation.unknown-token-200', suite: 'revocation', passesOn: ['att'], killedBy: {} },
      ],
      unkilledChecks: ['revocation.unknown-token-200'], neverPassing: [], faultsKillingNothing: ['revoke-hint-strict'], faultsNotApplying: ['pop-skip-jti'],
    });
    expect(text).toBe([
      'kill matrix: 3 fault(s) x 1 spec(s) x 1 suite(s)',
      'revoke-noop  (changes att)',
      `    ${'revocation.access-token-rejected'.padEnd(58)} att`,
      'revoke-hint-strict  (changes att)',
      '    kills nothing',
      '',
      '1 of 2 check(s) passing on a clean mock are killed by some fault',
      'checks no fault kills (1): revocation.unknown-token-200',
      'faults that kill nothing (1): revoke-hint-strict',
      "faults that change no selected spec's mock: pop-skip-jti",
      'transport faults not run (they fail every check): hang, reset, garbage',
      '',
    ].join('\n'));
  });

  it('bad input is one line naming the flag, with a guess and the valid names, exit 2', async () => {
    const suite = await run(['--suite', 'revocaton']);
    expect(suite.code).toBe(2);
    expect(suite.err).toMatch(/^--suite: unknown suite "revocaton"; did you mean "revocation"\? \(valid: token-endpoint, .*\)\n$/);
    const fault = await run(['--fault', 'revoke-nop']);
    expect(fault.err).toMatch(/^--fault: unknown fault "revoke-nop"; did you mean "revoke-noop"\?/);
    const transport = await run(['--fault', 'hang']);
    expect(transport).toMatchObject({ code: 2, err: '--fault hang: a transport fault fails every check, so the matrix does not run it\n' });
    // Flag names are checked before any spec is read: a missing spec file does not hide the mistyped fault.
    const first = await run(['--spec', 'no-such-dir/spec.yaml', '--fault', 'revoke-nop']);
    expect(first).toMatchObject({ code: 2, err: expect.stringMatching(/^--fault: unknown fault "revoke-nop"/) });
    const flag = await run(['--jsn']);
    expect(flag).toMatchObject({ code: 2, err: expect.stringMatching(/^mutants: unknown flag "--jsn"; did you mean "--json"\? \(valid: --spec, --suite, --fault, --json, --help\)\n$/) });
  });
});
