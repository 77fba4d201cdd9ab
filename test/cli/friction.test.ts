/**
 * Command-line friction (issue 8 item 17): `--help` on every command prints its flags; `--skip-suite`; an
 * unknown flag, suite, fault, spec id, command or spec/target field is one line with a guess ("did you mean")
 * and the valid names, exit 2, no stack trace.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, summaryOf } from '../support/cli.ts';
import { COMMANDS } from '../../src/cli/commands.ts';
import { BUILTIN_HELP, flagsInUsage } from '../../src/cli/help.ts';
import { closest, editDistance, unknownNameLine } from '../../src/cli/suggest.ts';
import { loadSpec } from '../../src/spec/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-friction-'));
const run = (args: string[]) => runCli(args, dir);

/** Exit 2, exactly one stderr line matching `line`, nothing on stdout, no stack trace. */
async function expectOneLine(args: string[], line: RegExp): Promise<void> {
  const { code, out, err } = await run(args);
  expect(code, err).toBe(2);
  expect(out).toBe('');
  expect(err.split('\n').filter(Boolean)).toEqual([expect.stringMatching(line)]);
  expect(err).not.toMatch(/\n\s+at /);
}

describe('--help on every command', () => {
  it.each(Object.keys(BUILTIN_HELP))('%s --help prints the usage and every flag it parses, exit 0', async (name) => {
    for (const flag of ['--help', '-h']) {
      const { code, out, err } = await run([name, flag]);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out.startsWith(`usage: oauthgate ${name}`)).toBe(true);
      for (const option of Object.keys(BUILTIN_HELP[name]!.options)) expect(out).toMatch(new RegExp(`^ {2}--${option} +\\S`, 'm'));
    }
  });

  it('run --help documents --skip-suite and the report flags (a flag cannot be parsed without a line of help)', async () => {
    const { out } = await run(['run', '--help']);
    expect(out).toMatch(/^ {2}--skip-suite +<name>: leave this suite out/m);
    expect(out).toMatch(/^ {2}--fail-on +must\|should/m);
    for (const [name, text] of Object.entries(BUILTIN_HELP)) for (const option of Object.keys(text.options)) expect(text.flags[option], `${name} --${option}`).toBeTruthy();
  });

  it.each(COMMANDS.map((c) => c.name))('%s --help prints its usage line with its flags, exit 0, without running', async (name) => {
    const command = await COMMANDS.find((c) => c.name === name)!.load();
    const { code, out } = await run([name, '--help']);
    expect(code).toBe(0);
    expect(out).toBe(`usage: oauthgate ${command.usage}\n${command.summary}\n`);
    for (const flag of flagsInUsage(command.usage)) expect(out).toContain(flag);
  });
});

describe('--skip-suite', () => {
  it('leaves the named suites out of the run', async () => {
    const { code, out } = await run(['run', '--spec', 'att', '--suite', 'grant-types', '--suite', 'revocation', '--skip-suite', 'revocation', '--out', 'skip']);
    expect(code).toBe(0);
    expect(new Set(summaryOf(out).runs[0]!.checks.map((c) => c.suite))).toEqual(new Set(['grant-types']));
  }, 60_000);

  it('skipping every selected suite is an error, not an empty run', async () => {
    await expectOneLine(['run', '--spec', 'att', '--suite', 'pop', '--skip-suite', 'pop'], /^--skip-suite: every selected suite is skipped \(pop\); nothing would run$/);
  });
});

