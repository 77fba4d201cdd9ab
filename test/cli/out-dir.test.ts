/**
 * Nothing is lost (issue 9 items 13, 14, 16): `--out` is checked before the first request, the summary is
 * written atomically, a procfs path cannot make the run spin, and a second run never silently overwrites
 * another run's summary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, summaryOf } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-out-'));
const run = (args: string[]) => runCli(args, dir);

/** A loopback target that counts requests and answers every one with a 400 error. */
let server: Server;
let requests = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end('{"error":"invalid_request"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  writeFileSync(join(dir, 'target.yaml'), `spec: mobile-digital\nbaseUrl: http://127.0.0.1:${port}\nclientId: a\nclientSecret: bbbbbbbb\n`);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Runs against the counting target with `--out out`; expects exit 2, one line matching `line`, and no request. */
async function refused(out: string, line: RegExp, extra: string[] = []): Promise<void> {
  const before = requests;
  const { code, err, out: stdout } = await run(['run', '--target-file', 'target.yaml', '--suite', 'token-endpoint', '--out', out, ...extra]);
  expect(err.trim().split('\n'), err).toHaveLength(1);
  expect(err.trim()).toMatch(line);
  expect(err).not.toMatch(/internal error|\n\s+at /);
  expect(code).toBe(2);
  expect(requests - before, 'requests sent before --out was refused').toBe(0);
  expect(stdout).toBe('');
}

describe('--out is checked before the first request', () => {
  it('an existing file', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    await refused('a-file', /^--out a-file: exists and is not a directory$/);
  });

  it('a directory the harness cannot write', async () => {
    // Root writes through file modes, so as root use a read-only filesystem instead.
    let ro = join(dir, 'read-only');
    if (process.getuid?.() === 0) ro = '/sys';
    else {
      mkdirSync(ro);
      chmodSync(ro, 0o555);
    }
    await refused(ro, new RegExp(`^--out ${ro}: cannot write into the directory \\((EACCES|EROFS|EPERM)\\)$`));
  });

  it('a summary.json that is a directory', async () => {
    mkdirSync(join(dir, 'odd', 'summary.json'), { recursive: true });
    await refused('odd', /^--out odd: summary\.json exists and is not a file$/);
  });

  it('a path under /proc ends at once instead of spinning', async () => {
    await refused('/proc/oauthgate-x/y', /^--out \/proc\/oauthgate-x\/y: cannot create the directory \((ENOENT|EACCES|EROFS|EPERM)\)$/);
  });
});

describe('two runs, one --out', () => {
  it('refuses a directory holding another run\'s summary unless --force', async () => {
    const first = await run(['run', '--spec', 'att', '--suite', 'token-endpoint', '--out', 'shared']);
    expect(first.code).toBe(0);
    const startedAt = summaryOf(first.out).startedAt;
    const second = await run(['run', '--spec', 'att', '--suite', 'token-endpoint', '--out', 'shared']);
    expect(second.code).toBe(2);
    expect(second.err.trim()).toBe(`--out shared: holds the summary of another run (started ${startedAt}); choose another --out or add --force to replace it`);
    expect(summaryOf(first.out).startedAt).toBe(startedAt);
    const forced = await run(['run', '--spec', 'att', '--suite', 'token-endpoint', '--out', 'shared', '--force']);
    expect(forced.code).toBe(0);
    expect(summaryOf(forced.out).startedAt).not.toBe(startedAt);
  });

  it('--force leaves none of the replaced run\'s reports beside the new summary, and keeps the user\'s own files', async () => {
    expect((await run(['run', '--spec', 'att', '--spec', 'mobile-digital', '--suite', 'scope', '--out', 'replaced', '--jobs', '1'])).code).toBe(0);
    writeFileSync(join(dir, 'replaced', 'notes.txt'), 'mine');
    expect(readdirSync(join(dir, 'replaced'))).toContain('certification-mobile-digital.md');
    const r = await run(['run', '--spec', 'att', '--suite', 'scope', '--out', 'replaced', '--force', '--reports', 'markdown']);
    expect(r.code).toBe(0);
    // The old run's JUnit, Allure results, observations and mobile-digital certification would have stood beside the
    // new summary (and been signed with it, or rendered by `report`).
    expect(readdirSync(join(dir, 'replaced')).sort()).toEqual(['certification-att.md', 'notes.txt', 'summary.json']);
  });

  it('a folder that held no run keeps every file, whatever its name', async () => {
    mkdirSync(join(dir, 'fresh'));
    writeFileSync(join(dir, 'fresh', 'junit.xml'), '<mine/>');
    expect((await run(['run', '--spec', 'att', '--suite', 'scope', '--out', 'fresh', '--reports', 'none'])).code).toBe(0);
    expect(readFileSync(join(dir, 'fresh', 'junit.xml'), 'utf8')).toBe('<mine/>');
  });

  it('refuses a directory a run is writing into right now', async () => {
    mkdirSync(join(dir, 'busy'));
    writeFileSync(join(dir, 'busy', '.oauthgate-run.lock'), `${process.pid}\n`);
    const r = await run(['run', '--spec', 'att', '--suite', 'token-endpoint', '--out', 'busy']);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(`--out busy: another oauthgate run (process ${process.pid}) is writing into it; choose another --out`);
  });
});

describe('the summary is written atomically', () => {
  it('replaces summary.json by a rename (a hard link to the old file keeps the old text) and leaves no temporary file', async () => {
    const first = await run(['run', '--spec', 'att', '--suite', 'token-endpoint', '--out', 'atomic']);
    const old = readFileSync(join(dir, 'atomic', 'summary.json'), 'utf8');
    linkSync(join(dir, 'atomic', 'summary.json'), join(dir, 'old-summary.json'));
    const second = await run(['run', '--spec', 'att', '--suite', 'token-endpoint', '--out', 'atomic', '--force']);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'old-summary.json'), 'utf8')).toBe(old);
    expect(readFileSync(join(dir, 'atomic', 'summary.json'), 'utf8')).not.toBe(old);
    const left = readdirSync(join(dir, 'atomic'), { recursive: true }).map(String);
    expect(left).toContain('summary.json');
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, 'atomic', '.oauthgate-run.lock'))).toBe(false);
  });
});
