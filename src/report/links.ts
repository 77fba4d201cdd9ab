/**
 * Requirement links: a check's requirement text (`RFC 6749 §5.1`, `att-faq line 124`, `provider spec
 * lifetimes.accessToken`) turned into links a report can show: RFC sections to rfc-editor.org, provider document
 * lines to the source file and line, provider spec fields to the spec file and the line that sets them.
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isMap, isScalar, type Document, type LineCounter } from 'yaml';
import { parseYamlOnce, type ParsedYaml } from '../spec/yaml-cache.ts';
import { SPECS_DIR } from '../spec/load.ts';
import type { SpecInfo } from './summary.ts';

/** A named link to where a requirement is written. */
export interface RequirementLink {
  name: string;
  url: string;
}

/** A spec file as a report needs it: its text (when still readable), documents and a YAML line finder. */
export interface SpecSource {
  info: SpecInfo;
  /** Absolute path, when the file could be read. */
  path?: string;
  /** Display path of the spec file (as recorded in the summary). */
  display: string;
  /** Parsed YAML (not validated), when readable. */
  data?: Record<string, unknown>;
  /** Why the file could not be read, when it could not. */
  problem?: string;
  /** True when the file's SHA-256 no longer matches the one recorded for the run. */
  changedSinceRun?: boolean;
  /** Line (1-based) of a dotted spec path's key, when found. */
  lineOf(path: string): number | undefined;
}

/** The RFC references in a requirement text, as rfc-editor links (`RFC 6749 §5.1` → `…/rfc6749#section-5.1`). */
export function rfcLinks(requirement: string): RequirementLink[] {
  const out: RequirementLink[] = [];
  for (const m of requirement.matchAll(/RFC\s*(\d{3,5})(?:\s*§\s*(\d+(?:\.\d+)*))?/g)) {
    const [text, num, section] = m;
    const url = `https://www.rfc-editor.org/rfc/rfc${num}${section ? `#section-${section}` : ''}`;
    if (!out.some((l) => l.url === url)) out.push({ name: text, url });
  }
  return out;
}

/** Resolves a recorded spec file against the run's working directory, or the bundled specs directory. */
export function resolveSpecFile(info: SpecInfo, cwd: string): string {
  if (isAbsolute(info.file)) return info.file;
  const direct = resolve(cwd, info.file);
  try {
    readFileSync(direct);
    return direct;
  } catch {
    return info.file.startsWith('specs/') ? join(SPECS_DIR, info.file.slice('specs/'.length)) : direct;
  }
}

/** Each shared document's data, converted once (reporters only read it). */
const dataOf = new WeakMap<Document, unknown>();

/** A spec file's YAML (one parse per content, shared with the spec loader) and its data. */
function parsedYaml(bytes: Buffer): ParsedYaml & { data: unknown } {
  const hit = parseYamlOnce(bytes.toString('utf8'));
  if (!dataOf.has(hit.doc)) dataOf.set(hit.doc, hit.doc.toJS() as unknown);
  return { ...hit, data: dataOf.get(hit.doc) };
}

/** Reads a spec file for reporting; never throws (a missing file is recorded as a problem). */
export function readSpecSource(info: SpecInfo, cwd: string, sha256: (b: Buffer) => string): SpecSource {
  const path = resolveSpecFile(info, cwd);
  const rel = relative(cwd, path);
  const display = rel.startsWith('..') ? path : rel;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { info, display, problem: `cannot read ${info.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, lineOf: () => undefined };
  }
  const hash = sha256(bytes);
  const { doc, lines, data } = parsedYaml(bytes);
  return {
    info,
    path,
    display,
    ...(data && typeof data === 'object' ? { data: data as Record<string, unknown> } : {}),
    ...(hash !== info.sha256 ? { changedSinceRun: true } : {}),
    lineOf: (p) => keyLine(doc, lines, p),
  };
}

/** Line of the deepest key of `dotted` (`grants.*.source` stops at `grants`) in a YAML document. */
function keyLine(doc: Document, lines: LineCounter, dotted: string): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const seg of dotted.replace(/\[\]/g, '').split('.')) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
    if (!pair) break;
    const start = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    if (start !== undefined) line = lines.linePos(start).line;
    node = pair.value;
  }
  return line;
}

/** Links for provider-document lines (`att-faq line 124`, `002 line 80`) and provider-spec fields. */
export function providerLinks(requirement: string, spec: SpecSource | undefined): RequirementLink[] {
  if (!spec) return [];
  const out: RequirementLink[] = [];
  const documents = (spec.data?.documents ?? {}) as Record<string, { file?: string }>;
  for (const m of requirement.matchAll(/\b([A-Za-z0-9][\w-]*) line (\d+)/g)) {
    const [text, doc, line] = m;
    const file = documents[doc!]?.file ?? Object.values(documents).find((d) => d.file?.startsWith(`${doc}_`))?.file;
    if (!file) continue;
    const base = spec.path ? join(dirname(spec.display), 'sources', file) : `specs/sources/${file}`;
    out.push({ name: text, url: `${base}#L${line}` });
  }
  for (const m of requirement.matchAll(/provider spec:? ([A-Za-z][\w.*[\]]*)/g)) {
    const field = m[1]!.replace(/\.$/, '');
    const line = spec.lineOf(field);
    out.push({ name: `${spec.info.id} spec: ${field}`, url: `${spec.display}${line ? `#L${line}` : ''}` });
  }
  return out;
}

/** Every link for a requirement: RFC sections first, then provider documents and spec fields. */
export function requirementLinks(requirement: string, spec?: SpecSource): RequirementLink[] {
  return [...rfcLinks(requirement), ...providerLinks(requirement, spec)];
}
