/**
 * A reader that closes the command's output early (`oauthgate run … | head -1`, a CI step that stops reading) ends
 * the terminal output only: the run goes on, writes its summary and exits with its verdict, never "internal error".
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Summary } from '../../src/report/summary.ts';

const bin = resolve(import.meta.dirname, '../../bin/oauthgate.mjs');

describe('stdout closed by its reader', () => {
  it('the run still judges, writes summary.json and exits with its verdict (1: a MUST check fails), stderr empty', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'oauthgate-closed-'));
    const child = spawn(process.execPath, [bin, 'run', '--spec', 'att', '--suite', 'token-endpoint', '--fault', 'no-cache-control', '--out', 'out'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before the first line: every write of the command to stdout meets a closed pipe (EPIPE).
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect({ code, err }).toEqual({ code: 1, err: '' });
    const s = JSON.parse(readFileSync(join(cwd, 'out', 'summary.json'), 'utf8')) as Summary;
    expect(s.runs[0]!.checks.find((c) => c.id === 'token.cache-control-no-store')?.status).toBe('failed');
  }, 30_000);
});
