/**
 * Where a spec value comes from (src/spec/provenance.ts), and the runner's rule built on it: a check judging a value
 * the spec only assumes fails at most as SHOULD, and its reason names the assumption (issue 8 item 5). The same
 * fault on the same check gives MUST where the value is cited and SHOULD where it is assumed.
 */
import { describe, expect, it } from 'vitest';
import { fieldProvenance } from '../../src/spec/provenance.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { recordOverrides } from '../../src/spec/overlay.ts';
import { judgedFields } from '../../src/spec/judged-fields.ts';
import { SuiteContext } from '../../src/runner/suite.ts';
import { defineCheck, fail, type Outcome } from '../../src/checks/check.ts';
import { Redactor } from '../../src/redact.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import type { Target } from '../../src/target/target.ts';
import type { Sender } from '../../src/http/breaker.ts';

const spec = (id: string) => structuredClone(loadSpec(id).spec);

describe('fieldProvenance', () => {
  it('a field named in `assumed` rests on the assumption; its cited siblings on the citation', () => {
    const tmo = spec('tmobile-apis-v6');
    expect(fieldProvenance(tmo, 'pop.requiredParts')).toMatchObject({ kind: 'assumption', assumption: expect.stringMatching(/example token/) });
    expect(fieldProvenance(tmo, 'pop.maxLifetimeSeconds')).toMatchObject({ kind: 'source' });
  });

  it('a section traced by an assumption alone makes every field an assumption; a standard is a standard', () => {
    const rfc = spec('rfc6749');
    expect(fieldProvenance(rfc, 'lifetimes.refreshToken')).toMatchObject({ kind: 'assumption' });
    expect(fieldProvenance(rfc, 'refresh.invalidatesOldRefreshToken')).toMatchObject({ kind: 'standard', standard: expect.stringMatching(/RFC 9700/) });
    expect(fieldProvenance(rfc, 'scope.delimiter')).toMatchObject({ kind: 'standard' });
    expect(fieldProvenance(rfc, 'scope.unknownScope')).toMatchObject({ kind: 'assumption' });
  });

  it('the deepest traced section decides (an error case inside an assumed errors section)', () => {
    const tmo = spec('tmobile-apis-v6');
    expect(fieldProvenance(tmo, 'errors.cases.unsupported_content_type.status')).toMatchObject({ kind: 'source' });
    expect(fieldProvenance(tmo, 'errors.cases.unknown_client.status')).toMatchObject({ kind: 'standard' });
  });

  it('a value a target overlay set is the user\'s own statement', () => {
    const tangoe = spec('tangoe');
    expect(fieldProvenance(tangoe, 'refresh.invalidatesOldAccessToken').kind).toBe('assumption');
    recordOverrides(tangoe, ['refresh.invalidatesOldAccessToken']);
    expect(fieldProvenance(tangoe, 'refresh.invalidatesOldAccessToken').kind).toBe('override');
  });
});

describe('the runner caps checks judging an assumed value at SHOULD', () => {
  const target = { kind: 'live', label: 't', baseUrl: 'http://127.0.0.1:9', clientId: 'c', headers: {}, endpoints: {}, waitBudgetSeconds: 0, autoConsent: false, now: () => 0 } as unknown as Target;
  const ctx = (s: ProviderSpec) => new SuiteContext('pop', s, target, {} as Sender, new Redactor());
  // The registered check id for PoP required parts, failing as a server that ignores a missing part would.
  const partCheck = defineCheck({
    id: 'pop.taap.required-part-missing-rejected', title: 'required part', requirement: 'provider spec pop.requiredParts',
    evaluate: (): Outcome => fail('token request with a PoP token whose ehts lacks "body"', 'a 4xx error', 'HTTP 200'),
  });

  it('is registered for pop.requiredParts', () => expect(judgedFields(partCheck.id)).toEqual(['pop.requiredParts']));

  it('same failure: MUST where the parts are cited, SHOULD naming the assumption where they are assumed', async () => {
    const assumed = spec('tmobile-apis-v6');
    const cited = spec('tmobile-apis-v6');
    delete cited.pop!.assumed; // the one difference: the section's citations now cover requiredParts
    const a = await ctx(assumed).check(partCheck, { severity: 'MUST' }, () => []);
    const c = await ctx(cited).check(partCheck, { severity: 'MUST' }, () => []);
    expect(c).toMatchObject({ status: 'failed', severity: 'MUST' });
    expect(c.reason).not.toMatch(/assumption/);
    expect(a).toMatchObject({ status: 'failed', severity: 'SHOULD' });
    expect(a.reason).toBe(`${c.reason}; SHOULD, not MUST: spec assumption (pop.requiredParts): ${assumed.pop!.assumption}`);
  });

  it('leaves an unregistered check as it is; a SHOULD check keeps its severity and names the assumption', async () => {
    const other = defineCheck({ ...partCheck, id: 'pop.taap.something-else' });
    expect((await ctx(spec('tmobile-apis-v6')).check(other, { severity: 'MUST' }, () => [])).severity).toBe('MUST');
    const r = await ctx(spec('tmobile-apis-v6')).check(partCheck, { severity: 'SHOULD' }, () => []);
    expect(r.severity).toBe('SHOULD');
    expect(r.reason).toMatch(/; spec assumption \(pop\.requiredParts\): The required ehts parts/);
    expect(r.reason).not.toMatch(/not MUST/);
  });
});
