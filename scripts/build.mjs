#!/usr/bin/env node
// Builds dist/oauthgate.mjs: the command line as a JavaScript bundle (esbuild), so `npx oauthgate` starts without
// compiling TypeScript; commands other than run/mock load from their own chunks only when called. Run by `npm ci` (the `prepare` script) and `npm run build`. Packages stay external.
// bin/oauthgate.mjs falls back to the TypeScript sources (through tsx) when the bundle is missing or older than them.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const t0 = Date.now();
await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  outdir: join(root, 'dist'),
  entryNames: 'oauthgate',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external: [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})],
  logLevel: 'warning',
  banner: { js: "import { createRequire as __oauthgateRequire } from 'node:module'; const require = __oauthgateRequire(import.meta.url);" },
});
process.stderr.write(`oauthgate: built dist/oauthgate.mjs in ${Date.now() - t0} ms\n`);
