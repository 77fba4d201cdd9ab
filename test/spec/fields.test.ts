/**
 * Every field of the provider-spec schema is read: the mock honours it (providers/, through the resolved view)
 * and the suites judge by it (suites/, src/checks/, src/steps/, src/runner/, the deviation registry), or the
 * registry in src/spec/fields.ts says why one side has nothing to read. A field added to the schema without a
 * reader, or a reader removed from the code, fails here.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { ProviderSpec } from '../../src/spec/schema.ts';
import { SPEC_FIELD_READERS } from '../../src/spec/fields.ts';

const root = resolve(import.meta.dirname, '../..');
const TRACE = new Set(['source', 'assumption', 'standard', 'assumed']);
const WRAPPERS = new Set(['optional', 'default', 'nullable', 'prefault', 'readonly']);

/** Leaf paths of a zod schema: objects are walked, grants collapse to `grants.*`, trace fields to `*.<name>`. */
function leafPaths(schema: z.ZodType, path = ''): string[] {
  const def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } } })._zod.def;
  if (WRAPPERS.has(def.type)) return leafPaths(def.innerType!, path);
  if (def.type !== 'object') return [path];
  const out = new Set<string>();
  for (const [k, v] of Object.entries(def.shape!)) {
    if (TRACE.has(k)) out.add(`*.${k}`);
    else for (const p of leafPaths(v, path === 'grants' ? 'grants.*' : path ? `${path}.${k}` : k)) out.add(p);
  }
  return [...out];
}

function textOf(paths: string[]): string {
  const files: string[] = [];
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) files.push(p);
  };
  for (const p of paths) walk(join(root, p));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

const mockText = textOf(['providers']);
const suitesText = textOf(['suites', 'src/checks', 'src/steps', 'src/runner', 'src/spec/deviations.ts']);

/** Registry entries whose reader text is on neither the side it names. */
function unread(registry: typeof SPEC_FIELD_READERS): string[] {
  const out: string[] = [];
  for (const [path, r] of Object.entries(registry)) {
    if (r.mock !== null && !mockText.includes(r.mock)) out.push(`${path}: "${r.mock}" not found in providers/`);
    if (r.suites !== null && !suitesText.includes(r.suites)) out.push(`${path}: "${r.suites}" not found in suites/, src/checks/, src/steps/, src/runner/`);
  }
  return out;
}

describe('spec fields and their readers', () => {
  const leaves = leafPaths(ProviderSpec as unknown as z.ZodType);

  it('the walk finds the schema\'s fields', () => {
    expect(leaves).toEqual(expect.arrayContaining(['id', 'grants.*.scopeRequired', 'tokenResponse.cacheControlNoStore', 'errors.cases', '*.source']));
    expect(leaves.length).toBeGreaterThan(50);
  });

  it('every schema field is in the registry, and the registry names no field the schema lacks', () => {
    expect(leaves.filter((p) => !(p in SPEC_FIELD_READERS))).toEqual([]);
    expect(Object.keys(SPEC_FIELD_READERS).filter((p) => !leaves.includes(p))).toEqual([]);
  });

  it('every side without a reader says why', () => {
    const silent = Object.entries(SPEC_FIELD_READERS).filter(([, r]) => (r.mock === null || r.suites === null) && !r.why).map(([p]) => p);
    expect(silent).toEqual([]);
  });

  it('every field is read where the registry says (mock and suites)', () => {
    expect(unread(SPEC_FIELD_READERS)).toEqual([]);
  });

  it('a field whose reader is gone is reported (the check can fail)', () => {
    const registry = { ...SPEC_FIELD_READERS, 'tokenResponse.cacheControlNoStore': { mock: 'token.cacheControlGone', suites: 'cache-control.absent' } };
    expect(unread(registry)).toEqual(['tokenResponse.cacheControlNoStore: "token.cacheControlGone" not found in providers/']);
  });
});
