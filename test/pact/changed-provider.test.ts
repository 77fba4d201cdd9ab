/**
 * A changed provider is caught: mock faults that retype expires_in, drop token_type or change an error code fail
 * the contract's interactions, with Pact's own mismatch report in the check's reason. The conforming run of the
 * same contracts is in verify-mocks.test.ts; each fault here changes one property of the provider.
 */
import { describe, expect, it } from 'vitest';
import { check, verifyOnMock } from './support.ts';

describe('a changed provider fails verification with Pact\'s mismatch report', () => {
  it('att: expires_in sent as a string fails every token interaction ($.expires_in is expected to be a number)', async () => {
    const { checks } = await verifyOnMock('att', ['expires-in-string']);
    const c = check(checks, 'pact.token.client-credentials');
    expect(c).toMatchObject({ status: 'failed', severity: 'MUST' });
    expect(c.reason).toMatch(/\$\.expires_in: Expected '172800' \(String\) to be a number/);
    expect(check(checks, 'pact.token.refresh').status).toBe('failed');
    expect(check(checks, 'pact.error.wrong-secret').status).toBe('passed');
  }, 90_000);

  it('tmobile-naas-v2: expires_in sent as a number fails, since T-Mobile documents the string "3599"', async () => {
    const { checks } = await verifyOnMock('tmobile-naas-v2', ['expires-in-number']);
    const c = check(checks, 'pact.token.client-credentials');
    expect(c.status).toBe('failed');
    expect(c.reason).toMatch(/\$\.expires_in: Expected 3599 \(Integer\) to be the same type as '3599' \(String\)/);
  }, 90_000);

  it('att: a token response without token_type fails (the contract requires it)', async () => {
    const { checks } = await verifyOnMock('att', ['no-token-type']);
    const c = check(checks, 'pact.token.client-credentials');
    expect(c.status).toBe('failed');
    expect(c.reason).toMatch(/Actual map is missing the following keys: token_type/);
    expect(check(checks, 'pact.error.unknown-client').status).toBe('passed');
  }, 90_000);

  it('att: a changed error code fails the error interactions, naming expected and actual codes', async () => {
    const { checks } = await verifyOnMock('att', ['error-code-changed']);
    const c = check(checks, 'pact.error.wrong-secret');
    expect(c).toMatchObject({ status: 'failed', expected: '"invalid_client"', observed: '"server_error"' });
    expect(c.reason).toMatch(/\$\.error: Expected 'server_error' \(String\) to be equal to 'invalid_client' \(String\)/);
    expect(check(checks, 'pact.error.invalid-scope').status).toBe('failed');
    expect(check(checks, 'pact.token.client-credentials').status).toBe('passed');
  }, 90_000);
});

describe('a hostile target', () => {
  it('one that resets every connection yields failed checks naming the transport failure, never a crash', async () => {
    const { checks } = await verifyOnMock('mobile-digital', ['reset']);
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.filter((c) => c.status !== 'failed').map((c) => c.id)).toEqual([]);
    expect(check(checks, 'pact.error.wrong-secret').reason).toMatch(/^the target failed at the transport level \(ECONNRESET: [^)]+\), answered as HTTP 502; Pact: .*expected 401 but was 502/);
  }, 90_000);
});
