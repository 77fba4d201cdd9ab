/** What a hostile server puts in a reason reaches the terminal as visible text, never as control sequences. */
import { describe, expect, it } from 'vitest';
import { printable } from '../../src/report/terminal.ts';

describe('printable', () => {
  it('shows ANSI escapes and other control characters as \\u escapes', () => {
    expect(printable('a\x1b[2Jb\x07c\x9bd')).toBe('a\\u001b[2Jb\\u0007c\\u009bd');
  });

  it('marks line breaks, turns a tab into one space and keeps runs of spaces', () => {
    expect(printable('read  write\r\nx\ty\nz')).toBe('read  write ⏎ x y ⏎ z');
  });
});
