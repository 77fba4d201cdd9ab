/**
 * The npm scripts' flags (scripts/flags.ts): values with their defaults, --help, and one line with exit 2 for an
 * unknown flag or a value that is not a number of the expected kind.
 */
import { describe, expect, it } from 'vitest';
import { readNumberFlags, type NumberFlag } from '../../scripts/flags.ts';

const FLAGS: Record<'runs' | 'seed' | 'load-seconds', NumberFlag> = {
  runs: { help: 'variants to run', min: 1, integer: true, default: 300 },
  seed: { help: 'seed of the generated cases', min: -(2 ** 31), integer: true },
  'load-seconds': { help: 'seconds of load', min: 0, default: 60 },
};
const read = (...argv: string[]) => readNumberFlags('variants', FLAGS, argv);

describe('npm script flags', () => {
  it('reads numbers and fills in the defaults', () => {
    expect(read('--runs', '12', '--seed=-7')).toEqual({ values: { runs: 12, seed: -7, 'load-seconds': 60 } });
    expect(read('--load-seconds=0.5')).toEqual({ values: { runs: 300, seed: undefined, 'load-seconds': 0.5 } });
  });

  it('--help prints every flag with its default, exit 0', () => {
    const r = read('--help');
    expect(r).toMatchObject({ exit: 0 });
    expect('stdout' in r && r.stdout).toMatch(/^usage: npm run variants -- \[flags\]\n {2}--runs +variants to run \(default 300\)\n {2}--seed +seed of the generated cases\n {2}--load-seconds +seconds of load \(default 60\)\n {2}--help /);
  });

  it.each([
    [['--rnus', '3'], /^npm run variants: unknown flag "--rnus"; did you mean "--runs"\? \(valid: --runs, --seed, --load-seconds, --help\)\n$/],
    [['--runs', 'abc'], /^npm run variants: --runs: expected a whole number of at least 1, observed "abc"\n$/],
    [['--runs', '2.5'], /^npm run variants: --runs: expected a whole number of at least 1, observed "2\.5"\n$/],
    [['--runs', '0'], /^npm run variants: --runs: expected a whole number of at least 1, observed "0"\n$/],
    [['--load-seconds', ''], /^npm run variants: --load-seconds: expected a number of at least 0, observed ""\n$/],
    [['--runs'], /^npm run variants: Option '--runs <value>' argument missing \(usage: npm run variants -- \[flags\]\)\n$/],
    // A negative value as its own word reads as a flag (the --seed help says to write --seed=-7).
    [['--seed', '-7'], /^npm run variants: Option '--seed' argument is ambiguous\. \(usage: npm run variants -- \[flags\]\)\n$/],
    [['extra'], /^npm run variants: Unexpected argument 'extra'.* \(usage: npm run variants -- \[flags\]\)\n$/],
  ])('%j: one line naming the flag, exit 2', (argv, line) => {
    const r = read(...argv);
    expect(r).toMatchObject({ exit: 2, stderr: expect.stringMatching(line) });
    expect('stderr' in r && r.stderr!.trim().split('\n')).toHaveLength(1);
  });
});
