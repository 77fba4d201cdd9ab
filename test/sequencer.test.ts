/**
 * The test-file order of vitest.config.ts: vitest's own, with the files that work while being collected first.
 */
import { describe, expect, it } from 'vitest';
import type { TestSpecification } from 'vitest/node';
import FrontLoadSequencer, { collectionHeavyRank } from './support/sequencer.ts';

const ROOT = '/repo';

/** A sequencer over a duration cache of `durations` (ms by path relative to the root), as after a passing run. */
function sequencer(durations: Record<string, number>): FrontLoadSequencer {
  const cache = {
    getFileTestResults: (key: string) => {
      const d = durations[key.replace(/^:/, '')];
      return d === undefined ? undefined : { duration: d, failed: false };
    },
    getFileStats: () => ({ size: 1 }),
  };
  return new FrontLoadSequencer({ cache, config: { root: ROOT } } as unknown as ConstructorParameters<typeof FrontLoadSequencer>[0]);
}

const spec = (path: string) => ({ moduleId: `${ROOT}/${path}`, project: { name: '', config: { sequence: { groupOrder: 0 }, isolate: false } } }) as unknown as TestSpecification;
const paths = (files: TestSpecification[]) => files.map((f) => f.moduleId.slice(ROOT.length + 1));

describe('FrontLoadSequencer', () => {
  it('starts the conformance run first, and keeps the longest-first order of the rest', async () => {
    const s = sequencer({ 'test/a.test.ts': 100, 'test/b.test.ts': 9000, 'suites/conformance.test.ts': 900, 'test/c.test.ts': 3000 });
    const files = ['test/a.test.ts', 'test/b.test.ts', 'suites/conformance.test.ts', 'test/c.test.ts'].map(spec);
    expect(paths(await s.sort(files))).toEqual(['suites/conformance.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/a.test.ts']);
  });

  it('leaves vitest\'s order alone when no such file is selected', async () => {
    const s = sequencer({ 'test/a.test.ts': 100, 'test/b.test.ts': 9000 });
    expect(paths(await s.sort(['test/a.test.ts', 'test/b.test.ts'].map(spec)))).toEqual(['test/b.test.ts', 'test/a.test.ts']);
  });

  it('matches whole path segments only', () => {
    expect(collectionHeavyRank('/repo/suites/conformance.test.ts')).toBe(0);
    expect(collectionHeavyRank('C:\\repo\\suites\\conformance.test.ts')).toBe(0);
    expect(collectionHeavyRank('/repo/test/notsuites/conformance.test.ts')).toBe(-1);
    expect(collectionHeavyRank('/repo/suites/pop.test.ts')).toBe(-1);
  });
});
