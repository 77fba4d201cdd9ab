/**
 * Reading the files a user hands the harness (provider specs, target files): bounded in size, checked to be
 * regular files, and parsed as YAML with a bound on alias expansion, so that a mistaken or hostile file ends at
 * once as one line naming it (exit 2) instead of minutes of parsing, gigabytes of memory or an internal error.
 * @see https://yaml.org/spec/1.2.2/#71-alias-nodes
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Document } from 'yaml';
import { UserError } from '../errors.ts';

/** Largest spec or target file accepted, in bytes (4 MiB: the bundled specs are under 40 KiB). */
export const INPUT_FILE_MAX_BYTES = 4 * 1024 * 1024;

/** Most alias references a YAML input file may expand (the `yaml` package's `maxAliasCount`). */
export const YAML_MAX_ALIAS_COUNT = 100;

/** Formats a byte count as `4 MiB` / `512 KiB` / `10 bytes`. */
function sizeText(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads a UTF-8 input file of at most `maxBytes`. Throws {@link UserError} naming `display` (the path as the
 * user wrote it) when the file is missing, a directory, not a regular file, too large or unreadable.
 * @param what what the file is, for messages: `spec`, `target`
 */
export function readInputFile(file: string, display: string, what: string, maxBytes = INPUT_FILE_MAX_BYTES): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UserError(`${display}: is a directory, expected a ${what} file`);
    if (!st.isFile()) throw new UserError(`${display}: is not a regular file, expected a ${what} file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${display}: ${what} file not found`);
    throw new UserError(`${display}: cannot read the ${what} file (${code ?? (e as Error).message})`);
  }
  if (size > maxBytes) throw new UserError(`${display}: ${size} bytes, more than the ${sizeText(maxBytes)} limit for a ${what} file`);
  return readBounded(file, display, what, maxBytes);
}

/** Reads at most `maxBytes` + 1 bytes (a file may grow after it was measured) and decodes them as UTF-8. */
function readBounded(file: string, display: string, what: string, maxBytes: number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new UserError(`${display}: more than the ${sizeText(maxBytes)} limit for a ${what} file`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${display}: cannot read the ${what} file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Converts a parsed YAML document to plain values with alias expansion bounded by {@link YAML_MAX_ALIAS_COUNT};
 * a "billion laughs" file becomes a {@link UserError} naming the file.
 */
export function yamlToJs(doc: Document, display: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT });
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    if (/alias/i.test(message)) throw new UserError(`${display}: YAML: more than ${YAML_MAX_ALIAS_COUNT} alias references (an alias bomb?); expand the aliases by hand`);
    throw new UserError(`${display}: YAML: ${message.split('\n')[0]}`);
  }
}

/**
 * Reads and parses a JSON file the harness wrote earlier (a summary, observations) and a user hands back. Throws
 * {@link UserError} naming `display` with the reason: `cannot read (ENOENT)`, or `not valid JSON`.
 */
export function readJsonInput(file: string, display: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${display}: ${code ? `cannot read (${code})` : 'not valid JSON'}`);
  }
}
