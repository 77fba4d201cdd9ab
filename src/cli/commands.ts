/**
 * Commands beyond `run`, `mock`, `specs`, `suites`, `faults` and `schema`, registered by name. A new command is a
 * new file exporting a {@link Command} plus one entry here, never an edit of `main.ts`'s dispatch.
 */

/** What a command gets from `main`: where to write, the working directory and the environment. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A sub-command of the `oauthgate` command line. */
export interface Command {
  name: string;
  /** One line for `oauthgate --help`. */
  summary: string;
  /** Usage lines (without the leading "oauthgate "). */
  usage: string;
  /** Runs the command; returns the exit code. Throws `UserError` for bad input (exit 2). */
  run(args: string[], io: CliIO): Promise<number>;
}

/** A registered command: its name, and how to load it (commands load only when called, so `oauthgate run` never
 * pays for Pact's native core or Allure's generator at start-up). */
export interface CommandEntry {
  name: string;
  load: () => Promise<Command>;
}

/** Registered commands, by name. */
export const COMMANDS: CommandEntry[] = [
  { name: 'report', load: async () => (await import('./report.ts')).reportCommand },
  { name: 'diff', load: async () => (await import('./diff.ts')).diffCommand },
  { name: 'verify-report', load: async () => (await import('./verify-report.ts')).verifyReportCommand },
  { name: 'merge', load: async () => (await import('./merge.ts')).mergeCommand },
  { name: 'pact', load: async () => (await import('./pact.ts')).pactCommand },
  { name: 'mutants', load: async () => (await import('./mutants.ts')).mutantsCommand },
];
