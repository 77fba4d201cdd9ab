/**
 * Ctrl-C loses nothing (issue 9 item 15): SIGINT or SIGTERM during `run` writes a partial summary marked
 * `"interrupted": true` with the checks finished so far, prints where, and exits 130. Run as a real child
 * process (`node bin/oauthgate.mjs run ...`) against a loopback server that stops answering after a few requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Summary } from '../../src/report/summary.ts';

const bin = resolve(import.meta.dirname, '../../bin/oauthgate.mjs');
let server: Server | undefined;
const held: ServerResponse[] = [];
afterEach(async () => {
  for (const r of held.splice(0)) r.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

/** Answers the first `answered` requests with a token response, then holds every later one; `onHeld` fires at the first hold. */
async function slowServer(answered: number, onHeld: () => void): Promise<string> {
  let n = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (++n <= answered) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"access_token":"tok-abcdef123456","token_type":"Bearer","expires_in":3600}');
      return;
    }
    held.push(res);
    if (held.length === 1) onHeld();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
}

describe.each(['SIGINT', 'SIGTERM'] as const)('%s during a run', (signal) => {
  it('writes a partial summary marked interrupted, says where, and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-interrupt-'));
    let stopNow!: () => void;
    const stopped = new Promise<void>((r) => (stopNow = r));
    const url = await slowServer(6, () => stopNow());
    writeFileSync(join(dir, 't.yaml'), `spec: mobile-digital\nbaseUrl: ${url}\nclientId: a\nclientSecret: bbbbbbbb\n`);
    const child = spawn(process.execPath, [bin, 'run', '--target-file', 't.yaml', '--out', 'out', '--timeout', '120'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await stopped;
    child.kill(signal);
    expect(await exited, `${out}\n${err}`).toBe(130);
    const file = join(dir, 'out', 'summary.json');
    expect(out).toContain(`summary: ${file}`);
    expect(err.trim()).toMatch(new RegExp(`^interrupted by ${signal}: partial summary \\(\\d+ checks\\) written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    const s = JSON.parse(readFileSync(file, 'utf8')) as Summary;
    expect(s.interrupted).toBe(true);
    expect(s.exitCode).toBe(130);
    expect(s.runs[0]!.checks.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'out', '.oauthgate-run.lock'))).toBe(false);
  }, 60_000);
});
