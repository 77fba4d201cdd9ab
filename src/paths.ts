/**
 * Where the project's own files are (bundled specs, package.json), found by walking up from this module, so the
 * same code works from the TypeScript sources (src/) and from the compiled bundle (dist/).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'specs'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return resolve(start, '..');
}

/** The project's root directory (holds package.json and specs/). */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
