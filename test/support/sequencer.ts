/**
 * The order `npm test` hands test files to its workers: vitest's own (failed first, then longest first by the
 * durations of the last run, unknown files by size), except that files which do their work while vitest collects
 * them go first. vitest's duration cache counts only the time inside tests, so `suites/conformance.test.ts`, which
 * runs every suite against every bundled mock at collection (its 723 tests then only read results), looks like a
 * 1 s file, is sorted last, and makes a tail of several seconds on one worker while the other has nothing left.
 * @see https://vitest.dev/config/#sequence-sequencer
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files whose collection is their main cost, in the order they should start. */
export const COLLECTION_HEAVY = ['suites/conformance.test.ts'];

/** Position of `moduleId` in {@link COLLECTION_HEAVY}, or -1. */
export function collectionHeavyRank(moduleId: string): number {
  const path = moduleId.replace(/\\/g, '/');
  return COLLECTION_HEAVY.findIndex((f) => path.endsWith(`/${f}`));
}

/** vitest's order with the {@link COLLECTION_HEAVY} files moved to the front (a stable move: the rest keep theirs). */
export default class FrontLoadSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const heavy = sorted.filter((f) => collectionHeavyRank(f.moduleId) >= 0).sort((a, b) => collectionHeavyRank(a.moduleId) - collectionHeavyRank(b.moduleId));
    return [...heavy, ...sorted.filter((f) => collectionHeavyRank(f.moduleId) < 0)];
  }
}
