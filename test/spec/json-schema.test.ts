import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { specJsonSchema } from '../../src/spec/json-schema.ts';
import { SPECS_DIR } from '../../src/spec/load.ts';

describe('specs/schema.json', () => {
  it('is up to date with src/spec/schema.ts (run `npm run schema` when this fails)', () => {
    const onDisk = JSON.parse(readFileSync(join(SPECS_DIR, 'schema.json'), 'utf8'));
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(specJsonSchema())));
  });

  it('documents the fields editors complete', () => {
    const s = specJsonSchema() as { properties: Record<string, { description?: string }>; required: string[] };
    expect(s.required).toEqual(expect.arrayContaining(['id', 'name', 'endpoints', 'grants', 'scope', 'tokenResponse', 'errors', 'resource']));
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['pop', 'redirectUri', 'refresh', 'requiredHeaders', 'deviations']));
  });
});
