/**
 * test/support/temp-root.global-setup.ts: the run's own temporary directory (with the workers' shared-runs directory),
 * removed at its end, and day-old ones of runs killed before their teardown removed by the next run.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import setup from './support/temp-root.global-setup.ts';

describe('the run\'s temporary directory', () => {
  it('is TMPDIR while the run lasts and gone after; another run\'s is removed only when a day old', () => {
    const system = mkdtempSync(join(tmpdir(), 'system-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = system;
    try {
      const old = join(system, 'oauthgate-test-old');
      const live = join(system, 'oauthgate-test-live');
      const other = join(system, 'someone-else');
      for (const d of [old, live, other]) mkdirSync(d);
      const dayAndASecond = (Date.now() - 24 * 3600 * 1000 - 1000) / 1000;
      utimesSync(old, dayAndASecond, dayAndASecond);
      utimesSync(other, dayAndASecond, dayAndASecond);
      const provided: Record<string, unknown> = {};
      const teardown = setup({ provide: (key, value) => void (provided[key] = value) });
      const root = process.env.TMPDIR!;
      expect(root.startsWith(join(system, 'oauthgate-test-'))).toBe(true);
      expect(existsSync(root)).toBe(true);
      expect(provided).toEqual({ sharedRunsDir: join(root, 'shared-runs') });
      expect(existsSync(join(root, 'shared-runs'))).toBe(true);
      expect([existsSync(old), existsSync(live), existsSync(other)]).toEqual([false, true, true]);
      teardown();
      expect(existsSync(root)).toBe(false);
      expect(process.env.TMPDIR).toBe(system);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
