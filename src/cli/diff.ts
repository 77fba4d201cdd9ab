/**
 * `oauthgate diff <old-out> <new-out>`: what changed in the providers between two runs, from their
 * observations.json, in plain words. Exit 1 when a change breaks clients (a token response field removed or
 * retyped, an error case's status or code changed, a lifetime shortened, a redirect newly accepted), else 0.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { readJsonInput } from '../io/input-file.ts';
import { diffObservations, type DriftChange } from '../report/drift.ts';
import type { Observations } from '../report/observations.ts';
import type { Command } from './commands.ts';

/** Reads `<dir>/observations.json` (or the file itself); bad input names the file. */
export function readObservations(path: string, display: string): Observations {
  const file = path.endsWith('.json') ? path : join(path, 'observations.json');
  const shown = display.endsWith('.json') ? display : join(display, 'observations.json');
  // A run folder without the file: a run with --reports that left observations out, or not a run folder.
  if (!display.endsWith('.json') && !existsSync(file) && existsSync(join(path, 'summary.json'))) {
    throw new UserError(`${shown}: not written by that run (its --reports left out observations, which diff compares)`);
  }
  const data = readJsonInput(file, shown);
  const specs = (data as { specs?: unknown })?.specs;
  if (!specs || typeof specs !== 'object' || Array.isArray(specs)) throw new UserError(`${shown}: specs: expected an object of observations per spec`);
  return data as Observations;
}

const TAG: Record<DriftChange['kind'], string> = { breaking: 'BREAKING', additive: 'added   ', info: 'info    ' };

/** The `diff` command. */
export const diffCommand: Command = {
  name: 'diff',
  summary: 'what changed in the providers between two runs (exit 1 on a change that breaks clients)',
  usage: 'diff <old-out> <new-out>',
  async run(args, io) {
    const { positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: {} });
    if (positionals.length !== 2) throw new UserError(`diff: expected two output folders (old, new), observed ${positionals.length}\nusage: oauthgate ${diffCommand.usage}`);
    const [a, b] = positionals as [string, string];
    const changes = diffObservations(readObservations(resolve(io.cwd, a), a), readObservations(resolve(io.cwd, b), b));
    for (const c of changes) io.stdout.write(`${TAG[c.kind]} ${c.spec}: ${c.text}\n`);
    const breaking = changes.filter((c) => c.kind === 'breaking').length;
    const additive = changes.filter((c) => c.kind === 'additive').length;
    io.stdout.write(changes.length ? `${breaking} breaking, ${additive} additive, ${changes.length - breaking - additive} other change(s)\n` : 'no changes observed\n');
    return breaking ? 1 : 0;
  },
};
