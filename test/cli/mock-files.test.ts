/**
 * `oauthgate mock` and the files it writes (issue 9 items 7 and 12): credentials and the PoP key are written to
 * a new 0600 file renamed over the old one (an existing 0644 file ends 0600); a missing directory is created; a
 * path it cannot write ends the command with exit 2 and one line, never "internal error" while it keeps serving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const bin = resolve(import.meta.dirname, '../../bin/oauthgate.mjs');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts the mock; resolves when it says it is serving, or with its exit code and output when it stops first. */
function mock(cwd: string, args: string[]): Promise<{ serving: boolean; code: number | string | null; out: string; err: string; stop: () => Promise<number | string | null> }> {
  const proc = spawn(process.execPath, [bin, 'mock', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  const exited = new Promise<number | string | null>((r) => proc.on('exit', (c, signal) => r(c ?? signal)));
  const stop = () => (proc.kill('SIGTERM'), exited);
  return new Promise((res) => {
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('Ctrl-C stops it.')) res({ serving: true, code: null, out, err, stop });
    });
    proc.stderr!.on('data', (d) => (err += String(d)));
    void exited.then((code) => res({ serving: false, code, out, err, stop }));
  });
}

const mode = (f: string) => statSync(f).mode & 0o777;

describe('oauthgate mock writes its secrets 0600', () => {
  it('an existing 0644 credentials file and PoP key file end 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-mockfiles-'));
    for (const f of ['t.yaml', 't-pop-key.pem']) writeFileSync(join(dir, f), 'old\n', { mode: 0o644 });
    const m = await mock(dir, ['--spec', 'tmobile-naas-v2', '--credentials-file', 't.yaml']);
    expect(m.serving, m.err).toBe(true);
    expect(mode(join(dir, 't.yaml'))).toBe(0o600);
    expect(mode(join(dir, 't-pop-key.pem'))).toBe(0o600);
    expect(await m.stop()).toBe(0);
  }, 30_000);
});

describe('oauthgate mock without a place for its credentials', () => {
  it('creates a missing directory for --credentials-file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-mockfiles-'));
    const m = await mock(dir, ['--spec', 'att', '--credentials-file', 'newdir/sub/t.yaml']);
    expect(m.serving, m.err).toBe(true);
    expect(mode(join(dir, 'newdir', 'sub', 't.yaml'))).toBe(0o600);
    expect(await m.stop()).toBe(0);
  }, 30_000);

  // The refusals below happen before the mock listens: in-process, since a separate process adds only a cold start.
  it('stops with exit 2 and one line when ./reports cannot be a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-mockfiles-'));
    writeFileSync(join(dir, 'reports'), 'a file where the directory should be');
    const m = await runCli(['mock', '--port', '0', '--spec', 'att'], dir);
    expect(m.out).toBe('');
    expect(m.code).toBe(2);
    expect(m.err.trim()).toMatch(/^--credentials-file reports\/mock-att-target\.yaml: cannot create the directory \(\S*\/reports is not a directory\)$/);
  }, 30_000);

  it('stops with exit 2 and one line when the credentials file cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-mockfiles-'));
    const m = await runCli(['mock', '--port', '0', '--spec', 'att', '--credentials-file', '/proc/oauthgate-x/t.yaml'], dir);
    expect(m.out).toBe('');
    expect(m.code).toBe(2);
    expect(m.err.trim()).toMatch(/^--credentials-file \/proc\/oauthgate-x\/t\.yaml: cannot create the directory \((ENOENT|EACCES|EROFS)\)$/);
  }, 30_000);
});
