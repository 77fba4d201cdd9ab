/**
 * Regression (issue 8 item 16): `error.invalid-client-www-authenticate` passed with "status 200: no challenge
 * required" when a wrong client secret got a token. That behaviour is `error.wrong-secret`'s failure; the challenge
 * check (RFC 6749 §5.2: a failed Basic authentication MUST get 401 with a Basic challenge) now needs it to pass
 * and is skipped, naming it, instead of passing.
 */
import { describe, expect, it } from 'vitest';
import tokenEndpoint from '../../suites/token-endpoint.ts';
import { cleanRun, result, runOnMock } from '../support/harness.ts';

describe('error.invalid-client-www-authenticate behind error.wrong-secret', () => {
  it('false pass: a wrong secret that got a token no longer passes the challenge check; it is skipped behind error.wrong-secret', async () => {
    const results = await runOnMock(tokenEndpoint, 'mobile-digital', ['accept-wrong-secret']);
    expect(result(results, 'error.wrong-secret').status).toBe('failed');
    const r = result(results, 'error.invalid-client-www-authenticate');
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/prerequisite "check error\.wrong-secret passes" failed/);
    expect(r.reason).not.toMatch(/no challenge required/);
  });
  it('the clean mock (401 with a Basic challenge) passes it', async () => {
    const r = result(await cleanRun(tokenEndpoint, 'mobile-digital'), 'error.invalid-client-www-authenticate');
    expect(r.status, r.reason).toBe('passed');
  });
});
