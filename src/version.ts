import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/** The harness's own name and version, as recorded in every report. */
export const HARNESS = Object.freeze({ name: pkg.name, version: pkg.version });
