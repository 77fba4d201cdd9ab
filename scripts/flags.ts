/**
 * The numeric flags of the npm scripts (`npm run bench`, `npm run variants`): `--help` prints the usage; an unknown
 * flag or a value that is not a number of the expected kind is one line naming the flag, exit 2, as for the
 * `oauthgate` commands, never node:util's parseArgs stack trace.
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
import { parseArgs } from 'node:util';

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
  const valid = `${names.map((k) => `--${k}`).join(', ')}, --help`;
  let parsed: Record<string, string | boolean | undefined>;
  try {
    parsed = parseArgs({ args: argv, options: { ...Object.fromEntries(names.map((k) => [k, { type: 'string' as const }])), help: { type: 'boolean' } }, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ').trim();
    // An unknown flag: its first sentence and the valid ones (parseArgs' advice on positionals does not apply here);
    // anything else (a missing value, a negative number written as its own word) keeps parseArgs' whole advice.
    const line = (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `${message.split(/\.\s/)[0]} (valid: ${valid})` : message;
    return { exit: 2, stderr: `npm run ${script}: ${line}\n` };
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
