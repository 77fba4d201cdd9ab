/**
 * `oauthgate mock` as a person developing a client uses it: a separate process that listens, writes its
 * test credentials as a target file, serves the spec's token endpoint, moves its clock on request, and stops
 * on SIGTERM.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { HttpClient, basicAuth, formEncode } from '../../src/http/client.ts';
import { runCli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-mockcmd-'));
const bin = resolve(import.meta.dirname, '../../bin/oauthgate.mjs');
let child: ChildProcess | undefined;
const http = new HttpClient({ timeoutMs: 5000 });
afterAll(async () => {
  child?.kill('SIGKILL');
  await http.close();
});

function start(args: string[]): Promise<{ out: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [bin, 'mock', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  return new Promise((res, rej) => {
    let out = '';
    const timer = setTimeout(() => rej(new Error(`mock did not start: ${out}`)), 15_000);
    proc.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('Ctrl-C stops it.')) {
        clearTimeout(timer);
        res({ out, proc });
      }
    });
    proc.stderr!.on('data', (d) => (out += String(d)));
    proc.on('exit', (code) => rej(new Error(`mock exited ${code}: ${out}`)));
  });
}

describe('oauthgate mock', () => {
  it('serves the spec, writes a 0600 target file, moves its clock and stops on SIGTERM', async () => {
    const { out, proc } = await start(['--spec', 'mobile-digital', '--port', '0', '--credentials-file', 'md.yaml']);
    const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
    const creds = parse(readFileSync(join(dir, 'md.yaml'), 'utf8')) as Record<string, string>;
    expect(statSync(join(dir, 'md.yaml')).mode & 0o777).toBe(0o600);
    expect(out).not.toContain(creds.clientSecret!);

    const tok = await http.send({
      method: 'POST', url: `${url}/prod/oauth2/token`,
      headers: { Authorization: basicAuth(creds.clientId!, creds.clientSecret!), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: formEncode({ grant_type: 'client_credentials', scope: 'write' }),
    });
    expect(tok.status).toBe(200);
    const at = (tok.json as { access_token: string }).access_token;
    const sms = () => http.send({ method: 'POST', url: `${url}/prod/sendSMS`, headers: { Authorization: `Bearer ${at}`, 'Content-Type': 'application/json' }, body: '{}' });
    expect((await sms()).status).toBe(200);
    const clock = await http.send({ method: 'POST', url: `${url}/__oauthgate/clock`, headers: { 'Content-Type': 'application/json' }, body: '{"advance": 3601}' });
    expect((clock.json as { offsetSeconds: number }).offsetSeconds).toBe(3601);
    expect((await sms()).status).toBe(401);

    const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  // In-process: refusing an argument happens before anything a separate process would add (a cold start).
  it('refuses an unknown fault with exit 2 and one line', async () => {
    const { code, out, err } = await runCli(['mock', '--spec', 'att', '--fault', 'nope'], dir);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim()).toMatch(/^--fault: unknown fault "nope" \(valid: no-cache-control, .*\)$/);
  });
});
