#!/usr/bin/env node
// Entry point. Runs the compiled bundle (dist/oauthgate.mjs, built by `npm ci` / `npm run build`) when it is at
// least as new as every TypeScript source; otherwise registers tsx and runs the sources, so an edited checkout never
// runs stale code.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleIsFresh } from './bundle-fresh.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'oauthgate.mjs');

let main;
let guardProcess;
if (process.env.OAUTHGATE_FROM_SOURCE !== '1' && bundleIsFresh(root)) {
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
