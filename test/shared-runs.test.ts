/**
 * test/support/harness.ts shares clean-mock runs between the workers of one `npm test` through files
 * (temp-root.global-setup.ts): a run read back from its file must be the run that was written, value for value.
 */
import { describe, expect, inject, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { bundledSpec, runOnMock } from './support/harness.ts';
import { SUITES } from '../suites/index.ts';

describe('clean runs shared between workers', () => {
  it('are given a directory by the global setup, inside the run\'s own temporary directory (removed when the run ends)', () => {
    expect(existsSync(inject('sharedRunsDir'))).toBe(true);
    expect(tmpdir()).toMatch(/[\\/]oauthgate-test-[^\\/]+$/);
    expect(inject('sharedRunsDir').startsWith(tmpdir())).toBe(true);
  });

  // Fresh runs (a spec object is never shared), so that what is compared has not been through a file already: every
  // suite on rfc6749 (code flow, PKCE, DPoP), and T-Mobile's PoP and resource suites.
  it.each([
    ['rfc6749', SUITES.map((s) => s.name)],
    ['tmobile-naas-v2', ['pop', 'resource']],
  ])('%s: results read back from their file as they were (classes, undefined and all)', async (id, names) => {
    const results = (await Promise.all(SUITES.filter((s) => names.includes(s.name)).map((s) => runOnMock(s, bundledSpec(id))))).flat();
    expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThan(10);
    expect(deserialize(serialize(results))).toStrictEqual(results);
  });
});
