/**
 * The numeric flags of the npm scripts (`npm run bench`, `npm run variants`): `--help` prints the usage; an unknown
 * flag or a value that is not a number of the expected kind is one line naming the flag, exit 2, as for the
 * `oauthgate` commands (whose parser it uses), never node:util's parseArgs stack trace.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
import { UserError } from '../src/errors.ts';
import { parseFlags } from '../src/cli/suggest.ts';

/** One `--name <number>` flag. */
export interface NumberFlag {
  help: string;
  /** Smallest value accepted. */
  min: number;
  /** Whole numbers only. */
  integer?: boolean;
  default?: number;
}

/** What the command line asks for: the values, or the text to print and the exit code. */
export type FlagsOutcome<K extends string> = { values: Record<K, number | undefined> } | { exit: 0 | 2; stdout?: string; stderr?: string };

/** Reads `argv` against `flags` (pure: see {@link numberFlags} for the process side). */
export function readNumberFlags<K extends string>(script: string, flags: Record<K, NumberFlag>, argv: string[]): FlagsOutcome<K> {
  const names = Object.keys(flags) as K[];
  const options = { ...Object.fromEntries(names.map((k) => [k, { type: 'string' as const }])), help: { type: 'boolean' as const } };
  let parsed: Record<string, string | boolean | undefined>;
  try {
    // The commands' own parser: an unknown flag is one line with a guess and the valid flags.
    parsed = parseFlags(`npm run ${script}`, argv, options, '-- [flags]', false, `npm run ${script}`).values;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { exit: 2, stderr: `${e.problems.join('\n')}\n` };
  }
  if (parsed.help) {
    const rows = names.map((k) => `  --${k.padEnd(20)} ${flags[k].help}${flags[k].default === undefined ? '' : ` (default ${flags[k].default})`}`);
    return { exit: 0, stdout: [`usage: npm run ${script} -- [flags]`, ...rows, '  --help                 print this help', ''].join('\n') };
  }
  const values = {} as Record<K, number | undefined>;
  for (const k of names) {
    const raw = parsed[k];
    const f = flags[k];
    if (typeof raw !== 'string') {
      values[k] = f.default;
      continue;
    }
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < f.min || (f.integer && !Number.isInteger(n))) {
      return { exit: 2, stderr: `npm run ${script}: --${k}: expected ${f.integer ? 'a whole number' : 'a number'} of at least ${f.min}, observed "${raw}"\n` };
    }
    values[k] = n;
  }
  return { values };
}

/** {@link readNumberFlags} on this process's arguments: prints and exits when there is nothing to run. */
export function numberFlags<K extends string>(script: string, flags: Record<K, NumberFlag>): Record<K, number | undefined> {
  const outcome = readNumberFlags(script, flags, process.argv.slice(2));
  if ('values' in outcome) return outcome.values;
  if (outcome.stdout) process.stdout.write(outcome.stdout);
  if (outcome.stderr) process.stderr.write(outcome.stderr);
  process.exit(outcome.exit);
}
