#!/usr/bin/env node
// Builds dist/oauthgate.mjs: the command line as a JavaScript bundle (esbuild), so `npx oauthgate` starts without
// compiling TypeScript (and dist/verify-worker.mjs, the Pact verification worker, likewise); commands other than
// run/mock load from their own chunks only when called. Run by `npm ci` (the `prepare` script) and `npm run build`.
// The pure-JavaScript packages every run loads (undici, zod, yaml, jose, fast-check, allure-js-commons) are bundled in:
// resolving and loading their hundreds of files cost ~0.25 s CPU per process start (the command, each --jobs worker,
// each CLI test), about half of it. The rest stay external (Pact's native core, esbuild, tsx, dev tools).
// bin/oauthgate.mjs falls back to the TypeScript sources (through tsx) when the bundle is missing or older than them.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Packages bundled into dist/ (see above); every other package stays an import of node_modules. */
const BUNDLED = ['undici', 'zod', 'yaml', 'jose', 'fast-check', 'allure-js-commons'];
const t0 = Date.now();
const result = await build({
  metafile: true,
  absWorkingDir: root,
  // The command, and the Pact verification worker that `oauthgate verify` (and the Pact tests) start as a child
  // process (src/pact/verify-host.ts): from the bundle it starts without compiling the sources through tsx.
  entryPoints: { oauthgate: join(root, 'src/cli/main.ts'), 'verify-worker': join(root, 'src/pact/verify-worker.ts') },
  outdir: join(root, 'dist'),
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  external: [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})].filter((p) => !BUNDLED.includes(p)),
  logLevel: 'warning',
  banner: { js: "import { createRequire as __oauthgateRequire } from 'node:module'; const require = __oauthgateRequire(import.meta.url);" },
});
// Chunk names carry a content hash, so each build whose sources changed writes new chunks: the ones this build did
// not write are left from earlier builds (700 of them, 80 MB, after a day of work) and are removed.
const written = new Set(Object.keys(result.metafile.outputs).map((o) => relative(join(root, 'dist', 'chunks'), join(root, o))));
const chunksDir = join(root, 'dist', 'chunks');
const stale = readdirSync(chunksDir).filter((f) => !written.has(f));
for (const f of stale) rmSync(join(chunksDir, f), { force: true });
process.stderr.write(`oauthgate: built dist/oauthgate.mjs in ${Date.now() - t0} ms${stale.length ? `, ${stale.length} stale chunk files removed` : ''}\n`);
