/**
 * Exit codes (issue 9): 0 no MUST check failed, 1 one did, 2 bad input or an internal error, 130 interrupted.
 * Nothing else, ever: an internal error is one line asking for a report, with exit 2.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { COMMANDS, type Command, type CommandEntry } from '../../src/cli/commands.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-exit-'));
const odd: Command = { name: 'exit-3-for-test', summary: 'returns 3', usage: 'exit-3-for-test', run: async () => 3 };
const broken: Command = { name: 'explode-for-test', summary: 'throws', usage: 'explode-for-test', run: async () => { throw new TypeError('boom'); } };
const entry = (c: Command): CommandEntry => ({ name: c.name, load: async () => c });
const oddEntry = entry(odd);
const brokenEntry = entry(broken);
afterEach(() => {
  for (const c of [brokenEntry, oddEntry]) {
    const i = COMMANDS.indexOf(c);
    if (i >= 0) COMMANDS.splice(i, 1);
  }
});

describe('an internal error', () => {
  it('exits 2 with one line that asks for a report, and no stack trace', async () => {
    COMMANDS.push(brokenEntry);
    const { code, err } = await runCli(['explode-for-test'], dir);
    expect(code).toBe(2);
    expect(err.trim()).toBe('oauthgate: internal error: TypeError: boom (please report this at the project\'s issue tracker)');
  });
});

describe('a registered command returning another code', () => {
  it('is turned into exit 2 with one internal-error line', async () => {
    COMMANDS.push(oddEntry);
    const { code, err } = await runCli(['exit-3-for-test'], dir);
    expect(code).toBe(2);
    expect(err.trim()).toBe('oauthgate: internal error: RangeError: command "exit-3-for-test" returned exit code 3, which is not one of 0, 1, 2, 130 (please report this at the project\'s issue tracker)');
  });
});

describe('oauthgate schema --write to a place it cannot write', () => {
  it('is one line naming the flag, exit 2', async () => {
    const { code, err } = await runCli(['schema', '--write', '/proc/oauthgate-x/schema.json'], dir);
    expect(code).toBe(2);
    expect(err.trim()).toMatch(/^--write \/proc\/oauthgate-x\/schema\.json: cannot write \((ENOENT|EACCES|EROFS)\)$/);
  });
});
