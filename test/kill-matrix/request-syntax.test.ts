/**
 * Kill matrix for the request-syntax suite (RFC 6749 §2.3, §2.3.1, §3.2, §5.2): each fault makes the check meant
 * to notice it fail, the clean mock passes it, and every bundled spec's clean mock passes the whole suite.
 */
import { describe, expect, it } from 'vitest';
import requestSyntax from '../../suites/request-syntax.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { bundledSpec, cleanRun, killMatrix, problems, result } from '../support/harness.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import { Redactor } from '../../src/redact.ts';
import tokenEndpoint from '../../suites/token-endpoint.ts';
import type { SuiteDef } from '../../src/runner/suite.ts';
import type { CheckResult } from '../../src/checks/check.ts';

/** A client secret with every character the form encoding changes that RFC 6749 §2.3.1 names in examples. */
const SPECIAL_SECRET = 'oauthgate:s3cret%2B+with space/and=more';

/** `suites` on a mock of `specId` whose client secret is {@link SPECIAL_SECRET}; the results as JSON too. */
async function runWithSpecialSecret(specId: string, suites: SuiteDef[], faults: FaultName[] = []): Promise<{ checks: CheckResult[]; json: string }> {
  const spec = bundledSpec(specId);
  const redactor = new Redactor();
  const [r] = await runConformance({
    suites,
    plans: [{ spec, targetLabel: 'mock', acquire: async () => {
      const m = await startMockTarget(spec, faults, { clientSecret: SPECIAL_SECRET });
      redactor.addClientCredentials(m.target.clientId, m.target.clientSecret);
      return { target: m.target, release: m.close };
    } }],
    timeoutMs: 5_000,
    redactor,
  });
  return { checks: r!.checks, json: JSON.stringify(r!.checks) };
}

const cases: Array<[string, FaultName, string]> = [
  ['rfc6749', 'accept-query-credentials', 'request.query-client-secret-rejected'],
  ['att', 'accept-query-credentials', 'request.query-client-secret-rejected'],
  ['tangoe', 'accept-query-credentials', 'request.query-password-rejected'],
  ['rfc6749', 'accept-repeated-parameter', 'request.repeated-parameter-rejected'],
  ['att', 'accept-repeated-parameter', 'request.repeated-parameter-rejected'],
  ['rfc6749', 'accept-two-client-auth-methods', 'request.two-auth-methods-rejected'],
];

describe('kill matrix: request-syntax', () => {
  killMatrix(requestSyntax, cases, listBundledSpecIds());

  it('a bundled mock\'s random secret has no character the form encoding changes: not applicable, with the reason', async () => {
    expect(result(await cleanRun(requestSyntax, 'rfc6749'), 'request.basic-form-encoded-credentials-accepted')).toMatchObject({
      status: 'not_applicable', reason: expect.stringMatching(/no character the form encoding changes .* cannot change a live server's secret/),
    });
    expect(result(await cleanRun(requestSyntax, 'att'), 'request.basic-form-encoded-credentials-accepted')).toMatchObject({ status: 'not_applicable', reason: 'the spec does not list client_secret_basic' });
  });

  it.each(['rfc6749', 'mobile-digital', 'tangoe', 'tmobile-apis-v6', 'tmobile-naas-v2'])('%s with a secret holding colon, percent, plus and space: the clean mock passes, basic-no-form-decode fails it', async (spec) => {
    const clean = await runWithSpecialSecret(spec, [requestSyntax, tokenEndpoint]);
    expect(problems(clean.checks)).toEqual([]);
    expect(result(clean.checks, 'request.basic-form-encoded-credentials-accepted').status).toBe('passed');
    const broken = await runWithSpecialSecret(spec, [requestSyntax], ['basic-no-form-decode']);
    const r = result(broken.checks, 'request.basic-form-encoded-credentials-accepted');
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/^token request with HTTP Basic credentials form-urlencoded before base64 \(the client's secret\): expected HTTP 200 with an access_token .* observed HTTP 40\d/);
    // The secret, raw, form-encoded or inside the Basic header, never reaches a result.
    for (const json of [clean.json, broken.json]) {
      expect(json).not.toContain('s3cret');
      expect(json).not.toContain(Buffer.from(SPECIAL_SECRET).toString('base64').slice(0, 16));
    }
  });

  it('two client authentication methods are not applicable where the spec itself requires both (T-Mobile v6)', async () => {
    expect(result(await cleanRun(requestSyntax, 'tmobile-apis-v6'), 'request.two-auth-methods-rejected')).toMatchObject({
      status: 'not_applicable',
      reason: 'the spec itself requires HTTP Basic and body credentials in one request (clientAuth.bodyCredentialsAlsoRequired)',
    });
  });
});
