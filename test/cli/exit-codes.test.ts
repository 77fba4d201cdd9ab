/**
 * Exit codes (issue 9): 0 no MUST check failed, 1 one did, 2 bad input or an internal error, 130 interrupted.
 * Nothing else, ever: an internal error is one line asking for a report, with exit 2.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { COMMANDS, type Command } from '../../src/cli/commands.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-exit-'));
const broken: Command = { name: 'explode-for-test', summary: 'throws', usage: 'explode-for-test', run: async () => { throw new TypeError('boom'); } };
afterEach(() => {
  const i = COMMANDS.indexOf(broken);
  if (i >= 0) COMMANDS.splice(i, 1);
});

describe('an internal error', () => {
  it('exits 2 with one line that asks for a report, and no stack trace', async () => {
    COMMANDS.push(broken);
    const { code, err } = await runCli(['explode-for-test'], dir);
    expect(code).toBe(2);
    expect(err.trim()).toBe('oauthgate: internal error: TypeError: boom (please report this at the project\'s issue tracker)');
  });
});
