#!/usr/bin/env node
// Entry point. Runs the compiled bundle (dist/oauthgate.mjs, built by `npm ci` / `npm run build`) when it is at
// least as new as every TypeScript source; otherwise registers tsx and runs the sources, so an edited checkout never
// runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'oauthgate.mjs');

/** Newest modification time of the .ts files under the source folders (a few hundred stats, about a millisecond). */
function newestSource() {
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

let main;
let guardProcess;
if (process.env.OAUTHGATE_FROM_SOURCE !== '1' && existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource()) {
  ({ main, guardProcess } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main, guardProcess } = await import('../src/cli/main.ts'));
}
guardProcess?.(); // an error no handler caught: one line and exit 2, never a stack trace
const code = await main(process.argv.slice(2));
// Interrupted: the partial summary is written; requests still in flight must not keep the process alive.
if (code === 130) process.exit(code);
process.exitCode = code;
