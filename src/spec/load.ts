import { readdirSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ProviderSpec } from './schema.ts';
import { UserError } from '../errors.ts';
import { parseYamlOnce } from './yaml-cache.ts';
import { resolveProblems, resolveSpec } from './resolve.ts';
import { applyOverlay, overridesOf, recordOverrides } from './overlay.ts';
import { readInputFile, yamlToJs } from '../io/input-file.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { didYouMean, unknownNameLine } from '../cli/suggest.ts';

/** A validated spec and where it came from. */
export interface LoadedSpec {
  spec: ProviderSpec;
  file: string;
}

/** The bundled specs folder. */
export const SPECS_DIR = join(PROJECT_ROOT, 'specs');

/** Formats a zod issue path as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/** Zod's definition of a schema node (the parts the field walk reads). */
interface Def { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; in?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; options?: z.ZodType[]; getter?: () => z.ZodType }
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object schema at `path` under `schema`, through optional, nullable, default, pipe, array and record wrappers. */
function objectAt(schema: z.ZodType | undefined, path: ReadonlyArray<PropertyKey>): Def | undefined {
  let node = schema;
  let i = 0;
  for (let guard = 0; node && guard < 200; guard++) {
    const d = defOf(node);
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(d.type)) node = d.innerType;
    else if (d.type === 'pipe') node = d.in;
    else if (d.type === 'lazy') node = d.getter?.();
    else if (i === path.length) return d.type === 'object' ? d : undefined;
    else if (d.type === 'object') node = d.shape?.[String(path[i++])];
    else if (d.type === 'array') [node, i] = [d.element, i + 1];
    else if (d.type === 'record') [node, i] = [d.valueType, i + 1];
    else if (d.type === 'union') node = d.options?.find((o) => objectAt(o, path.slice(i)) !== undefined);
    else return undefined;
  }
  return undefined;
}

/**
 * The valid field names at `path` of `schema` (an object's keys), for "did you mean" on unknown fields.
 * @see https://zod.dev/api#objects
 */
export function fieldNamesAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  return Object.keys(objectAt(schema, path)?.shape ?? {});
}

/**
 * Turns zod issues into `file: field: message` lines. With `schema`, an unknown field is one line per field
 * with the closest valid name and all of them (`did you mean`); `prefix` is shown before each issue's path
 * (a target file's `overrides`), the schema is walked without it.
 */
export function formatIssues(file: string, issues: ReadonlyArray<z.core.$ZodIssue>, opts: { schema?: z.ZodType; prefix?: PropertyKey[] } = {}): string[] {
  const prefix = opts.prefix ?? [];
  return issues.flatMap((i) => {
    const where = `${file}: ${formatPath([...prefix, ...i.path])}`;
    if (i.code !== 'unrecognized_keys') return [`${where}: ${i.message}`];
    const valid = opts.schema ? fieldNamesAt(opts.schema, i.path) : [];
    if (!valid.length) return [`${where}: unknown field(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`];
    return i.keys.map((k) => unknownNameLine(where, k, 'field', valid));
  });
}

/**
 * Parses and validates spec text. Throws {@link UserError} with one line per problem.
 * Cross-field rules the schema cannot express (citations naming known documents) are checked here too.
 * A spec that says `extends: <id or path>` is an overlay of that spec (see overlay.ts); `baseDir` resolves a
 * relative path there.
 */
export function parseSpec(text: string, file: string, baseDir = process.cwd()): ProviderSpec {
  const { doc } = parseYamlOnce(text);
  if (doc.errors.length > 0) {
    throw new UserError(doc.errors.map((e) => `${file}: line ${e.linePos?.[0]?.line ?? '?'}: YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`));
  }
  const raw: unknown = yamlToJs(doc, file);
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'extends' in raw) return extendSpec(raw as Record<string, unknown>, file, baseDir);
  return validateSpec(raw, file);
}

const extending: string[] = [];

/** A spec file that extends another: the base spec with this file laid over it. */
function extendSpec(raw: Record<string, unknown>, file: string, baseDir: string): ProviderSpec {
  const { extends: ref, ...overlay } = raw;
  if (typeof ref !== 'string' || !ref) throw new UserError(`${file}: extends: expected a bundled spec id or a spec path, observed ${JSON.stringify(ref)}`);
  if (extending.includes(ref) || extending.length > 8) throw new UserError(`${file}: extends: "${ref}" extends itself (${[...extending, ref].join(' -> ')})`);
  extending.push(ref);
  let base: ProviderSpec;
  try {
    base = loadSpec(ref, baseDir).spec;
  } finally {
    extending.pop();
  }
  return overlaySpec(base, overlay, file, []);
}

