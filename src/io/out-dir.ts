/**
 * The `--out` directory of a run, checked before the first request: it must be (or become) a directory the
 * harness can write into, its `summary.json` must not be something else, and it must not hold another run's
 * summary (unless `--force`) or be in use by a run still going. A lock file marks a run in progress.
 */
import { closeSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { UserError } from '../errors.ts';
import { ensureDirectory } from './atomic-write.ts';

/** Name of the lock file a run keeps in its `--out` directory while it runs. */
export const RUN_LOCK_FILE = '.oauthgate-run.lock';

/** A prepared output directory; `release()` removes the run's lock. */
export interface OutDir {
  dir: string;
  /**
   * Removes what a run replaced with `--force` left behind (nothing when the folder held no other run's summary):
   * every run output ({@link isRunOutput}) at the top of the folder that is not among `written` (paths this run
   * wrote), so that no report of the old run (one the new run does not write, with `--reports`, or another spec's
   * certification) stays beside the new summary, is signed with it or is rendered by `report`. Called once the new
   * reports are written and before signing: until then the old run's files are all there. Files of the user's own
   * are kept.
   */
  removeStale(written: readonly string[]): void;
  release(): void;
}

/**
 * Prepares `dir` for a run, or throws {@link UserError} with one line starting `--out <display>:`.
 * @param force replace another run's summary instead of refusing the directory
 */
export function prepareOutDir(dir: string, display: string, force: boolean): OutDir {
  const label = `--out ${display}`;
  ensureDirectory(dir, label);
  const replacing = refuseOtherSummary(dir, label, force);
  const lock = join(dir, RUN_LOCK_FILE);
  takeLock(lock, label, force);
  return {
    dir,
    removeStale: (written) => {
      if (!replacing) return;
      const kept = new Set(written.map((f) => relative(dir, resolve(dir, f)).split(sep)[0]));
      for (const name of readdirSync(dir)) if (isRunOutput(name) && !kept.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
    },
    release: () => rmSync(lock, { force: true }),
  };
}

/**
 * Whether `name` (an entry of an output folder) is something a run, merge or report writes: summary.json, junit.xml,
 * the certification reports, Allure results and report, observations.json, evidence.jws.
 */
export function isRunOutput(name: string): boolean {
  return RUN_OUTPUTS.includes(name) || /^certification-.+\.md$/.test(name);
}
const RUN_OUTPUTS = ['summary.json', 'junit.xml', 'observations.json', 'evidence.jws', 'allure-results', 'allure-report'];

/** Refuses a `summary.json` that is not a file, or that another run wrote (unless `force`: then true, it is replaced). */
function refuseOtherSummary(dir: string, label: string, force: boolean): boolean {
  const file = join(dir, 'summary.json');
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st) return false;
  if (!st.isFile()) throw new UserError(`${label}: summary.json exists and is not a file`);
  if (force) return true;
  let startedAt = 'at an unknown time';
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as { startedAt?: unknown };
    if (typeof s.startedAt === 'string') startedAt = s.startedAt;
  } catch {
    // not a summary we can read: still another run's file
  }
  throw new UserError(`${label}: holds the summary of another run (started ${startedAt}); choose another --out or add --force to replace it`);
}

/** Whether process `pid` is alive on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock file (also proving the directory writable); a live run's lock is refused unless `force`. */
function takeLock(lock: string, label: string, force: boolean): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UserError(`${label}: cannot write into the directory (${code ?? (e as Error).message})`);
      let pid = Number.NaN;
      try {
        pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      } catch {
        // unreadable lock: treated as stale
      }
      if (!force && Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new UserError(`${label}: another oauthgate run (process ${pid}) is writing into it; choose another --out`);
      }
      rmSync(lock, { force: true }); // left by a run that was killed, or --force
    }
  }
  throw new UserError(`${label}: cannot take the run lock ${lock}`);
}
