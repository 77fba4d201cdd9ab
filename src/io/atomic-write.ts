/**
 * Files the harness writes (summary.json and other reports, the mock's credentials and PoP key) are written to a
 * new temporary file in the same directory and renamed over the target: a reader never sees half a file, an
 * interrupted write leaves the old file whole, and the new file has exactly the requested mode whatever mode an
 * old file had (a 0644 credentials file becomes 0600).
 *
 * No fsync: the rename already guarantees a whole old or whole new file to every reader, which is what a report
 * and a credentials file need; surviving a power cut mid-run is not (the run is lost then anyway). An fsync per
 * file cost a full run ~0.4 s, most of it flushing the Allure results written just before.
 */
import { chmodSync, closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.ts';

/** Writes `text` to `file` atomically with `mode` (applied explicitly, so the umask cannot widen or narrow it). */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    writeSync(fd, text);
    closeSync(fd);
    fd = undefined;
    chmodSync(tmp, mode);
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Deepest directory chain {@link ensureDirectory} creates; deeper paths are a mistake, not a plan. */
const MAX_NEW_LEVELS = 64;

/**
 * Creates directory `dir` and its missing parents one level at a time (bounded: recursive `mkdir` spins forever
 * on procfs paths). Throws {@link UserError} `<label>: cannot create the directory (CODE)` or
 * `<label>: exists and is not a directory` (when `labelNamesDir` is false, as for a file's parent directory:
 * `<label>: cannot create the directory (<path> is not a directory)`).
 */
export function ensureDirectory(dir: string, label: string, opts: { labelNamesDir?: boolean } = {}): void {
  const namesDir = opts.labelNamesDir ?? true;
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    let kind: 'dir' | 'other' | 'none';
    try {
      kind = statSync(at).isDirectory() ? 'dir' : 'other';
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new UserError(`${label}: cannot create the directory (${code ?? (e as Error).message})`);
      kind = 'none';
    }
    if (kind === 'dir') break;
    if (kind === 'other') throw new UserError(namesDir && at === resolve(dir) ? `${label}: exists and is not a directory` : `${label}: cannot create the directory (${at} is not a directory)`);
    missing.unshift(at);
    const up = dirname(at);
    if (up === at || missing.length > MAX_NEW_LEVELS) throw new UserError(`${label}: cannot create the directory (too many missing levels)`);
    at = up;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || !statSync(d, { throwIfNoEntry: false })?.isDirectory()) {
        throw new UserError(`${label}: cannot create the directory (${code ?? (e as Error).message})`);
      }
    }
  }
}