/**
 * `base` with `overlay` laid over it, validated like any spec. Problems name `file` and the field under
 * `pathPrefix` (a target file's `overrides`). The changed paths are recorded ({@link overridesOf}).
 */
export function overlaySpec(base: ProviderSpec, overlay: unknown, file: string, pathPrefix: PropertyKey[] = ['overrides']): ProviderSpec {
  const { merged, paths } = applyOverlay(base, overlay);
  const spec = validateSpec(merged, file, pathPrefix, (s) => recordOverrides(s, [...overridesOf(base), ...paths]));
  return spec;
}

/** Schema, then cross-field rules; `beforeResolve` runs on the valid spec before its view is built. */
function validateSpec(raw: unknown, file: string, pathPrefix: PropertyKey[] = [], beforeResolve?: (s: ProviderSpec) => void): ProviderSpec {
  const parsed = ProviderSpec.safeParse(raw);
  if (!parsed.success) throw new UserError(formatIssues(file, parsed.error.issues, { schema: ProviderSpec, prefix: [...pathPrefix] }));
  const spec = parsed.data;
  const at = (field: string) => (pathPrefix.length ? `${formatPath(pathPrefix)}.${field}` : field);
  const problems: string[] = [];
  walkCitations(spec, [...pathPrefix], (path, doc) => {
    if (!(doc in spec.documents)) problems.push(`${file}: ${formatPath(path)}.doc: expected one of ${Object.keys(spec.documents).map((d) => `"${d}"`).join(', ') || '(no documents)'}, observed "${doc}"`);
  });
  if (spec.grants.refresh_token && !spec.refresh) problems.push(`${file}: ${at('refresh')}: expected a refresh policy because grants.refresh_token is declared`);
  if ((spec.grants.authorization_code || spec.grants.implicit) && !spec.endpoints.authorize) {
    problems.push(`${file}: ${at('endpoints.authorize')}: expected an authorize endpoint because a redirect-based grant is declared`);
  }
  for (const p of resolveProblems(spec)) problems.push(`${file}: ${at(p.field)}: ${p.message}`);
  if (problems.length) throw new UserError(problems);
  beforeResolve?.(spec);
  resolveSpec(spec);
  return spec;
}

function walkCitations(node: unknown, path: PropertyKey[], visit: (path: PropertyKey[], doc: string) => void): void {
  if (Array.isArray(node)) return node.forEach((n, i) => walkCitations(n, [...path, i], visit));
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.doc === 'string' && typeof o.line === 'number' && typeof o.quote === 'string') return visit(path, o.doc);
  for (const [k, v] of Object.entries(o)) walkCitations(v, [...path, k], visit);
}

/** Loads a spec by bundled id (`att`) or by path (`./my.yaml`). */
export function loadSpec(ref: string, cwd = process.cwd()): LoadedSpec {
  const looksLikePath = ref.includes('/') || ref.endsWith('.yaml') || ref.endsWith('.yml');
  const file = looksLikePath ? resolve(cwd, ref) : join(SPECS_DIR, `${ref}.yaml`);
  if (!existsSync(file)) {
    const known = listBundledSpecIds().join(', ');
    throw new UserError(looksLikePath ? `${ref}: spec file not found` : `--spec ${ref}: unknown spec id${didYouMean(ref, listBundledSpecIds())} (bundled: ${known})`);
  }
  const display = looksLikePath ? ref : `specs/${basename(file)}`;
  const text = readInputFile(file, display, 'spec');
  return { spec: parseSpec(text, display, dirname(file)), file };
}

/** Ids of the specs bundled in specs/. */
export function listBundledSpecIds(): string[] {
  return readdirSync(SPECS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** Loads every bundled spec; collects all problems before throwing. */
export function loadAllSpecs(): LoadedSpec[] {
  const out: LoadedSpec[] = [];
  const problems: string[] = [];
  for (const id of listBundledSpecIds()) {
    try {
      out.push(loadSpec(id));
    } catch (e) {
      if (e instanceof UserError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new UserError(problems);
  return out;
}
