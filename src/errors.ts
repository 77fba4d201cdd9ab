/**
 * User errors: bad input (spec, target file, flags). They print as one line per problem and exit 2;
 * they never carry a stack trace to the terminal.
 */
export class UserError extends Error {
  /** One line per problem, each already prefixed with the file and field. */
  readonly problems: string[];
  constructor(problems: string[] | string) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.join('\n'));
    this.name = 'UserError';
    this.problems = list;
  }
}
