/**
 * The summary as the file reporters render it: every string in it passed through the run's redactor, in one
 * redaction per spec run rather than one per field (titles, reasons, evidence...), and once per summary however
 * many reporters ask. Reporters render from this copy and redact each finished file once more.
 */
import type { Redactor } from '../redact.ts';
import type { Summary } from './summary.ts';

/** The part of a {@link Redactor} the file reporters use. */
export type TextRedactor = Pick<Redactor, 'redact'>;

/** Separator between strings redacted together: never part of a secret, a fingerprint or a redaction pattern. */
const SEP = '\u0000';

/** Every string leaf of a JSON-like value, in walk order. */
function leaves(v: unknown, out: string[]): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) leaves(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) leaves(x, out);
  return out;
}

/** A copy of `v` with its string leaves replaced, in walk order, from `next`. */
function rebuild<T>(v: T, next: () => string): T {
  if (typeof v === 'string') return next() as T;
  if (Array.isArray(v)) return v.map((x) => rebuild(x, next)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebuild(x, next)])) as T;
  return v;
}

/** A deep copy of a JSON-like value with every string redacted (batched: one redaction for the whole value). */
export function redactDeep<T>(v: T, red: TextRedactor): T {
  const all = leaves(v, []);
  let done = all.some((s) => s.includes(SEP)) ? [] : red.redact(all.join(SEP)).split(SEP);
  if (done.length !== all.length) done = all.map((s) => red.redact(s));
  let i = 0;
  return rebuild(v, () => done[i++]!);
}

const cache = new WeakMap<object, WeakMap<object, Summary>>();

/** The summary with every string redacted, computed once per summary and redactor. */
export function redactedSummary<S extends Summary>(summary: S, red: TextRedactor): S {
  let byRed = cache.get(summary);
  if (!byRed) cache.set(summary, (byRed = new WeakMap()));
  let out = byRed.get(red) as S | undefined;
  if (!out) {
    const { runs, ...rest } = summary;
    out = { ...redactDeep(rest, red), runs: runs.map((r) => redactDeep(r, red)) } as S;
    byRed.set(red, out);
  }
  return out;
}
