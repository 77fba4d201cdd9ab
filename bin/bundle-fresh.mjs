// Whether dist/oauthgate.mjs is at least as new as every TypeScript source and package.json: the one freshness rule
// of bin/oauthgate.mjs (which runs the bundle only then) and of the tests' global setup (which rebuilds it otherwise).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Newest modification time of the .ts files under src, providers and suites, and of package.json (a few hundred
 * stats, about a millisecond).
 * @param {string} root the project folder
 * @returns {number}
 */
export function newestSource(root) {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['src', 'providers', 'suites']) walk(join(root, d));
  return Math.max(newest, statSync(join(root, 'package.json')).mtimeMs);
}

/**
 * @param {string} root the project folder
 * @returns {boolean} whether `root`/dist/oauthgate.mjs exists and is not older than any source
 */
export function bundleIsFresh(root) {
  const bundle = join(root, 'dist', 'oauthgate.mjs');
  return existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(root);
}
