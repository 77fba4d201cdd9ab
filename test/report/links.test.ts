/**
 * Spec sources read back for reports (src/report/links.ts): parsed once per content, so reporters share a parse,
 * and an edited file is never answered from the parse of its old content.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpecSource } from '../../src/report/links.ts';
import { sha256Hex } from '../../src/report/specs.ts';

describe('readSpecSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauthgate-links-'));
  const file = join(dir, 'x.yaml');
  const text = (name: string) => `id: x\nname: ${name}\nlifetimes:\n  accessToken: 3600\n`;

  it('shares the parse of identical content and reparses an edited file', () => {
    writeFileSync(file, text('First'));
    const info = { id: 'x', file, sha256: sha256Hex(text('First')) };
    const a = readSpecSource(info, dir, sha256Hex);
    const b = readSpecSource(info, dir, sha256Hex);
    expect(a.data?.name).toBe('First');
    expect(b.data).toBe(a.data);
    expect(a.changedSinceRun).toBeUndefined();
    expect(a.lineOf('lifetimes.accessToken')).toBe(4);

    writeFileSync(file, `# a comment moves every line\n${text('Second')}`);
    const c = readSpecSource(info, dir, sha256Hex);
    expect(c.data?.name).toBe('Second');
    expect(c.changedSinceRun).toBe(true);
    expect(c.lineOf('lifetimes.accessToken')).toBe(5);
  });

  it('records a missing file as a problem instead of throwing', () => {
    const s = readSpecSource({ id: 'y', file: join(dir, 'missing.yaml'), sha256: '0' }, dir, sha256Hex);
    expect(s.problem).toMatch(/cannot read .*missing\.yaml: ENOENT/);
    expect(s.data).toBeUndefined();
  });
});
