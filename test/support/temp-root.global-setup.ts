/**
 * Global setup of vitest.config.ts: one temporary directory for the whole `npm test`, removed when it ends. Every
 * test (and every process a test starts) that makes a temporary directory makes it in the system's temporary
 * directory, which is this one for the run (TMPDIR, read by os.tmpdir() and inherited by the workers and their
 * children): one run used to leave ~80 directories of run output, pact files and Allure results behind.
 * @see https://nodejs.org/api/os.html#ostmpdir
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'oauthgate-test-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
