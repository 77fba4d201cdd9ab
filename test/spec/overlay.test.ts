/**
 * Overlays (issue 8 item 3): a target file's `overrides` or a spec's `extends` changes any field, `null` turns an
 * optional part off, the result is validated by the same schema, and the changed paths are recorded through to
 * summary.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOverlay, overridesOf } from '../../src/spec/overlay.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { resolveSpec } from '../../src/spec/resolve.ts';
import { loadTargetFile } from '../../src/target/load.ts';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';
import { runCli, summaryOf } from '../support/cli.ts';
import { problemsOf } from '../support/user-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-overlay-'));
const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), name);
const problems = problemsOf;

describe('applyOverlay', () => {
  it('merges objects, replaces arrays and values, deletes on null, and lists only what it changed', () => {
    const { merged, paths } = applyOverlay(
      { a: { b: 1, c: [1, 2], d: { e: 'x' } }, f: true, g: 1 },
      { a: { c: [3], d: { e: 'y' } }, f: null, h: 2, missing: null },
    );
    expect(merged).toEqual({ a: { b: 1, c: [3], d: { e: 'y' } }, g: 1, h: 2 });
    expect(paths).toEqual(['a.c', 'a.d.e', 'f', 'h']);
  });
});

describe('a spec that extends another', () => {
  it('is the base with the overlay laid over it, validated, with its overrides recorded', () => {
    const f = write('mine.yaml', 'extends: rfc6749\nid: my-server\nendpoints: { revoke: null }\nscope: { catalogue: [profile, email], default: [profile] }\nresource: { requiredScope: profile }\n');
    const { spec } = loadSpec(f, dir);
    expect(spec.id).toBe('my-server');
    expect(spec.endpoints.revoke).toBeUndefined();
    expect(spec.scope).toMatchObject({ catalogue: ['profile', 'email'], delimiter: ' ' });
    expect(overridesOf(spec)).toEqual(['id', 'endpoints.revoke', 'scope.catalogue', 'scope.default', 'resource.requiredScope']);
    expect(resolveSpec(spec).overrides).toEqual(overridesOf(spec));
  });

  it('a bad overlay is a spec error naming the file and field', () => {
    const f = write('bad.yaml', 'extends: rfc6749\nscope: { delimiter: ";" }\nendpoints: { authorize: null }\n');
    expect(problems(() => loadSpec(f, dir))).toEqual([expect.stringMatching(/^bad\.yaml: scope\.delimiter: /)]);
    const g = write('noauth.yaml', 'extends: rfc6749\nendpoints: { authorize: null }\n');
    expect(problems(() => loadSpec(g, dir))).toEqual(['noauth.yaml: endpoints.authorize: expected an authorize endpoint because a redirect-based grant is declared']);
  });

  it('a spec extending itself is refused', () => {
    const f = write('loop.yaml', 'extends: ./loop.yaml\n');
    expect(problems(() => loadSpec(f, dir))[0]).toMatch(/^(\.\/)?loop\.yaml: extends: "\.\/loop\.yaml" extends itself/);
  });
});

describe('a target file with overrides', () => {
  let mock: MockServer;
  beforeAll(async () => {
    mock = await startMockServer({ spec: loadSpec('rfc6749').spec });
  });
  afterAll(() => mock.close());

  it('turns the revoke endpoint off and changes the refresh policy; bad overrides name the field', () => {
    const f = write('t1.yaml', 'spec: rfc6749\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: b\nendpoints: { revoke: null }\noverrides: { refresh: { reuseDetection: false } }\n');
    const { spec, target } = loadTargetFile(f, { cwd: dir, env: {} });
    expect(spec.spec.endpoints.revoke).toBeUndefined();
    expect(spec.spec.refresh?.reuseDetection).toBe(false);
    expect(target.endpoints).toEqual({});
    expect(overridesOf(spec.spec)).toEqual(['refresh.reuseDetection', 'endpoints.revoke']);
    const g = write('t2.yaml', 'spec: rfc6749\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: b\noverrides: { lifetimes: { accessToken: -5 } }\n');
    expect(problems(() => loadTargetFile(g, { cwd: dir, env: {} }))).toEqual([expect.stringMatching(/^t2\.yaml: overrides\.lifetimes\.accessToken: /)]);
  });

  it('summary.json records the overridden paths, and the revocation suite does not apply', async () => {
    const c = mock.credentials;
    write('t3.yaml', [
      'spec: rfc6749', `baseUrl: ${mock.url}`, `clientId: ${c.clientId}`, 'clientSecret: ${SECRET}', 'autoConsent: true', `redirectUri: ${c.redirectUri}`,
      'endpoints: { revoke: null }',
    ].join('\n'));
    const { code, out } = await runCli(['run', '--target-file', 't3.yaml', '--suite', 'revocation', '--out', 'o3'], dir, { SECRET: c.clientSecret! });
    expect(code, out).toBe(0);
    const summary = summaryOf(out);
    expect(summary.specs[0]!.overrides).toEqual(['endpoints.revoke']);
    expect(summary.runs[0]!.checks.map((r) => r.status)).toEqual(['not_applicable']);
  });
});
