/**
 * Kill matrix for the issued-JWT suite: a mock whose expires_in disagrees with the JWT it issued fails the
 * lifetime check; every bundled spec's clean mock passes the whole suite (or finds it not applicable).
 */
import { describe, expect, it } from 'vitest';
import issuedJwt from '../../suites/issued-jwt.ts';
import { cleanRun, killMatrix, problems, result, runOnMock } from '../support/harness.ts';
import { listBundledSpecIds, loadSpec } from '../../src/spec/load.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import type { FaultName } from '../../providers/faults.ts';
import type { CheckResult } from '../../src/checks/check.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import { Redactor } from '../../src/redact.ts';

describe('kill matrix: issued JWTs', () => {
  killMatrix(issuedJwt, [
    ['tmobile-naas-v2', 'jwt-header-not-json', 'jwt.access-token.decodes'],
    ['tmobile-apis-v6', 'jwt-header-not-json', 'jwt.id-token.decodes'],
    ['tmobile-naas-v2', 'jwt-expired-on-issue', 'jwt.access-token.times-current'],
    ['tmobile-apis-v6', 'jwt-expired-on-issue', 'jwt.id-token.times-current'],
    ['tmobile-naas-v2', 'jwt-id-token-no-sub', 'jwt.id-token.required-claims'],
    ['tmobile-naas-v2', 'expires-in-wrong', 'jwt.access-token.lifetime-matches-expires-in'],
    ['tmobile-apis-v6', 'expires-in-wrong', 'jwt.access-token.lifetime-matches-expires-in'],
    ['tmobile-naas-v2', 'jwt-bad-signature', 'jwt.access-token.signature-verifies'],
    ['tmobile-apis-v6', 'jwt-bad-signature', 'jwt.id-token.signature-verifies'],
    ['tmobile-naas-v2', 'jwt-wrong-issuer', 'jwt.access-token.issuer-matches'],
    ['tmobile-apis-v6', 'jwt-wrong-issuer', 'jwt.id-token.issuer-matches'],
    ['tmobile-naas-v2', 'jwt-wrong-audience', 'jwt.id-token.audience-is-client'],
  ], listBundledSpecIds());

  it('the lifetime message compares the string expires_in numerically', async () => {
    const r = result(await runOnMock(issuedJwt, 'tmobile-naas-v2', ['expires-in-wrong']), 'jwt.access-token.lifetime-matches-expires-in');
    expect(r.reason).toContain('"exp" - "iat" in access_token: expected expires_in "60" (60 s) give or take 2 s');
    expect(r.reason).toContain('observed 3599 s');
  });

  it.each(listBundledSpecIds())('%s: the suite runs in full on JWT specs and is not applicable elsewhere', async (spec) => {
    const results = await cleanRun(issuedJwt, spec);
    if (spec.startsWith('tmobile')) {
      expect(results.filter((r) => r.status === 'passed').map((r) => r.id)).toEqual([
        'jwt.access-token.decodes', 'jwt.access-token.signature-verifies', 'jwt.access-token.times-current', 'jwt.access-token.issuer-matches',
        'jwt.access-token.lifetime-matches-expires-in', 'jwt.id-token.decodes', 'jwt.id-token.signature-verifies', 'jwt.id-token.times-current',
        'jwt.id-token.issuer-matches', 'jwt.id-token.required-claims', 'jwt.id-token.audience-is-client',
      ]);
    } else {
      // The mock states its JWKS and issuer, so the issued tokens are looked at: opaque ones are not applicable.
      expect(problems(results)).toEqual([]);
      expect(results.filter((r) => r.status !== 'not_applicable').map((r) => r.id)).toEqual([]);
      expect(result(results, 'jwt.access-token.decodes').reason).toMatch(/opaque string, not a JWT, and the issued access_token is not a compact JWS either/);
    }
  });
});

describe('issued-jwt where the target states keys but the spec calls the tokens opaque', () => {
  /** tmobile-naas-v2 as a spec that calls both tokens opaque strings. */
  function opaqueSpec(): ProviderSpec {
    const spec = structuredClone(loadSpec('tmobile-naas-v2').spec);
    spec.tokenResponse.fields.access_token = { ...spec.tokenResponse.fields.access_token!, type: 'string' };
    spec.tokenResponse.fields.id_token = { ...spec.tokenResponse.fields.id_token!, type: 'string' };
    return spec;
  }
  /** Runs the suite with the harness reading `opaqueSpec()` against a JWT-issuing tmobile-naas-v2 mock. */
  async function run(faults: FaultName[] = [], keys = true): Promise<CheckResult[]> {
    const mockSpec = loadSpec('tmobile-naas-v2').spec;
    const [r] = await runConformance({
      suites: [issuedJwt],
      plans: [{
        spec: opaqueSpec(), targetLabel: 'mock', acquire: async () => {
          const m = await startMockTarget(mockSpec, faults);
          const { jwks: _j, issuer: _i, ...bare } = m.target;
          return { target: keys ? m.target : bare, release: m.close };
        },
      }],
      redactor: new Redactor(),
    });
    return r!.checks;
  }

  it('checks the JWS-shaped tokens anyway, and a foreign signature fails', async () => {
    const clean = await run();
    expect(problems(clean)).toEqual([]);
    expect(result(clean, 'jwt.access-token.signature-verifies').status).toBe('passed');
    expect(result(clean, 'jwt.id-token.issuer-matches').status).toBe('passed');
    expect(result(await run(['jwt-bad-signature']), 'jwt.access-token.signature-verifies').status).toBe('failed');
  });

  it('is not applicable when the target states neither a JWKS nor an issuer', async () => {
    expect((await run([], false)).map((r) => [r.id, r.status])).toEqual([['issued-jwt.applicable', 'not_applicable']]);
  });
});
