/**
 * The hand-written kill-matrix tables, read from their test files: every `['spec', 'fault', 'check']` row of
 * test/kill-matrix/*.test.ts and test/fuzz/fuzz-suite.test.ts. Read as text (importing a test file would
 * register its tests), so the coverage and drift tests see exactly the rows the kill-matrix tests run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';

/** One row: on `spec`'s mock, `fault` makes `check` fail (and the clean mock passes it). */
export interface KillRow {
  spec: string;
  fault: string;
  check: string;
  file: string;
}

/** `['spec', 'fault', 'check.id']`: a check id always has a dot, which tells a row from a list of three spec ids. */
const ROW = /\[\s*'([a-z0-9-]+)',\s*'([a-z0-9-]+)',\s*'([a-z0-9-]+\.[a-z0-9.-]+)'\s*\]/g;

/** The files holding kill-matrix tables, relative to the project root. */
export function killTableFiles(): string[] {
  const dir = join(PROJECT_ROOT, 'test', 'kill-matrix');
  return [...readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => join('test', 'kill-matrix', f)), join('test', 'fuzz', 'fuzz-suite.test.ts')];
}

/** Every row of every table (a triple whose first item is no bundled spec id is something else, e.g. a fault list). */
export function readKillTables(): KillRow[] {
  const specs = new Set(listBundledSpecIds());
  const rows: KillRow[] = [];
  for (const file of killTableFiles()) {
    const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
    for (const m of text.matchAll(ROW)) if (specs.has(m[1]!)) rows.push({ spec: m[1]!, fault: m[2]!, check: m[3]!, file });
  }
  return rows;
}
