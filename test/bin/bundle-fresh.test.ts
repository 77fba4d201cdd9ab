/**
 * The bundle freshness rule (bin/bundle-fresh.mjs) that decides whether `bin/oauthgate.mjs` runs dist/ or the
 * sources: an edited checkout must never run stale code.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleIsFresh } from '../../bin/bundle-fresh.mjs';

/** A project folder whose files have the given modification times (seconds since the epoch). */
function project(times: { source: number; pkg: number; bundle?: number }): string {
  const root = mkdtempSync(join(tmpdir(), 'oauthgate-fresh-'));
  const file = (rel: string, t: number) => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, '');
    utimesSync(p, t, t);
  };
  file('src/deep/a.ts', times.source);
  file('providers/b.ts', times.source - 100);
  file('package.json', times.pkg);
  if (times.bundle !== undefined) file('dist/oauthgate.mjs', times.bundle);
  return root;
}

describe('bundleIsFresh', () => {
  it('is fresh when the bundle is as new as the newest source and package.json', () => {
    expect(bundleIsFresh(project({ source: 2000, pkg: 1000, bundle: 2000 }))).toBe(true);
  });
  it('is stale when any source is newer, however deep', () => {
    expect(bundleIsFresh(project({ source: 2000, pkg: 1000, bundle: 1999 }))).toBe(false);
  });
  it('is stale when package.json is newer (dependencies changed)', () => {
    expect(bundleIsFresh(project({ source: 1000, pkg: 3000, bundle: 2000 }))).toBe(false);
  });
  it('is stale when there is no bundle', () => {
    expect(bundleIsFresh(project({ source: 1000, pkg: 1000 }))).toBe(false);
  });
});
