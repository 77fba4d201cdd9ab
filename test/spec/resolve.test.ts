/**
 * The resolved view of a spec: cross-field rules are spec errors naming the field, deviations must be registered,
 * and what the view settles (public clients, Cache-Control, the other scope delimiter, one client-auth status)
 * holds end to end: the clean mock of such a spec passes every suite.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSpec, parseSpec } from '../../src/spec/load.ts';
import { resolveSpec } from '../../src/spec/resolve.ts';
import { DEVIATIONS, DEVIATION_IDS, closestDeviationId } from '../../src/spec/deviations.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { runAllSuites, variantOf } from '../support/spec-variant.ts';
import { result } from '../support/harness.ts';
import { problemsOf as userErrorProblems } from '../support/user-error.ts';

function problemsOf(change: (s: ProviderSpec) => void, id = 'att'): string[] {
  const copy = structuredClone(loadSpec(id).spec);
  change(copy);
  return userErrorProblems(() => parseSpec(stringify(copy), 'specs/x.yaml'));
}

const failed = (rs: Awaited<ReturnType<typeof runAllSuites>>) => rs.filter((r) => r.status === 'failed' || r.status === 'skipped').map((r) => `${r.status} ${r.id}: ${r.reason}`);

describe('registered deviations', () => {
  it('an unknown deviation id is a spec error naming file and field, with "did you mean"', () => {
    const p = problemsOf((s) => { s.deviations[0]!.id = 'scope.comma-delimitted'; });
    expect(p).toEqual(['specs/x.yaml: deviations[0].id: unknown deviation id "scope.comma-delimitted" (did you mean "scope.comma-delimited"?); registered ids are listed in src/spec/deviations.ts']);
  });

  it('an id far from every registered one gets no suggestion', () => {
    expect(closestDeviationId('totally.different-thing')).toBeUndefined();
    expect(problemsOf((s) => { s.deviations[0]!.id = 'totally.different-thing'; })[0]).not.toContain('did you mean');
  });

  it('every id a bundled spec documents is registered with the RFC the spec names', () => {
    for (const { spec } of ['att', 'tangoe', 'tmobile-apis-v6', 'tmobile-naas-v2'].map((id) => loadSpec(id))) {
      for (const d of spec.deviations) expect(DEVIATIONS[d.id as keyof typeof DEVIATIONS]?.rfc, `${spec.id} ${d.id}`).toBe(d.rfc);
    }
  });

  it('registers each id once, with checks named as checks are', () => {
    expect(new Set(DEVIATION_IDS).size).toBe(DEVIATION_IDS.length);
    for (const id of DEVIATION_IDS) for (const c of DEVIATIONS[id].checks) expect(c).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });
});

describe('cross-field rules', () => {
  it('cacheControlNoStore: false needs the documented deviation cache-control.absent', () => {
    expect(problemsOf((s) => { s.tokenResponse.cacheControlNoStore = false; })).toEqual([
      expect.stringMatching(/^specs\/x\.yaml: tokenResponse\.cacheControlNoStore: false departs from RFC 6749 §5\.1 .*"cache-control\.absent"$/),
    ]);
  });

  it('invalidating the old refresh token needs rotation', () => {
    expect(problemsOf((s) => { s.refresh!.rotatesRefreshToken = false; })).toEqual([
      expect.stringMatching(/^specs\/x\.yaml: refresh\.invalidatesOldRefreshToken: true needs rotatesRefreshToken: true/),
    ]);
  });

  it('the bundled specs resolve, and the view is computed once per spec', () => {
    const { spec } = loadSpec('att');
    expect(resolveSpec(spec)).toBe(resolveSpec(spec));
    expect(resolveSpec(spec).errors.unknown_client).toEqual({ status: 401, error: 'invalid_client', documented: true });
  });

  it('an undocumented error case gets the RFC answer, marked as not documented', () => {
    const v = resolveSpec(variantOf('att', (s) => { delete s.errors.cases.unknown_client; }));
    expect(v.errors.unknown_client).toEqual({ status: 401, error: 'invalid_client', documented: false });
  });
});

describe('the resolved view end to end (clean mock, every suite)', () => {
  it('a public client (clientAuth.methods: [none]) passes every suite against its mock, with no secret', async () => {
    const spec = variantOf('tangoe', (s) => { s.clientAuth.methods = ['none']; });
    expect(resolveSpec(spec).clientAuth).toMatchObject({ allowsPublic: true, secretRequired: false, secretMethods: [] });
    const rs = await runAllSuites(spec);
    expect(failed(rs)).toEqual([]);
    expect(result(rs, 'grant.password.end-to-end').status).toBe('passed');
    expect(result(rs, 'error.wrong-secret').status).toBe('not_applicable');
  });

  it('cacheControlNoStore: false with its deviation: the missing header is a deviation, not a failure', async () => {
    const spec = variantOf('mobile-digital', (s) => {
      s.tokenResponse.cacheControlNoStore = false;
      s.deviations.push({ id: 'cache-control.absent', rfc: 'RFC 6749 §5.1', description: 'No Cache-Control on token responses.', source: [{ doc: 'md', line: 263, quote: '401 Invalid credentials' }] });
    });
    const rs = await runAllSuites(spec);
    expect(failed(rs)).toEqual([]);
    expect(result(rs, 'token.cache-control-no-store')).toMatchObject({ status: 'deviation', deviation: 'cache-control.absent' });
  });

  it('scope.otherDelimiter: accept: the mock splits on both delimiters and the scope suite passes', async () => {
    const spec = variantOf('rfc6749', (s) => { s.scope.otherDelimiter = 'accept'; });
    const rs = await runAllSuites(spec);
    expect(failed(rs)).toEqual([]);
    expect(result(rs, 'scope.other-delimiter-not-split').status).toBe('passed');
  });
});
