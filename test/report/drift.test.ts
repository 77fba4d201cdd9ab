/**
 * Drift audit: observations.json derived from results and evidence, and `diff` between two runs — breaking changes
 * (field removed or retyped, error status or code changed, lifetime shortened, redirect newly accepted) exit 1,
 * additive ones exit 0.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Evidence } from '../../src/report/evidence.ts';
import { observe, observeRun, jsonType, type Observations } from '../../src/report/observations.ts';
import { diffObservations } from '../../src/report/drift.ts';
import { runCli } from '../support/cli.ts';
import { SPECS_DIR } from '../../src/spec/load.ts';
import { check, specRun, summaryOf, tokenEvidence } from './fixtures.ts';

const errorEvidence = (status: number, error: string): Evidence => ({ ...tokenEvidence({ error, error_description: 'x' }, { 'content-type': 'application/json' }, status) });
const authorize = (status: number, location?: string): Evidence => ({
  method: 'GET', url: 'http://127.0.0.1:4000/oauth/v4/authorize?response_type=code&client_id=c&redirect_uri=https%3A%2F%2Fevil.example', requestHeaders: {},
  status, responseHeaders: location ? { location } : { 'content-type': 'text/html' }, durationMs: 1,
});

/** A run as the runner records it: a token response, two error cases and a redirect probe. */
function run(o: { body?: Record<string, unknown>; headers?: Record<string, string>; unknownClient?: [number, string]; probe?: Evidence } = {}) {
  const body = o.body ?? { access_token: '[redacted:aaaaaaaa]', token_type: 'bearer', expires_in: 172800, refresh_token: '[redacted:bbbbbbbb]' };
  return specRun('att', [
    check({ id: 'token.fields-match-spec', status: 'passed', evidence: [tokenEvidence(body, o.headers)] }),
    check({ id: 'error.unknown-client', status: 'passed', evidence: [errorEvidence(...(o.unknownClient ?? [401, 'invalid_client']))] }),
    check({ id: 'error.unsupported-grant-type', status: 'passed', evidence: [errorEvidence(400, 'unsupported_grant_type')] }),
    check({ id: 'redirect-uri.probe.host-suffix', suite: 'redirect-uri', status: 'passed', evidence: [o.probe ?? authorize(400)] }),
  ]);
}
const obs = (r: ReturnType<typeof run>): Observations => observe(summaryOf([r]));

describe('observations', () => {
  it('records the token response fields and types, lifetime, token_type, cache headers and scope echo', () => {
    const o = observeRun(run());
    expect(o.tokenResponse).toEqual({
      from: 'token.fields-match-spec', status: 200,
      fields: { access_token: 'string', token_type: 'string', expires_in: 'number', refresh_token: 'string' },
      tokenType: 'bearer', expiresIn: 172800,
      headers: { 'cache-control': 'no-store', pragma: 'no-cache', 'content-type': 'application/json' },
      scopeEcho: null,
    });
  });

  it('reads a numeric-string expires_in as seconds and keeps its JSON type', () => {
    const o = observeRun(run({ body: { access_token: 'x', expires_in: '3599', status: 'approved' } }));
    expect(o.tokenResponse).toMatchObject({ expiresIn: 3599, fields: { expires_in: 'string', status: 'string' } });
  });

  it('records each case\'s status and error code, and each redirect probe\'s decision', () => {
    const o = observeRun(run({ probe: authorize(302, 'https://evil.example?code=[redacted:cccccccc]') }));
    expect(o.cases['error.unknown-client']).toEqual({ status: 401, error: 'invalid_client' });
    expect(o.cases['token.fields-match-spec']).toEqual({ status: 200 });
    expect(o.redirects).toEqual({ 'redirect-uri.probe.host-suffix': { decision: 'redirected', status: 302 } });
    expect(observeRun(run()).redirects['redirect-uri.probe.host-suffix']).toEqual({ decision: 'rejected', status: 400 });
  });

  it('records nothing it did not see (no evidence, no observation)', () => {
    const o = observeRun(specRun('att', [check({ id: 'token.fields-match-spec', status: 'skipped', reason: 'x' })]));
    expect(o).toEqual({ target: 'mock', cases: {}, redirects: {} });
  });

  it('names JSON types', () => {
    expect([null, [], {}, 'a', 1, true].map(jsonType)).toEqual(['null', 'array', 'object', 'string', 'number', 'boolean']);
  });
});

