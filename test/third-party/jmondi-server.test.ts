/**
 * `@jmondi/oauth2-server` 4.3.7 with its express adapter (test/support/third-party/jmondi-server.ts), checked as a
 * vendor checks a live server: a target file for the rfc6749 spec with the server's own facts as overrides, every
 * suite, the command line — once with the server's default `requiresPKCE: true` (and the spec's
 * `pkce: required`), once with `requiresPKCE: false`. The server offers authorization_code, client_credentials,
 * password, refresh_token and implicit, and RFC 7009 revocation. Its default `implicitRedirectMode: 'query'` puts
 * implicit tokens in the query; a third, narrower run shows the two implicit checks pass with `'fragment'`.
 *
 * The verdicts are pinned: the exact set of failed checks per run, each justified in
 * docs/verdicts/jmondi-oauth2-server@4.3.7.md. A new failure, or one that vanished, fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJmondiServer, type JmondiServer } from '../support/third-party/jmondi-server.ts';
import { idsWith, justifiedIds, rfc6749Target, runVendor, VENDOR_FUZZ, verdictDoc, type VendorRun } from '../support/third-party/verdict.ts';

const DOC = 'jmondi-oauth2-server@4.3.7';

/** Failed in both runs, each justified in the verdict document. */
const COMMON_FAILURES = [
  // the server's own departures from the RFCs
  'error.invalid-client-www-authenticate', 'error.missing-grant-type', 'error.unsupported-content-type', 'fuzz.token.invalid-request-rejected',
  'request.repeated-parameter-rejected', 'request.two-auth-methods-rejected',
  'grant.authorization-code.reuse-rejected',
  'redirect-uri.exact.query-extension-rejected', 'redirect-uri.probe.other-port', 'redirect-uri.probe.userinfo', 'fuzz.redirect-uri.decision-matches-rule',
  'revocation.client-auth-required', 'revocation.refresh-token-rejected', 'rotation.old-refresh-token-rejected',
  'grant.implicit.end-to-end', 'redirect-uri.implicit.token-in-fragment',
];
/** Failed only with `requiresPKCE: false`: a code requested without a challenge is redeemed with a verifier. */
const PKCE_OFF_ONLY = ['pkce.verifier-without-challenge-rejected'];

const PINNED = { required: [...COMMON_FAILURES].sort(), off: [...COMMON_FAILURES, ...PKCE_OFF_ONLY].sort() };

interface Run {
  server: JmondiServer;
  run: VendorRun;
}

/** Starts the server with `requiresPKCE` (and `implicitRedirectMode`) and runs the suites (all by default) against it. */
async function runJmondi(requiresPKCE: boolean, implicitRedirectMode?: 'fragment', suites: string[] = []): Promise<Run> {
  const server = await startJmondiServer({ requiresPKCE, ...(implicitRedirectMode ? { implicitRedirectMode } : {}) });
  const run = await runVendor(rfc6749Target(server.url, server.clientId, [
    `username: ${server.username}`, 'password: ${PASSWORD}',
    'endpoints: { revoke: /token/revoke }',
    'overrides:',
    '  grants:',
    '    password: { issuesRefreshToken: true, standard: RFC 6749 §4.3 }',
    '    implicit: { standard: RFC 6749 §4.2 }',
    ...(requiresPKCE ? ['    authorization_code: { pkce: required }'] : []),
    // One complete redirect URI is registered: RFC 6749 §3.1.2.3 lets the server use it when redirect_uri is absent.
    '  redirectUri: { fallbackToRegistered: true }',
  ]), [...VENDOR_FUZZ, ...suites.flatMap((x) => ['--suite', x])], { SECRET: server.clientSecret, PASSWORD: server.password });
  return { server, run };
}

const statusOf = (r: Run, id: string) => {
  const c = r.run.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return `${c.status}${c.reason ? `: ${c.reason}` : ''}`;
};

const GRANTS_END_TO_END = [
  'grant.client-credentials.end-to-end', 'grant.authorization-code.end-to-end', 'grant.password.end-to-end', 'grant.refresh-token.end-to-end',
  'pkce.s256-verifier-accepted', 'pkce.missing-verifier-rejected', 'pkce.wrong-verifier-rejected', 'pkce.plain-downgrade-rejected',
  'redirect-uri.registered-accepted', 'redirect-uri.absent-falls-back', 'grant.authorization-code.reuse-revokes-tokens',
  'revocation.access-token-rejected', 'revocation.refresh-revokes-access-tokens',
];

for (const [label, requiresPKCE] of [['required', true], ['off', false]] as const) {
  describe(`@jmondi/oauth2-server 4.3.7, requiresPKCE: ${requiresPKCE}, under the rfc6749 spec`, () => {
    let r: Run;
    beforeAll(async () => {
      r = await runJmondi(requiresPKCE);
    }, 60_000);
    afterAll(async () => {
      await r?.server.close();
    });

    it('runs every grant it offers end to end, with PKCE, and revokes tokens', () => {
      for (const id of GRANTS_END_TO_END) expect(statusOf(r, id), id).toMatch(/^passed/);
      if (requiresPKCE) expect(statusOf(r, 'pkce.challenge-required')).toMatch(/^passed/);
      else expect(statusOf(r, 'pkce.challenge-required')).toMatch(/^not_applicable/);
    });

    it('fails exactly the pinned checks, and documents no deviation', () => {
      expect(idsWith(r.run.checks, 'failed')).toEqual(PINNED[label]);
      expect(idsWith(r.run.checks, 'deviation')).toEqual([]);
      expect(r.run.code).toBe(1);
    });

    it('keeps the client secret and the password out of everything it printed', () => {
      for (const s of [r.server.clientSecret, r.server.password]) {
        expect(r.run.out).not.toContain(s);
        expect(JSON.stringify(r.run.checks)).not.toContain(s);
      }
    });
  });
}

describe('@jmondi/oauth2-server 4.3.7 with implicitRedirectMode: \'fragment\'', () => {
  let r: Run;
  beforeAll(async () => {
    r = await runJmondi(true, 'fragment', ['grant-types', 'redirect-uri']);
  }, 60_000);
  afterAll(async () => {
    await r?.server.close();
  });

  it('passes the implicit checks the default query mode fails: the failures are the setting\'s, and the checks can pass', () => {
    expect(statusOf(r, 'grant.implicit.end-to-end')).toMatch(/^passed/);
    expect(statusOf(r, 'redirect-uri.implicit.token-in-fragment')).toMatch(/^passed/);
  });
});

describe('the verdict document', () => {
  it('justifies every pinned failure of both runs, and nothing else', () => {
    const justified = justifiedIds(verdictDoc(DOC));
    const pinned = [...new Set([...PINNED.required, ...PINNED.off])];
    expect(pinned.filter((id) => !justified.includes(id))).toEqual([]);
    expect(justified.filter((id) => !pinned.includes(id))).toEqual([]);
  });
});
