/**
 * "Did you mean" for the command line and for spec and target files: an unknown flag, suite, fault, spec id or
 * file field is answered in one line naming the closest valid name (when one is close) and every valid one.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.ts';

/**
 * Edit distance between `a` and `b`, case-insensitive: insertions, deletions, substitutions and swaps of two
 * adjacent characters each cost 1 (optimal string alignment), so the typo `rnu` is one edit from `run`.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo: at most a third of the longer
 * name's length in edits (at least 1), or `word` is a prefix of exactly one candidate.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  if (best !== undefined && bestD <= Math.max(1, Math.floor(Math.max(word.length, best.length) / 3))) return best;
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase()));
  return word.length >= 2 && prefixed.length === 1 ? prefixed[0] : undefined;
}

/** `; did you mean "<x>"?` when a candidate is close to `word`, else the empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closest(word, candidates);
  return guess === undefined ? '' : `; did you mean "${guess}"?`;
}

/** `<where>: unknown <kind> "<name>"; did you mean "<x>"? (valid: a, b, c)` — one line. */
export function unknownNameLine(where: string, name: string, kind: string, valid: readonly string[]): string {
  const guess = closest(name, valid);
  return `${where}: unknown ${kind} "${name}"${guess !== undefined ? `; did you mean "${guess}"?` : ''} (valid: ${valid.join(', ')})`;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags `options` defines, as typed on the command line. */
export function flagNames(options: Options): string[] {
  return Object.keys(options).map((k) => `--${k}`);
}

/**
 * `parseArgs` (strict, no positionals unless `allowPositionals`) whose unknown-flag error is one line with a
 * guess and the command's flags; other parse errors name the command and its usage (`<program> <usage>`).
 */
export function parseFlags<O extends Options>(command: string, args: string[], options: O, usage: string, allowPositionals = false, program = 'oauthgate') {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const message = (e as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'(-{1,2}[^']*)'/.exec(message)?.[1] ?? message;
      const name = flag.split('=')[0]!;
      throw new UserError(unknownNameLine(command, name, 'flag', flagNames(options)));
    }
    if (code?.startsWith('ERR_PARSE_ARGS')) throw new UserError(`${command}: ${message.split('\n')[0]} (usage: ${program} ${usage})`);
    throw e;
  }
}
