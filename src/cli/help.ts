/**
 * `oauthgate <command> --help`: the usage line and every flag of the built-in commands, one line each. The
 * option tables here are the ones `main.ts` parses with, so a flag cannot be parsed without being documented.
 */
import type { ParseArgsConfig } from 'node:util';
import { REPORT_FLAG_OPTIONS } from './report-flags.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A built-in command's flags (as parsed) and what each does. */
export interface BuiltinHelp {
  usage: string;
  summary: string;
  options: Options;
  flags: Record<string, string>;
}

const REPORT_FLAGS: Record<string, string> = {
  'fail-on': 'must|should: the severity that fails the run (default must)',
  baseline: '<file>: known failures that do not fail the run until their expiry',
  'sign-key': '<pem>: sign the output folder (verify with `oauthgate verify-report`)',
};

export const RUN_OPTIONS = {
  all: { type: 'boolean' },
  spec: { type: 'string', multiple: true },
  'target-file': { type: 'string' },
  suite: { type: 'string', multiple: true },
  'skip-suite': { type: 'string', multiple: true },
  out: { type: 'string' },
  timeout: { type: 'string' },
  'max-body': { type: 'string' },
  fault: { type: 'string', multiple: true },
  verbose: { type: 'boolean' },
  concurrency: { type: 'string' },
  jobs: { type: 'string' },
  force: { type: 'boolean' },
  seed: { type: 'string' },
  'fuzz-runs': { type: 'string' },
  'max-rps': { type: 'string' },
  'fuzz-budget': { type: 'string' },
  reports: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...REPORT_FLAG_OPTIONS,
} as const satisfies Options;

export const MOCK_OPTIONS = {
  spec: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  fault: { type: 'string', multiple: true },
  'credentials-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const SCHEMA_OPTIONS = {
  write: { type: 'string' },
  check: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

const HELP_FLAG = 'print this help';

/** Help of the built-in commands, by name. */
export const BUILTIN_HELP: Record<string, BuiltinHelp> = {
  run: {
    usage: 'run --all | --spec <id|path> ... | --target-file <yaml> [flags]',
    summary: 'run the suites against bundled specs\' mocks or a live target',
    options: RUN_OPTIONS,
    flags: {
      all: 'every bundled spec, each against its mock',
      spec: '<id|path>: a spec (repeatable), against its mock',
      'target-file': '<yaml>: a live target (base URL, credentials, spec)',
      suite: '<name>: run only this suite (repeatable; see `oauthgate suites`)',
      'skip-suite': '<name>: leave this suite out (repeatable)',
      out: '<dir>: output folder (default reports/run-<timestamp>)',
      timeout: '<s>: per-request timeout in seconds (default 10)',
      'max-body': '<bytes>: response size cap (default 1 MiB)',
      fault: '<name>: inject a mock fault (repeatable; see `oauthgate faults`)',
      verbose: 'list every check and print evidence under failures',
      concurrency: '<n>: suites at once per spec on mocks (default 4)',
      jobs: '<n>: processes sharing several mock specs (default: the cores; same output as 1)',
      force: 'replace the run an --out folder holds (its reports this run does not write are removed)',
      seed: '<n>: seed for generated cases (reproduce a fuzz failure)',
      'fuzz-runs': '<n>: generated cases per fuzz property',
      'max-rps': '<n>: requests per second while fuzzing (0: no cap)',
      'fuzz-budget': '<n>: most fuzz requests per spec',
      reports: '<list>: the files written besides summary.json, comma-separated: junit, markdown, allure, observations, or none (default all)',
      help: HELP_FLAG,
      ...REPORT_FLAGS,
    },
  },
  mock: {
    usage: 'mock --spec <id|path> [flags]',
    summary: 'a standalone mock authorization server (Ctrl-C stops it)',
    options: MOCK_OPTIONS,
    flags: {
      spec: '<id|path>: the spec the mock serves',
      port: '<n>: port (default 8080; 0: any free port)',
      host: '<addr>: address to listen on (default 127.0.0.1)',
      fault: '<name>: misbehave on purpose (repeatable; see `oauthgate faults`)',
      'credentials-file': '<path>: where to write the target file (default reports/mock-<id>-target.yaml)',
      help: HELP_FLAG,
    },
  },
  schema: {
    usage: 'schema [--write <file> | --check <file>]',
    summary: 'print the provider-spec JSON Schema, write it, or check a file against it',
    options: SCHEMA_OPTIONS,
    flags: { write: '<file>: write the schema there', check: '<file>: exit 1 when the file differs from the schema', help: HELP_FLAG },
  },
  specs: { usage: 'specs', summary: 'list the bundled specs', options: {}, flags: {} },
  suites: { usage: 'suites', summary: 'list the suites', options: {}, flags: {} },
  faults: { usage: 'faults', summary: 'list the mock faults', options: {}, flags: {} },
};

/** The help text of a built-in command: usage, summary, then one line per flag. */
export function builtinHelpText(name: string): string {
  const h = BUILTIN_HELP[name]!;
  const lines = [`usage: oauthgate ${h.usage}`, h.summary];
  const names = Object.keys(h.options);
  if (names.length) {
    lines.push('flags:');
    const width = Math.max(...names.map((n) => n.length)) + 4;
    for (const n of names) lines.push(`  ${`--${n}`.padEnd(width)} ${h.flags[n] ?? ''}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** The help text of a registered command: its usage line and summary. */
export function commandHelpText(c: { usage: string; summary: string }): string {
  return `usage: oauthgate ${c.usage}\n${c.summary}\n`;
}

/** The flags a usage line names (`--key <pem>` -> `--key`), for commands that define no table here. */
export function flagsInUsage(usage: string): string[] {
  return [...new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}
