import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../package.json'), 'utf8')) as { name: string; version: string };

/** The harness's own name and version, as recorded in every report. */
export const HARNESS = Object.freeze({ name: pkg.name, version: pkg.version });