describe('did you mean', () => {
  it.each([
    [['run', '--all', '--sute', 'scope'], /^run: unknown flag "--sute"; did you mean "--suite"\? \(valid: --all, --spec, .*\)$/],
    [['run', '--all', '--skip-suit', 'fuzz'], /^run: unknown flag "--skip-suit"; did you mean "--skip-suite"\?/],
    [['run', '--all', '--suite', 'scop'], /^--suite: unknown suite "scop"; did you mean "scope"\? \(valid: token-endpoint, request-syntax, .*fuzz\)$/],
    [['run', '--all', '--skip-suite', 'revocaton'], /^--skip-suite: unknown suite "revocaton"; did you mean "revocation"\?/],
    [['run', '--spec', 'tmobile-nass-v2'], /^--spec tmobile-nass-v2: unknown spec id; did you mean "tmobile-naas-v2"\? \(bundled: att, .*\)$/],
    [['run', '--all', '--fault', 'no-cache-controll'], /^--fault: unknown fault "no-cache-controll"; did you mean "no-cache-control"\?/],
    [['mock', '--spec', 'att', '--prot', '1'], /^mock: unknown flag "--prot"; did you mean "--port"\? \(valid: --spec, --port, --host, --fault, --credentials-file, --help\)$/],
    [['schema', '--chek', 'x'], /^schema: unknown flag "--chek"; did you mean "--check"\?/],
    [['report', '--nmae', 'x', 'out'], /^report: unknown flag "--nmae"; did you mean "--name"\?/],
    [['rnu', '--all'], /^oauthgate: unknown command "rnu"; did you mean "run"\?/],
    [['pact', '--spec', 'att', '--fault', 'revoke-nop'], /^--fault: unknown fault "revoke-nop"; did you mean "revoke-noop"\?/],
    [['pact', '--spce', 'att'], /^pact: unknown flag "--spce"; did you mean "--spec"\?/],
  ])('%j', async (args, line) => {
    await expectOneLine(args as string[], line);
  });

  it('no guess where nothing is close: the valid names only', async () => {
    await expectOneLine(['run', '--all', '--suite', 'zzzzzz'], /^--suite: unknown suite "zzzzzz" \(valid: token-endpoint, .*\)$/);
  });

  it('an unknown field in a target file, at the root, in endpoints and in overrides: one line each, naming the file, the field and the valid keys', async () => {
    writeFileSync(join(dir, 't.yaml'), 'spec: att\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: b\nredirectUrl: https://x.test/\nendpoints: { revok: null }\noverrides:\n  scope: { delimter: " " }\n');
    const { code, err } = await run(['run', '--target-file', 't.yaml']);
    expect(code).toBe(2);
    expect(err.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^t\.yaml: endpoints: unknown field "revok"; did you mean "revoke"\? \(valid: token, authorize, revoke, resource\)$/),
      expect.stringMatching(/^t\.yaml: \(root\): unknown field "redirectUrl"; did you mean "redirectUri"\? \(valid: spec, baseUrl, .*\)$/),
    ]);
    writeFileSync(join(dir, 'o.yaml'), 'spec: att\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: b\noverrides:\n  scope: { delimter: " " }\n');
    await expectOneLine(['run', '--target-file', 'o.yaml'], /^o\.yaml: overrides\.scope: unknown field "delimter"; did you mean "delimiter"\? \(valid: delimiter, catalogue, .*\)$/);
  });

  it('an unknown field deep in a spec file names its path and the keys valid there', async () => {
    const text = readFileSync(loadSpec('att').file, 'utf8').replace(/^ {2}delimiter: ","$/m, '  delimiter: ","\n  delimeter: ","');
    expect(text).toContain('delimeter');
    writeFileSync(join(dir, 'deep.yaml'), text);
    await expectOneLine(['run', '--spec', './deep.yaml'], /^\.\/deep\.yaml: scope: unknown field "delimeter"; did you mean "delimiter"\? \(valid: delimiter, .*\)$/);
  });

  it('a target naming a misspelt spec id', async () => {
    writeFileSync(join(dir, 's.yaml'), 'spec: tangeo\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: b\n');
    await expectOneLine(['run', '--target-file', 's.yaml'], /^s\.yaml: spec: unknown spec id "tangeo"; did you mean "tangoe"\? \(bundled: .*\)$/);
  });
});

describe('the guess', () => {
  it('is the closest name within a third of its length, or the one name the word starts', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('Scope', 'scope')).toBe(0);
    expect(editDistance('rnu', 'run')).toBe(1);
    expect(closest('scop', ['scope', 'pop'])).toBe('scope');
    expect(closest('redirect', ['redirect-uri', 'revocation'])).toBe('redirect-uri');
    expect(closest('xyz', ['scope', 'pop'])).toBeUndefined();
    expect(closest('p', ['pop', 'pkce'])).toBeUndefined();
    expect(unknownNameLine('--suite', 'scop', 'suite', ['scope', 'pop'])).toBe('--suite: unknown suite "scop"; did you mean "scope"? (valid: scope, pop)');
    expect(unknownNameLine('--suite', 'zzz', 'suite', ['scope', 'pop'])).toBe('--suite: unknown suite "zzz" (valid: scope, pop)');
  });
});
