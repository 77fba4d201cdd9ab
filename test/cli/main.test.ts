/**
 * The command line as users and CI meet it: exit codes, summary.json, one-line errors, dead and hostile
 * targets, and secrets kept out of every output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { runCli, summaryOf, type CliResult } from '../support/cli.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-cli-'));

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, dir, env);

describe('oauthgate run on the bundled specs', () => {
  // One `run --all` for the tests below that read it: every bundled spec on its clean mock, computed once per file.
  let all: CliResult;
  beforeAll(async () => {
    // 5 fuzz cases per property: this tests the command over every bundled spec (exit code, summary, deviations);
    // test/fuzz tests the fuzz suite and suites/conformance.test.ts fuzzes every clean mock at 25 (25 here cost ~0.9 s
    // of CPU more, the default 250 made this one test a third of the file's time).
    // --jobs 1: in this process only (the default on two cores also starts a child process); test/cli/jobs.test.ts
    // shows a run spread over processes gives the same verdicts and output.
    all = await run(['run', '--all', '--out', 'all', '--seed', '7', '--fuzz-runs', '5', '--jobs', '1']);
  }, 120_000);

  it('--all exits 0 with at least 15 applicable checks per spec and a complete summary.json', () => {
    const { code, out, err } = all;
    expect(err).toBe('');
    expect(code).toBe(0);
    const s = summaryOf(out);
    expect(s.schemaVersion).toBe(2);
    expect(s.harness.name).toBe('oauthgate');
    expect(new Date(s.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(s.startedAt).getTime());
    expect(s.runs.map((r) => r.spec)).toEqual(['att', 'mobile-digital', 'rfc6749', 'tangoe', 'tmobile-apis-v6', 'tmobile-naas-v2']);
    for (const r of s.runs) {
      const applicable = r.checks.filter((c) => c.status !== 'not_applicable');
      expect(applicable.length, r.spec).toBeGreaterThanOrEqual(15);
      expect(r.counts.failed, `${r.spec}: ${r.checks.filter((c) => c.status === 'failed').map((c) => c.id)}`).toBe(0);
      for (const c of r.checks) {
        expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'suite', 'title', 'severity', 'status', 'requirement', 'durationMs']));
        if (c.status !== 'passed') expect(c.reason, c.id).toBeTruthy();
      }
    }
    expect(s.options.seed).toBe(7);
    expect(out).toMatch(/result: no MUST check failed/);
  });

  it('reports T-Mobile\'s documented deviations as deviations, not failures', () => {
    // The tmobile-naas-v2 run of `run --all` (the same clean mock a `--spec tmobile-naas-v2` run starts).
    const { code, out } = all;
    expect(code).toBe(0);
    const naas = summaryOf(out).runs.find((r) => r.spec === 'tmobile-naas-v2')!;
    expect(naas.counts.failed).toBe(0);
    const expiresIn = naas.checks.find((c) => c.id === 'token.rfc6749.expires-in-number')!;
    expect(expiresIn.status).toBe('deviation');
    expect(expiresIn.reason).toMatch(/documented deviation "expires-in.string" .*observed the string "3599"/);
  });

  it('exits 1 when a mock fault breaks a MUST check, naming expected and observed', async () => {
    const { code, out } = await run(['run', '--spec', 'att', '--suite', 'token-endpoint', '--fault', 'no-cache-control', '--out', 'fault']);
    expect(code).toBe(1);
    const c = summaryOf(out).runs[0]!.checks.find((x) => x.id === 'token.cache-control-no-store')!;
    expect(c.status).toBe('failed');
    expect(c.reason).toBe('"Cache-Control" header: expected a no-store directive (RFC 6749 §5.1), observed (absent)');
    expect(out).toMatch(/FAIL MUST\s+token\.cache-control-no-store/);
  });

  it('--suite narrows the run', async () => {
    const { out } = await run(['run', '--spec', 'att', '--suite', 'grant-types', '--out', 'narrow']);
    expect(new Set(summaryOf(out).runs[0]!.checks.map((c) => c.suite))).toEqual(new Set(['grant-types']));
  });
});

describe('user errors: one line naming file and field, exit 2, no stack trace', () => {
  it.each([
    [['run'], /^run: expected --all, --spec/],
    [['run', '--all', '--bogus'], /^run: unknown flag "--bogus" \(valid: --all, --spec, .*--skip-suite.*\)/],
    [['run', '--spec', 'nope'], /^--spec nope: unknown spec id/],
    [['run', '--all', '--suite', 'nope'], /^--suite: unknown suite "nope" \(valid: token-endpoint, .*\)/],
    [['run', '--all', '--fault', 'nope'], /^--fault: unknown fault "nope" \(valid: no-cache-control, .*\)/],
    [['run', '--all', '--timeout', 'abc'], /^--timeout: expected a number from 0.1 to 600, observed "abc"/],
    [['frobnicate'], /^oauthgate: unknown command "frobnicate" \(valid: run, mock, .*mutants\)/],
  ])('%j', async (args, message) => {
    const { code, err } = await run(args as string[]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('a broken spec file names the file and every bad field', async () => {
    const text = readFileSync(loadSpec('att').file, 'utf8').replace('delimiter: ","', 'delimiter: ";"').replace('accessToken: 172800', 'accessToken: "2 days"');
    writeFileSync(join(dir, 'broken.yaml'), text);
    const { code, err } = await run(['run', '--spec', './broken.yaml']);
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toEqual([
      expect.stringMatching(/^\.\/broken\.yaml: scope\.delimiter: /),
      expect.stringMatching(/^\.\/broken\.yaml: lifetimes\.accessToken: .*expected number/),
    ]);
  });

  it('a target file with a missing environment variable names the field and the variable', async () => {
    writeFileSync(join(dir, 't-env.yaml'), 'spec: mobile-digital\nbaseUrl: http://127.0.0.1:9\nclientId: a\nclientSecret: ${NOT_SET_ANYWHERE}\n');
    const { code, err } = await run(['run', '--target-file', 't-env.yaml']);
    expect(code).toBe(2);
    expect(err.trim()).toBe('t-env.yaml: clientSecret: environment variable NOT_SET_ANYWHERE is not set');
  });

  it('a TAAP target without a PoP key is told so', async () => {
    writeFileSync(join(dir, 't-tmo.yaml'), 'spec: tmobile-naas-v2\nbaseUrl: http://127.0.0.1:9\nclientId: a\nclientSecret: b\n');
    const { code, err } = await run(['run', '--target-file', 't-tmo.yaml']);
    expect(code).toBe(2);
    expect(err.trim()).toMatch(/^t-tmo\.yaml: popPrivateKey: expected a PEM file path/);
  });
});

describe('hostile and dead targets', () => {
  let hang: Server;
  let garbage: Server;
  let hangPort = 0;
  let garbagePort = 0;
  const sockets = new Set<import('node:net').Socket>();
  beforeAll(async () => {
    // The harness may reset these connections (timeouts, the circuit breaker): a reset is no test error.
    hang = createServer((s) => { sockets.add(s); s.on('error', () => {}); });
    garbage = createServer((s) => { sockets.add(s); s.on('error', () => {}); s.end('\x00\x01garbage\r\n\r\n'); });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => garbage.listen(0, '127.0.0.1', r));
    hangPort = (hang.address() as { port: number }).port;
    garbagePort = (garbage.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => hang.close(r));
    await new Promise((r) => garbage.close(r));
  });

  it('a target that never answers ends quickly with failed checks, a summary and exit 1', async () => {
    writeFileSync(join(dir, 't-hang.yaml'), `spec: mobile-digital\nbaseUrl: http://127.0.0.1:${hangPort}\nclientId: a\nclientSecret: b\n`);
    const before = sockets.size;
    // --max-rps 0: a target file is a live target, whose fuzz cases are paced at 10 a second even when the open
    // circuit sends none of them (about 5 s of waiting here); the pacing is test/fuzz's subject, not this test's.
    const { code, out } = await run(['run', '--target-file', 't-hang.yaml', '--timeout', '0.15', '--out', 'hang', '--fuzz-runs', '20', '--max-rps', '0']);
    // Two timeouts, then the circuit is open: a handful of connections, not one per check or fuzz case.
    expect(sockets.size - before).toBeLessThan(40);
    expect(code).toBe(1);
    const checks = summaryOf(out).runs[0]!.checks;
    expect(checks.filter((c) => c.status === 'failed').length).toBeGreaterThan(0);
    expect(checks.find((c) => c.id === 'token.success-status-200')!.reason).toMatch(/prerequisite .* failed \(reported as token-endpoint\.step\.[a-z-]+\): timeout/);
  });

  it('a dead target fails the gate (regression: exit 0 with "no MUST check failed" and 20 skips)', async () => {
    writeFileSync(join(dir, 't-dead.yaml'), 'spec: att\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: b\n');
    const { code, out } = await run(['run', '--target-file', 't-dead.yaml', '--suite', 'token-endpoint', '--timeout', '1', '--out', 'dead']);
    expect(code).toBe(1);
    const failed = summaryOf(out).runs[0]!.checks.filter((c) => c.status === 'failed' && c.severity === 'MUST');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.reason).toMatch(/connection_refused|ECONNREFUSED|connect/);
  });

  it('a target that answers garbage produces failed checks with reasons, not a crash', async () => {
    writeFileSync(join(dir, 't-garbage.yaml'), `spec: att\nbaseUrl: http://127.0.0.1:${garbagePort}\nclientId: a\nclientSecret: b\n`);
    const { code, out, err } = await run(['run', '--target-file', 't-garbage.yaml', '--timeout', '1', '--out', 'garbage', '--fuzz-runs', '20', '--max-rps', '0']);
    expect(err).toBe('');
    expect(code).toBe(1);
    const failed = summaryOf(out).runs[0]!.checks.filter((c) => c.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) expect(c.reason).toMatch(/protocol|transport/);
  });
});

describe('secrets never leak', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ spec: loadSpec('tmobile-apis-v6').spec });
    writeFileSync(join(dir, 'pop.pem'), mock.credentials.popPrivateKeyPem!);
    writeFileSync(join(dir, 't-live.yaml'), [
      'spec: tmobile-apis-v6', `baseUrl: ${mock.url}`, `clientId: ${mock.credentials.clientId}`, 'clientSecret: ${TMO_SECRET}',
      'popPrivateKey: pop.pem', `jwksUri: ${mock.url}/.well-known/jwks.json`, `issuer: ${mock.credentials.issuer}`,
    ].join('\n'));
  });
  afterAll(() => mock.close());

  it('client secret, tokens and keys appear in no terminal line and no report file', async () => {
    const secret = mock.credentials.clientSecret;
    const { code, out, err } = await run(['run', '--target-file', 't-live.yaml', '--out', 'live', '--verbose', '--fuzz-runs', '20', '--max-rps', '0'], { TMO_SECRET: secret });
    expect(code, out).toBe(0);
    const files = readdirSync(join(dir, 'live'), { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => readFileSync(join(f.parentPath, f.name), 'utf8'));
    expect(files.length).toBeGreaterThan(5); // summary, junit, Markdown, observations, Allure results
    for (const text of [out, err, ...files]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(`${mock.credentials.clientId}:${secret}`).toString('base64'));
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/); // no JWT (access, id or PoP token)
      expect(text).not.toMatch(/BEGIN PRIVATE KEY|MII[A-Za-z0-9+/]{20}/);
    }
  }, 60_000);
});
