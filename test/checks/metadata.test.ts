/**
 * Registry-wide test of check metadata (src/checks/check.ts `CheckMeta`): every check any module of src/checks
 * exports — directly, or inside an exported array or object (redirect-URI probes, DPoP rejections) — has a stable
 * id `area.assertion`, a title a reader can act on, and a requirement naming its source: an RFC section or the
 * provider document (a spec field or a document line). Summary.json and the terminal table print these three, so
 * an empty or unsourced one is a report nobody can audit.
 * @see https://www.rfc-editor.org/rfc/rfc2119
 */
import { describe, expect, it } from 'vitest';
import type { CheckMeta } from '../../src/checks/check.ts';
import * as codeRedemption from '../../src/checks/code-redemption.ts';
import * as dpop from '../../src/checks/dpop.ts';
import * as expiry from '../../src/checks/expiry.ts';
import * as fuzz from '../../src/checks/fuzz.ts';
import * as jwt from '../../src/checks/jwt.ts';
import * as pkce from '../../src/checks/pkce.ts';
import * as pop from '../../src/checks/pop.ts';
import * as redirectUri from '../../src/checks/redirect-uri.ts';
import * as requestSyntax from '../../src/checks/request-syntax.ts';
import * as resourceProbes from '../../src/checks/resource-probes.ts';
import * as resource from '../../src/checks/resource.ts';
import * as revocation from '../../src/checks/revocation.ts';
import * as rotation from '../../src/checks/rotation.ts';
import * as scope from '../../src/checks/scope.ts';
import * as tokenResponse from '../../src/checks/token-response.ts';

const MODULES: Record<string, Record<string, unknown>> = {
  'code-redemption': codeRedemption, dpop, expiry, fuzz, jwt, pkce, pop, 'redirect-uri': redirectUri,
  'request-syntax': requestSyntax, 'resource-probes': resourceProbes, resource, revocation, rotation, scope,
  'token-response': tokenResponse,
};

type FoundCheck = CheckMeta & { evaluate: unknown };

/** Anything with an `evaluate` function is a check: one that lost its metadata must fail below, not be skipped. */
const isCheck = (v: unknown): v is FoundCheck =>
  typeof v === 'object' && v !== null && typeof (v as { evaluate?: unknown }).evaluate === 'function';

/** Every check reachable from `v` through arrays and plain objects (three levels deep), each once. */
function collect(v: unknown, found: Set<FoundCheck>, depth = 0): Set<FoundCheck> {
  if (isCheck(v)) found.add(v);
  else if (depth < 3 && Array.isArray(v)) v.forEach((x) => collect(x, found, depth + 1));
  else if (depth < 3 && typeof v === 'object' && v !== null) Object.values(v).forEach((x) => collect(x, found, depth + 1));
  return found;
}

const perModule = Object.entries(MODULES).map(([name, mod]) => [name, [...collect(mod, new Set())]] as const);
const all = [...new Set(perModule.flatMap(([, checks]) => checks))];

/**
 * A requirement names its source: an RFC or OpenID Connect section, or the provider's document (a spec field, a
 * document line, or T-Mobile's TAAP documents).
 */
const SOURCE = /RFC \d{4} §\d|OpenID Connect [A-Za-z ]+§\d|provider spec:? [a-zA-Z]|\blines? \d+|\bTAAP\b/;

describe('check metadata (every check exported by src/checks)', () => {
  it.each(perModule)('%s exports at least one check', (_name, checks) => expect(checks.length).toBeGreaterThan(0));

  it('finds the checks (a walker that finds nothing proves nothing)', () => expect(all.length).toBeGreaterThan(100));

  it.each(all.map((c) => [String(c.id), c] as const))('%s: id is area.assertion, lower-case with dashes', (_id, c) =>
    expect(c.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+$/));

  it.each(all.map((c) => [String(c.id), c] as const))('%s: title is a sentence, not empty and not the id', (_id, c) => {
    expect(c.title).toMatch(/^[A-Z0-9"`a-z].{9,}/);
    expect(c.title).not.toBe(c.id);
  });

  it.each(all.map((c) => [String(c.id), c] as const))('%s: requirement names its source (RFC section or provider document)', (_id, c) =>
    expect(c.requirement).toMatch(SOURCE));

  it('ids are unique: two checks never share an id', () => {
    const ids = all.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('rejects metadata the rules above exist for (the matchers are not vacuous)', () => {
    expect('').not.toMatch(SOURCE);
    expect('RFC 6749').not.toMatch(SOURCE);
    expect('RFC 6749 §5.2').toMatch(SOURCE);
    expect('provider spec scope.delimiter').toMatch(SOURCE);
    expect('att-faq line 124').toMatch(SOURCE);
    expect('OpenID Connect Core §2').toMatch(SOURCE);
  });
});
