/**
 * Kill matrix for the request-syntax suite (RFC 6749 §2.3, §2.3.1, §3.2, §5.2): each fault makes the check meant
 * to notice it fail, the clean mock passes it, and every bundled spec's clean mock passes the whole suite.
 */
import { describe, expect, it } from 'vitest';
import requestSyntax from '../../suites/request-syntax.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds } from '../../src/spec/load.ts';
import { cleanRun, killMatrix, result } from '../support/harness.ts';

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

  it('two client authentication methods are not applicable where the spec itself requires both (T-Mobile v6)', async () => {
    expect(result(await cleanRun(requestSyntax, 'tmobile-apis-v6'), 'request.two-auth-methods-rejected')).toMatchObject({
      status: 'not_applicable',
      reason: 'the spec itself requires HTTP Basic and body credentials in one request (clientAuth.bodyCredentialsAlsoRequired)',
    });
  });
});