describe('diffObservations', () => {
  const base = obs(run());
  const kinds = (now: Observations) => diffObservations(base, now).map((c) => `${c.kind}: ${c.text}`);

  it('finds nothing between equal runs', () => {
    expect(diffObservations(base, obs(run()))).toEqual([]);
  });

  it('reports a removed field, a retyped field and an added field', () => {
    const now = obs(run({ body: { access_token: 'x', token_type: 'bearer', expires_in: '172800', refreshToken: 'y' } }));
    expect(kinds(now)).toEqual([
      'breaking: token response field "expires_in" retyped: was a number, now a string',
      'breaking: token response field "refresh_token" removed (was a string)',
      'additive: token response field "refreshToken" added (a string)',
    ]);
  });

  it('reports a shortened lifetime as breaking and a longer one as additive', () => {
    const body = (n: number) => ({ access_token: 'x', token_type: 'bearer', expires_in: n, refresh_token: 'y' });
    expect(kinds(obs(run({ body: body(3600) })))).toEqual(['breaking: access-token lifetime shortened: expires_in was 172800 s, now 3600 s']);
    expect(kinds(obs(run({ body: body(200000) })))).toEqual(['additive: access-token lifetime lengthened: expires_in was 172800 s, now 200000 s']);
  });

  it('reports a changed error status and a changed error code as breaking', () => {
    expect(kinds(obs(run({ unknownClient: [400, 'invalid_client'] })))).toEqual(['breaking: error.unknown-client: status changed from 401 to 400']);
    expect(kinds(obs(run({ unknownClient: [401, 'unauthorized_client'] })))).toEqual(['breaking: error.unknown-client: error code changed from "invalid_client" to "unauthorized_client"']);
  });

  it('reports a redirect newly accepted as breaking', () => {
    expect(kinds(obs(run({ probe: authorize(302, 'https://evil.example?code=c') })))).toEqual(['breaking: redirect-uri.probe.host-suffix: redirect newly accepted (was rejected with 400, now redirected with 302)']);
  });

  it('reports Cache-Control losing no-store as breaking, token_type changes as breaking', () => {
    expect(kinds(obs(run({ headers: { 'content-type': 'application/json', pragma: 'no-cache' } })))).toEqual(['breaking: token response header cache-control changed from "no-store" to (absent)']);
    expect(kinds(obs(run({ body: { access_token: 'x', token_type: 'mac', expires_in: 172800, refresh_token: 'y' } })))).toEqual(['breaking: token_type changed from "bearer" to "mac"']);
  });
});

describe('oauthgate diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauthgate-diff-'));
  const put = (name: string, o: Observations) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'observations.json'), JSON.stringify(o));
  };
  put('old', obs(run()));
  put('same', obs(run()));
  put('longer', obs(run({ body: { access_token: 'x', token_type: 'bearer', expires_in: 172800, refresh_token: 'y', scope: 'SMS' } })));
  put('shorter', obs(run({ body: { access_token: 'x', token_type: 'bearer', expires_in: 60, refresh_token: 'y' } })));

  it('exits 0 and says so when nothing changed', async () => {
    expect(await runCli(['diff', 'old', 'same'], dir)).toEqual({ code: 0, out: 'no changes observed\n', err: '' });
  });

  it('exits 0 on additive changes, listing them', async () => {
    const r = await runCli(['diff', 'old', 'longer'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe('added    att: token response field "scope" added (a string)\nadded    att: scope echo changed from (absent) to "SMS"\n0 breaking, 2 additive, 0 other change(s)\n');
  });

  it('exits 1 on a breaking change', async () => {
    const r = await runCli(['diff', 'old', 'shorter'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('BREAKING att: access-token lifetime shortened: expires_in was 172800 s, now 60 s\n');
  });

  it.each([
    [['diff', 'old'], /^diff: expected two output folders \(old, new\), observed 1/],
    [['diff', 'old', 'missing'], /^missing\/observations\.json: cannot read \(ENOENT\)/],
  ])('%j exits 2 with one line', async (args, message) => {
    const r = await runCli(args as string[], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('oauthgate diff between a mock and a variant of its spec', () => {
  it('reports a shortened lifetime and a renamed field, and exits 1; two runs of the same mock show no change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-variant-'));
    const original = readFileSync(join(SPECS_DIR, 'tmobile-naas-v2.yaml'), 'utf8');
    const variant = original
      .replace('    status: { type: string, required: true, value: approved }', '    approval_status: { type: string, required: true, value: approved }')
      .replace('value: "3599" }', 'value: "1800" }')
      .replace(/^ {2}accessToken: 3599$/m, '  accessToken: 1800');
    expect(variant.split('\n').filter((l, i) => l !== original.split('\n')[i])).toHaveLength(3);
    writeFileSync(join(dir, 'variant.yaml'), variant);
    const runSpec = (spec: string, out: string) => runCli(['run', '--spec', spec, '--suite', 'token-endpoint', '--out', out], dir);
    expect((await runSpec('tmobile-naas-v2', 'before')).code).toBe(0);
    expect((await runSpec('tmobile-naas-v2', 'again')).code).toBe(0);
    expect((await runSpec('./variant.yaml', 'after')).code).toBe(0);

    expect(await runCli(['diff', 'before', 'again'], dir)).toEqual({ code: 0, out: 'no changes observed\n', err: '' });
    const r = await runCli(['diff', 'before', 'after'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe([
      'BREAKING tmobile-naas-v2: token response field "status" removed (was a string)',
      'added    tmobile-naas-v2: token response field "approval_status" added (a string)',
      'BREAKING tmobile-naas-v2: access-token lifetime shortened: expires_in was 3599 s, now 1800 s',
      '2 breaking, 1 additive, 0 other change(s)',
      '',
    ].join('\n'));
  }, 60_000);
});
