/**
 * The spec files of a run, read back for reports (requirement links, documented deviations). Reading never
 * throws: a spec file that moved or changed since the run is named in the report instead.
 */
import { createHash } from 'node:crypto';
import type { ReportContext } from './reporter.ts';
import type { Summary } from './summary.ts';
import { readSpecSource, type SpecSource } from './links.ts';

/** SHA-256 of bytes, hex. */
export const sha256Hex = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The spec sources of a summary, by spec id. */
export function specSources(summary: Summary, ctx: Pick<ReportContext, 'cwd'>): Map<string, SpecSource> {
  const out = new Map<string, SpecSource>();
  for (const info of summary.specs) out.set(info.id, readSpecSource(info, ctx.cwd ?? process.cwd(), sha256Hex));
  return out;
}

/** A documented deviation as the spec file states it (unvalidated: the file may have changed since the run). */
export interface DeviationText {
  id: string;
  rfc: string;
  description: string;
  source: { doc: string; line: number; quote: string }[];
}

/** The deviations a spec documents. */
export function deviationsOf(spec: SpecSource | undefined): DeviationText[] {
  const list = spec?.data?.deviations;
  return Array.isArray(list) ? (list.filter((d) => d && typeof d === 'object' && typeof d.id === 'string') as DeviationText[]) : [];
}

/** The spec's display name (`name:` in the YAML), or its id. */
export function specName(spec: SpecSource | undefined, id: string): string {
  const n = spec?.data?.name;
  return typeof n === 'string' ? n : id;
}
