/** The problems a {@link UserError} lists when `f` throws one (an empty list when it returns); other errors propagate. */
import { UserError } from '../../src/errors.ts';

export function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
  return [];
}
