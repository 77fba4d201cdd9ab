/**
 * `oauthgate mutants [--spec <id|path>]... [--suite <name>]... [--fault <name>]... [--json]`: the kill matrix
 * measured (src/runner/mutants.ts). Prints, per fault, the checks it fails and on which specs; then the checks
 * no fault kills and the faults that kill nothing. Exit 1 when a check has no killing fault (a CI gate: a check
 * that cannot fail proves nothing), else 0.
 */
import { UserError } from '../errors.ts';
import { loadAllSpecs, loadSpec } from '../spec/load.ts';
import { SUITES, selectSuites } from '../../suites/index.ts';
import { unknownFaults, type FaultName } from '../../providers/faults.ts';
import { MATRIX_FAULTS, measureKillMatrix, TRANSPORT_FAULTS, type KillMatrix } from '../runner/mutants.ts';
import { parseFlags, unknownNameLine } from './suggest.ts';
import type { Command } from './commands.ts';

/** The matrix as text: one block per fault, then the gaps. */
export function formatKillMatrix(m: KillMatrix): string {
  const lines: string[] = [`kill matrix: ${m.faults.length} fault(s) x ${m.specs.length} spec(s) x ${m.suites.length} suite(s)`];
  for (const f of m.faults) {
    if (f.appliesTo.length === 0) continue;
    const kills = Object.entries(f.kills);
    lines.push(`${f.name}  (changes ${f.appliesTo.join(', ')})`);
    if (kills.length === 0) lines.push('    kills nothing');
    for (const [check, specs] of kills) lines.push(`    ${check.padEnd(58)} ${specs.join(', ')}`);
  }
  const killed = m.checks.filter((c) => Object.keys(c.killedBy).length > 0).length;
  lines.push('');
  lines.push(`${killed} of ${m.checks.length - m.neverPassing.length} check(s) passing on a clean mock are killed by some fault`);
  lines.push(`checks no fault kills (${m.unkilledChecks.length}): ${m.unkilledChecks.join(', ') || 'none'}`);
  lines.push(`faults that kill nothing (${m.faultsKillingNothing.length}): ${m.faultsKillingNothing.join(', ') || 'none'}`);
  if (m.faultsNotApplying.length) lines.push(`faults that change no selected spec's mock: ${m.faultsNotApplying.join(', ')}`);
  if (m.neverPassing.length) lines.push(`checks passing on no selected clean mock (not counted): ${m.neverPassing.join(', ')}`);
  lines.push(`transport faults not run (they fail every check): ${TRANSPORT_FAULTS.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** The `mutants` command. */
export const mutantsCommand: Command = {
  name: 'mutants',
  summary: 'the kill matrix: every mock fault on every spec it changes, and the checks it fails (exit 1 when a check has no killer)',
  usage: 'mutants [--spec <id|path> ...] [--suite <name> ...] [--fault <name> ...] [--json]',
  async run(args, io) {
    const { values } = parseFlags('mutants', args, {
      spec: { type: 'string', multiple: true },
      suite: { type: 'string', multiple: true },
      fault: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    }, mutantsCommand.usage);
    if (values.help) {
      io.stdout.write(`usage: oauthgate ${mutantsCommand.usage}\n${mutantsCommand.summary}\n`);
      return 0;
    }
    // Names first, specs after: a mistyped suite or fault is answered before any spec file is read and validated.
    const { suites, unknown } = selectSuites(values.suite ?? []);
    if (unknown.length) throw new UserError(unknown.map((u) => unknownNameLine('--suite', u, 'suite', SUITES.map((s) => s.name))));
    const faults = (values.fault ?? []) as FaultName[];
    const bad = unknownFaults(faults);
    if (bad.length) throw new UserError(bad.map((f) => unknownNameLine('--fault', f, 'fault', MATRIX_FAULTS)));
    const transport = faults.filter((f) => TRANSPORT_FAULTS.includes(f));
    if (transport.length) throw new UserError(`--fault ${transport[0]}: a transport fault fails every check, so the matrix does not run it`);
    const specs = values.spec?.length ? values.spec.map((s) => loadSpec(s, io.cwd).spec) : loadAllSpecs().map((l) => l.spec);
    const matrix = await measureKillMatrix({ specs, suites, ...(faults.length ? { faults } : {}) });
    io.stdout.write(values.json ? `${JSON.stringify(matrix, null, 2)}\n` : formatKillMatrix(matrix));
    return matrix.unkilledChecks.length ? 1 : 0;
  },
};
