/**
 * The GitHub Actions example (docs/ci/github-actions.yml) stays valid: it parses, and every `npx oauthgate` line
 * names a command and flags the command line accepts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { COMMANDS } from '../../src/cli/commands.ts';

const workflow = parse(readFileSync(join(PROJECT_ROOT, 'docs/ci/github-actions.yml'), 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
const lines = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).flatMap((r) => [...r.matchAll(/npx oauthgate ([\s\S]*?)(?:$|')/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim()));

describe('docs/ci/github-actions.yml', () => {
  it('runs the gate per shard, merges, signs, builds the HTML report and diffs', () => {
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['run', 'merge', 'report', 'diff']);
    expect(lines[0]).toMatch(/--fail-on should --baseline \S+/);
    expect(lines[1]).toMatch(/--sign-key \S+/);
  });

  it('uses only flags each command declares', async () => {
    const loaded = await Promise.all(COMMANDS.map((c) => c.load()));
    const usage: Record<string, string> = { run: '--target-file --out --fail-on --baseline --sign-key', ...Object.fromEntries(loaded.map((c) => [c.name, c.usage])) };
    for (const l of lines) {
      const [cmd, ...rest] = l.split(' ');
      for (const flag of rest.filter((x) => x.startsWith('--'))) expect(usage[cmd!], `${cmd} ${flag}`).toContain(flag);
    }
  });
});
