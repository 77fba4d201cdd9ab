/**
 * Input files (issue 9 items 17 and 18): spec and target files are capped, YAML alias bombs, directories and
 * unreadable paths end at once with exit 2 and one line naming the file, never "internal error".
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, openSync, ftruncateSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { INPUT_FILE_MAX_BYTES } from '../../src/io/input-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-input-'));
const run = (args: string[]) => runCli(args, dir);

/** A file of `bytes` bytes (sparse: cheap to make, costly to parse if nobody checks its size). */
function bigFile(name: string, bytes: number): string {
  const fd = openSync(join(dir, name), 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return name;
}

const aliasBomb = [
  'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
].join('\n');

/** Exit 2, exactly one line on stderr matching `line`, no stack trace, nothing about an internal error. */
async function expectOneLine(args: string[], line: RegExp): Promise<void> {
  const { code, err } = await run(args);
  expect(err.trim().split('\n'), err).toHaveLength(1);
  expect(err.trim()).toMatch(line);
  expect(err).not.toMatch(/internal error|\n\s+at /);
  expect(code).toBe(2);
}

describe('spec files', () => {
  it('a spec file over the cap is refused before it is parsed', async () => {
    bigFile('huge-spec.yaml', INPUT_FILE_MAX_BYTES + 1);
    await expectOneLine(['run', '--spec', './huge-spec.yaml'], /^\.\/huge-spec\.yaml: \d+ bytes, more than the 4 MiB limit for a spec file$/);
  });

  it('a YAML alias bomb in a spec names the file', async () => {
    writeFileSync(join(dir, 'bomb-spec.yaml'), aliasBomb);
    await expectOneLine(['run', '--spec', './bomb-spec.yaml'], /^\.\/bomb-spec\.yaml: YAML: more than \d+ alias references/);
  });

  it('a spec path that is a directory names it', async () => {
    mkdirSync(join(dir, 'spec-dir.yaml'));
    await expectOneLine(['run', '--spec', './spec-dir.yaml'], /^\.\/spec-dir\.yaml: is a directory, expected a spec file$/);
  });
});

describe('target files', () => {
  it('a target file over the cap is refused before it is parsed', async () => {
    bigFile('huge-target.yaml', INPUT_FILE_MAX_BYTES + 1);
    await expectOneLine(['run', '--target-file', 'huge-target.yaml'], /^huge-target\.yaml: \d+ bytes, more than the 4 MiB limit for a target file$/);
  });

  it('a YAML alias bomb in a target file names the file', async () => {
    writeFileSync(join(dir, 'bomb-target.yaml'), aliasBomb);
    await expectOneLine(['run', '--target-file', 'bomb-target.yaml'], /^bomb-target\.yaml: YAML: more than \d+ alias references/);
  });

  it('a target file that is a directory names it', async () => {
    mkdirSync(join(dir, 'target-dir'));
    await expectOneLine(['run', '--target-file', 'target-dir'], /^target-dir: is a directory, expected a target file$/);
  });

  it('a target file that cannot be read names it and the reason', async () => {
    writeFileSync(join(dir, 'plain'), 'x');
    await expectOneLine(['run', '--target-file', 'plain/t.yaml'], /^plain\/t\.yaml: cannot read the target file \(ENOTDIR\)$/);
  });

  it('a target naming an unknown spec id names the target file and its spec field, not a --spec flag', async () => {
    writeFileSync(join(dir, 'unknown-spec.yaml'), 'spec: nope\nbaseUrl: http://127.0.0.1:9\nclientId: a\nclientSecret: bbbb\n');
    await expectOneLine(['run', '--target-file', 'unknown-spec.yaml'], /^unknown-spec\.yaml: spec: unknown spec id "nope" \(bundled: att, .*\)$/);
  });

  it('a target naming a missing spec file names the target file and its spec field', async () => {
    writeFileSync(join(dir, 'missing-spec.yaml'), 'spec: ./none.yaml\nbaseUrl: http://127.0.0.1:9\nclientId: a\nclientSecret: bbbb\n');
    await expectOneLine(['run', '--target-file', 'missing-spec.yaml'], /^missing-spec\.yaml: spec: spec file not found: \.\/none\.yaml$/);
  });
});
