/**
 * Sharding: one CI job per spec, then `oauthgate merge <out>... --out <dir>` joins the runs and renders every report
 * again from the joined summary (optionally gated and signed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import type { GatedSummary } from '../../src/report/gate.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-merge-'));
const cli = (args: string[]) => runCli(args, dir);
const summary = (out: string): GatedSummary => JSON.parse(readFileSync(join(dir, out, 'summary.json'), 'utf8'));

beforeAll(async () => {
  expect((await cli(['run', '--spec', 'att', '--suite', 'token-endpoint', '--out', 'shard-att'])).code).toBe(0);
  expect((await cli(['run', '--spec', 'mobile-digital', '--suite', 'token-endpoint', '--out', 'shard-md'])).code).toBe(0);
  expect((await cli(['run', '--spec', 'tangoe', '--suite', 'token-endpoint', '--fault', 'no-cache-control', '--out', 'shard-fail'])).code).toBe(1);
}, 60_000);

describe('oauthgate merge', () => {
  it('joins the shards into one summary and renders every report for all specs', async () => {
    const r = await cli(['merge', 'shard-att', 'shard-md', '--out', 'merged']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const s = summary('merged');
    const [a, b] = [summary('shard-att'), summary('shard-md')];
    expect(s.runs).toEqual([...a.runs, ...b.runs]);
    expect(s.specs).toEqual([...a.specs, ...b.specs]);
    expect(s.startedAt).toBe(a.startedAt < b.startedAt ? a.startedAt : b.startedAt);
    expect(s.finishedAt).toBe(a.finishedAt > b.finishedAt ? a.finishedAt : b.finishedAt);
    const out = join(dir, 'merged');
    expect(readdirSync(out).sort()).toEqual(['allure-results', 'certification-att.md', 'certification-mobile-digital.md', 'junit.xml', 'observations.json', 'summary.json']);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="att.token-endpoint"');
    expect(junit).toContain('<testsuite name="mobile-digital.token-endpoint"');
    const results = readdirSync(join(out, 'allure-results')).filter((f) => f.endsWith('-result.json'));
    expect(results).toHaveLength(a.runs[0]!.checks.length + b.runs[0]!.checks.length);
    expect(Object.keys(JSON.parse(readFileSync(join(out, 'observations.json'), 'utf8')).specs)).toEqual(['att', 'mobile-digital']);
    expect(r.out).toMatch(/^merged 2 run\(s\): 2 spec\(s\), \d+ checks, 0 failed\n/);
  });

  it('fails when a shard failed, and a baseline given to merge applies across shards', async () => {
    const failed = await cli(['merge', 'shard-att', 'shard-fail', '--out', 'merged-fail']);
    expect(failed.code).toBe(1);
    expect(summary('merged-fail').exitCode).toBe(1);
    writeFileSync(join(dir, 'baseline.yaml'), '- { spec: tangoe, check: token.cache-control-no-store, reason: GW-9, expires: 2099-01-01 }\n');
    const accepted = await cli(['merge', 'shard-att', 'shard-fail', '--out', 'merged-accepted', '--baseline', 'baseline.yaml']);
    expect(accepted.code).toBe(0);
    expect(summary('merged-accepted').gate!.accepted).toEqual([{ spec: 'tangoe', check: 'token.cache-control-no-store', reason: 'GW-9', expires: '2099-01-01' }]);
    expect(readFileSync(join(dir, 'merged-accepted', 'certification-tangoe.md'), 'utf8')).toContain('### `token.cache-control-no-store` (MUST, accepted)');
  });

  it('signs the merged folder so that verify-report accepts it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'ed.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'ed.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    expect((await cli(['merge', 'shard-att', 'shard-md', '--out', 'merged-signed', '--sign-key', 'ed.pem'])).code).toBe(0);
    expect(existsSync(join(dir, 'merged-signed', 'evidence.jws'))).toBe(true);
    expect((await cli(['verify-report', 'merged-signed', '--key', 'ed.pub'])).code).toBe(0);
  });

  it('does not write over another run\'s folder without --force (exit 2, the folder as it was); --force replaces it', async () => {
    cpSync(join(dir, 'shard-md'), join(dir, 'other-run'), { recursive: true }); // a copy: the shards stay as they are
    const before = readFileSync(join(dir, 'other-run', 'summary.json'), 'utf8');
    const refused = await cli(['merge', 'shard-att', '--out', 'other-run']);
    expect(refused.code).toBe(2);
    expect(refused.err.trim()).toMatch(/^--out other-run: holds the summary of another run \(started [^)]+\); choose another --out or add --force to replace it$/);
    expect(refused.out).toBe('');
    expect(readFileSync(join(dir, 'other-run', 'summary.json'), 'utf8')).toBe(before);
    // Into one of its own shards, with --force: the shards are read before anything is written.
    const forced = await cli(['merge', 'shard-att', 'other-run', '--out', 'other-run', '--force']);
    expect(forced.code).toBe(0);
    expect(summary('other-run').runs.map((r) => r.spec)).toEqual(['att', 'mobile-digital']);
    expect(readdirSync(join(dir, 'other-run'))).not.toContain('.oauthgate-run.lock');
  });

  it.each([
    [['merge', 'shard-att', 'shard-att', '--out', 'x'], /^shard-att: spec "att" is also in shard-att; each spec belongs to one shard/],
    [['merge', 'shard-att'], /^merge: expected --out <dir>/],
    [['merge', '--out', 'x'], /^merge: expected at least one output folder/],
    [['merge', 'nowhere', '--out', 'x'], /^nowhere\/summary\.json: cannot read \(ENOENT\)/],
  ])('%j exits 2 with one line', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
