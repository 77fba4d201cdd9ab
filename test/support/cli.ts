/**
 * Runs the command line in-process, as a user would call it, capturing stdout and stderr.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Summary } from '../../src/report/summary.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Calls `main(args)` with `cwd` and `env`; stdout is a non-TTY stream. */
export async function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  const stdout = Object.assign(new Writable({ write(c, _e, cb) { out += String(c); cb(); } }), { isTTY: false });
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    err += String(c);
    return true;
  });
  try {
    const code = await main(args, { stdout, cwd, env: { ...env } });
    return { code, out, err };
  } finally {
    spy.mockRestore();
  }
}

/** Reads the summary.json whose path the run printed. */
export const summaryOf = (out: string): Summary => JSON.parse(readFileSync(/summary: (.+)/.exec(out)![1]!, 'utf8'));
