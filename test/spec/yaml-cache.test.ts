/** One YAML parse per content for the spec loader and the reporters (src/spec/yaml-cache.ts). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlOnce, yamlParses } from '../../src/spec/yaml-cache.ts';
import { loadSpec, SPECS_DIR } from '../../src/spec/load.ts';
import { readSpecSource } from '../../src/report/links.ts';
import { sha256Hex } from '../../src/report/specs.ts';

describe('parseYamlOnce', () => {
  it('returns the same parse for the same text and another for an edited one', () => {
    const a = parseYamlOnce('id: cache-a\nlifetimes:\n  accessToken: 60\n');
    expect(parseYamlOnce('id: cache-a\nlifetimes:\n  accessToken: 60\n')).toBe(a);
    const edited = parseYamlOnce('id: cache-a\nlifetimes:\n  accessToken: 61\n');
    expect(edited).not.toBe(a);
    expect(edited.doc.toJS()).toEqual({ id: 'cache-a', lifetimes: { accessToken: 61 } });
  });

  it('parses with duplicate keys as errors and positions for lines', () => {
    const { doc, lines } = parseYamlOnce('a: 1\nb: 2\na: 3\n');
    expect(doc.errors.map((e) => e.linePos?.[0]?.line)).toEqual([3]);
    expect(lines.linePos(5)).toEqual({ line: 2, col: 1 });
  });

  it('the spec loader and a reporter reading the same file share one parse, whichever reads first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-yaml-cache-'));
    const copy = (name: string) => {
      const file = join(dir, `${name}.yaml`);
      const text = readFileSync(join(SPECS_DIR, 'tangoe.yaml'), 'utf8').replace(/^id:\s*\S+/m, `id: ${name}-${Date.now()}`);
      writeFileSync(file, text);
      return { file, info: { id: name, file, sha256: sha256Hex(Buffer.from(text)) } };
    };
    // Each reader parses a text it is first to read through the cache (one parse counted) and reuses the other's.
    const a = copy('loader-first');
    let before = yamlParses();
    loadSpec(a.file);
    expect(yamlParses() - before).toBe(1);
    readSpecSource(a.info, dir, sha256Hex);
    expect(yamlParses() - before).toBe(1);

    const b = copy('reporter-first');
    before = yamlParses();
    readSpecSource(b.info, dir, sha256Hex);
    expect(yamlParses() - before).toBe(1);
    loadSpec(b.file);
    expect(yamlParses() - before).toBe(1);
  });

  it('keeps at most 64 texts: the oldest is parsed again after 64 others', () => {
    const oldest = parseYamlOnce('id: cache-oldest\n');
    for (let i = 0; i < 64; i++) parseYamlOnce(`id: cache-filler-${i}\n`);
    expect(parseYamlOnce('id: cache-oldest\n')).not.toBe(oldest);
  });
});
