/**
 * Commands beyond `run`, `mock`, `specs`, `suites`, `faults` and `schema`, registered by name. A new command is a
 * new file exporting a {@link Command} plus one line here, never an edit of `main.ts`'s dispatch.
 */
import { reportCommand } from './report.ts';
import { diffCommand } from './diff.ts';
import { verifyReportCommand } from './verify-report.ts';
import { mergeCommand } from './merge.ts';

import { pactCommand } from './pact.ts';

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

/** Registered commands, by name. */
export const COMMANDS: Command[] = [reportCommand, diffCommand, verifyReportCommand, mergeCommand, pactCommand];
