/**
 * `@node-oauth/oauth2-server` 5.3 with `@node-oauth/express-oauth-server` 4.2 (test/support/third-party/
 * node-oauth-server.ts), checked as a vendor checks a live server: a target file for the rfc6749 spec with the
 * server's own facts as overrides, every suite, the command line. The server offers authorization_code (PKCE
 * optional: it verifies a challenge when one was sent and has no switch to require one), client_credentials,
 * password and refresh_token; it has no RFC 7009 endpoint.
 *
 * The verdict is pinned: the exact set of failed checks, each justified in
 * docs/verdicts/node-oauth-oauth2-server@5.3.0.md. A new failure, or one that vanished, fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeOauthServer, type NodeOauthServer } from '../support/third-party/node-oauth-server.ts';
import { idsWith, justifiedIds, rfc6749Target, runVendor, VENDOR_FUZZ, verdictDoc, type VendorRun } from '../support/third-party/verdict.ts';

const DOC = 'node-oauth-oauth2-server@5.3.0';

/** Failed checks, each justified in the verdict document. */
const PINNED_FAILURES = [
  // the server's (or its express adapter's) own departures from the RFCs
  'grant.authorization-code.reuse-revokes-tokens',
  'request.two-auth-methods-rejected',
  'scope.resource.insufficient-scope-challenge',
  'resource.bogus-token-challenge', 'resource.malformed-token-challenge',
].sort();

let server: NodeOauthServer;
let run: VendorRun;

beforeAll(async () => {
  server = await startNodeOauthServer();
  run = await runVendor(rfc6749Target(server.url, server.clientId, [
    `username: ${server.username}`, 'password: ${PASSWORD}',
    'endpoints: { revoke: null }',
    'overrides:',
    '  grants:',
    '    password: { issuesRefreshToken: true, standard: RFC 6749 §4.3 }',
    // One complete redirect URI is registered: RFC 6749 §3.1.2.3 lets the server use it when redirect_uri is absent.
    '  redirectUri: { fallbackToRegistered: true }',
  ]), VENDOR_FUZZ, { SECRET: server.clientSecret, PASSWORD: server.password });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const status = (id: string) => {
  const c = run.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return `${c.status}${c.reason ? `: ${c.reason}` : ''}`;
};

describe('@node-oauth/oauth2-server 5.3 + express-oauth-server 4.2 under the rfc6749 spec', () => {
  it('runs every grant it offers end to end, PKCE included', () => {
    for (const id of [
      'grant.client-credentials.end-to-end', 'grant.authorization-code.end-to-end', 'grant.password.end-to-end', 'grant.refresh-token.end-to-end',
      'grant.authorization-code.reuse-rejected', 'pkce.s256-verifier-accepted', 'pkce.missing-verifier-rejected', 'pkce.wrong-verifier-rejected',
      'pkce.plain-downgrade-rejected', 'pkce.verifier-without-challenge-rejected', 'rotation.new-access-token-works', 'redirect-uri.absent-falls-back',
      'request.query-client-secret-rejected', 'request.query-password-rejected',
    ]) expect(status(id), id).toMatch(/^passed/);
  });

  it('fails exactly the pinned checks, and documents no deviation', () => {
    expect(idsWith(run.checks, 'failed')).toEqual(PINNED_FAILURES);
    expect(idsWith(run.checks, 'deviation')).toEqual([]);
    expect(run.code).toBe(1);
  });

  it('has no revocation endpoint: the revocation suite is not applicable, with the reason', () => {
    expect(status('revocation.applicable')).toMatch(/^not_applicable: .*no revocation endpoint/);
  });

  it('every pinned failure is justified in the verdict document, and the document justifies nothing else', () => {
    const justified = justifiedIds(verdictDoc(DOC));
    expect(PINNED_FAILURES.filter((id) => !justified.includes(id))).toEqual([]);
    expect(justified.filter((id) => !PINNED_FAILURES.includes(id))).toEqual([]);
  });

  it('keeps the client secret and the password out of everything it printed', () => {
    for (const s of [server.clientSecret, server.password]) {
      expect(run.out).not.toContain(s);
      expect(JSON.stringify(run.checks)).not.toContain(s);
    }
  });
});
