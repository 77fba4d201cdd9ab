/**
 * One YAML parse per file content for the whole process: the spec loader (validation, error lines) and the
 * reporters (requirement links to the line that sets a spec field) read the same spec files, and the yaml package
 * needs ~60 ms for a 5 KiB spec, ~0.4 s of a cold `run --all` when each reader parsed on its own.
 * @see https://eemeli.org/yaml/#documents
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { BoundedCache } from '../bounded-cache.ts';

/** A parsed YAML text: the document (with its errors) and the line finder for its nodes. Callers only read it. */
export interface ParsedYaml {
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** Distinct texts kept (a long-lived process reading many edited files drops the oldest). */
const parsed = new BoundedCache<ParsedYaml>(64);
let parses = 0;

/** How many texts this process has parsed (not served from the cache): what a test of the sharing counts. */
export const yamlParses = (): number => parses;

/**
 * `text` parsed with duplicate keys as errors and error messages with their line, or the parse of an identical text
 * read before. The document must not be changed: every caller gets the same one.
 */
export function parseYamlOnce(text: string): ParsedYaml {
  return parsed.get(text, () => {
    const lines = new LineCounter();
    parses++;
    return { doc: parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter: lines }), lines };
  });
}
