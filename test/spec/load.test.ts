import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listBundledSpecIds, loadAllSpecs, loadSpec, parseSpec, SPECS_DIR } from '../../src/spec/load.ts';
import type { Citation } from '../../src/spec/schema.ts';
import { problemsOf as userErrorProblems } from '../support/user-error.ts';

const attText = readFileSync(join(SPECS_DIR, 'att.yaml'), 'utf8');

function problemsOf(text: string, file = 'specs/x.yaml'): string[] {
  return userErrorProblems(() => parseSpec(text, file));
}

function citations(node: unknown, out: Citation[] = []): Citation[] {
  if (Array.isArray(node)) node.forEach((n) => citations(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.doc === 'string' && typeof o.line === 'number' && typeof o.quote === 'string') out.push(o as unknown as Citation);
    else Object.values(o).forEach((v) => citations(v, out));
  }
  return out;
}

describe('bundled specs', () => {
  it('are the six documented contracts', () => {
    expect(listBundledSpecIds()).toEqual(['att', 'mobile-digital', 'rfc6749', 'tangoe', 'tmobile-apis-v6', 'tmobile-naas-v2']);
  });

  it.each(listBundledSpecIds())('%s validates against the schema', (id) => {
    expect(loadSpec(id).spec.id).toBe(id);
  });

  it.each(listBundledSpecIds())('%s: every citation quotes its document line verbatim', (id) => {
    const { spec } = loadSpec(id);
    const cites = citations(spec);
    const wrong: string[] = [];
    for (const c of cites) {
      const doc = spec.documents[c.doc]!;
      const lines = readFileSync(join(SPECS_DIR, 'sources', doc.file), 'utf8').split('\n');
      const line = lines[c.line - 1] ?? '';
      if (!line.includes(c.quote)) wrong.push(`${c.doc}:${c.line}: ${JSON.stringify(c.quote)} not in ${JSON.stringify(line.slice(0, 120))}`);
    }
    expect(wrong).toEqual([]);
    if (Object.keys(spec.documents).length) expect(cites.length).toBeGreaterThan(5);
  });

  it('every documented deviation cites a source line', () => {
    for (const { spec } of loadAllSpecs()) for (const d of spec.deviations) expect(d.source.length, `${spec.id} ${d.id}`).toBeGreaterThan(0);
  });
});

describe('spec errors are one line per problem, naming file and field', () => {
  it('reports a wrong enum value with its path', () => {
    const p = problemsOf(attText.replace('delimiter: ","', 'delimiter: ";"'));
    expect(p).toEqual([expect.stringMatching(/^specs\/x\.yaml: scope\.delimiter: .*" "\|","/)]);
  });

  it('reports several problems at once', () => {
    const p = problemsOf(attText.replace('accessToken: 172800', 'accessToken: -1').replace('rule: extension', 'rule: prefix'));
    expect(p).toHaveLength(2);
    expect(p.join('\n')).toMatch(/lifetimes\.accessToken/);
    expect(p.join('\n')).toMatch(/redirectUri\.rule/);
  });

  it('rejects unknown fields by name', () => {
    expect(problemsOf(attText.replace('name: AT&T', 'nmae: x\nname: AT&T'))).toEqual([expect.stringMatching(/^specs\/x\.yaml: \(root\): unknown field "nmae"; did you mean "name"\? \(valid: \$schema, extends, id, name, .*, deviations\)$/)]);
  });

  it('rejects a section with neither source, standard nor assumption', () => {
    const text = attText.replace(/lifetimes:\n  accessToken: 172800\n  refreshToken: 7776000\n  authorizationCode: 600\n  source:\n(    - .*\n)+  assumption: .*\n  assumed: .*\n/, 'lifetimes:\n  accessToken: 172800\n');
    expect(problemsOf(text)).toEqual([expect.stringMatching(/^specs\/x\.yaml: lifetimes: expected `source`/)]);
  });

  it('rejects `assumed` naming a field the section does not have, or standing without an assumption', () => {
    expect(problemsOf(attText.replace('assumed: [authorizationCode]', 'assumed: [authorisationCode]'))).toEqual([expect.stringMatching(/^specs\/x\.yaml: lifetimes\.assumed: expected `assumed` to name fields of this section \(accessToken, refreshToken, authorizationCode/)]);
    const bare = attText.replace(/  assumption: The authorization-code lifetime is not documented.*\n/, '');
    expect(problemsOf(bare)).toEqual(['specs/x.yaml: lifetimes.assumed: expected `assumption` beside `assumed`: the fields named there rest on it']);
  });

  it('rejects a citation of an undeclared document', () => {
    expect(problemsOf(attText.replace('doc: att-api, line: 105', 'doc: nowhere, line: 105'))).toEqual([
      expect.stringMatching(/^specs\/x\.yaml: endpoints\.token\.source\[0\]\.doc: expected one of "att-faq", "att-api", observed "nowhere"$/),
    ]);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(problemsOf('id: x\nid: y\n')).toEqual(['specs/x.yaml: line 2: YAML: Map keys must be unique']);
  });

  it('requires a refresh policy when the refresh grant is declared', () => {
    const text = attText.replace(/refresh:\n  rotatesRefreshToken[\s\S]*?(?=redirectUri:)/, '');
    expect(problemsOf(text)).toEqual(['specs/x.yaml: refresh: expected a refresh policy because grants.refresh_token is declared']);
  });

  it('an unknown bundled id lists the known ones', () => {
    expect(() => loadSpec('nope')).toThrow(/--spec nope: unknown spec id \(bundled: att, /);
  });
});
