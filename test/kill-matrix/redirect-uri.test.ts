/**
 * Kill matrix for the redirect-URI suite: each fault injected into a mock must make the check meant to notice
 * it fail, and the clean mock must pass the same check. Every bundled spec's clean mock passes the whole suite.
 */
import { describe, expect, it } from 'vitest';
import redirectUri from '../../suites/redirect-uri.ts';
import type { FaultName } from '../../providers/faults.ts';
import { listBundledSpecIds, loadSpec, overlaySpec } from '../../src/spec/load.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import { Redactor } from '../../src/redact.ts';
import { problems, result, killMatrix } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  // AT&T's rule misread as "extensions only" (att-faq line 128: the registered URI itself matches).
  ['att', 'redirect-extension-only', 'redirect-uri.att-faq.match-exact'],
  ['att', 'redirect-extension-only', 'redirect-uri.registered-accepted'],
  ['rfc6749', 'redirect-any-extension', 'redirect-uri.exact.path-extension-rejected'],
  ['rfc6749', 'redirect-prefix-match', 'redirect-uri.exact.path-extension-rejected'],
  ['tangoe', 'redirect-prefix-match', 'redirect-uri.exact.query-extension-rejected'],
  ['att', 'redirect-exact-only', 'redirect-uri.att-faq.match-query'],
  ['att', 'redirect-exact-only', 'redirect-uri.att-faq.match-subpath'],
  ['att', 'redirect-exact-only', 'redirect-uri.att-faq.match-subpath-query'],
  ['att', 'redirect-ignore-host', 'redirect-uri.att-faq.no-match-other-host'],
  ['att', 'redirect-any-extension', 'redirect-uri.att-faq.no-match-other-path'],
  ['att', 'redirect-prefix-match', 'redirect-uri.probe.path-suffix'],
  ['rfc6749', 'redirect-prefix-match', 'redirect-uri.probe.path-suffix'],
  ['att', 'redirect-host-suffix', 'redirect-uri.probe.host-suffix'],
  ['tangoe', 'redirect-host-suffix', 'redirect-uri.probe.host-suffix'],
  ['att', 'redirect-ignore-userinfo', 'redirect-uri.probe.userinfo'],
  ['rfc6749', 'redirect-ignore-userinfo', 'redirect-uri.probe.userinfo'],
  ['att', 'redirect-authority-prefix', 'redirect-uri.probe.userinfo-host-smuggling'],
  ['rfc6749', 'redirect-authority-prefix', 'redirect-uri.probe.userinfo-host-smuggling'],
  ['att', 'redirect-ignore-port', 'redirect-uri.probe.other-port'],
  ['rfc6749', 'redirect-ignore-port', 'redirect-uri.probe.other-port'],
  ['att', 'redirect-ignore-scheme', 'redirect-uri.probe.scheme-downgrade'],
  ['tangoe', 'redirect-ignore-scheme', 'redirect-uri.probe.scheme-downgrade'],
  ['att', 'redirect-allow-dot-segments', 'redirect-uri.probe.dot-segments'],
  ['att', 'redirect-allow-dot-segments', 'redirect-uri.probe.encoded-dot-segments'],
  ['att', 'redirect-allow-fragment', 'redirect-uri.probe.fragment'],
  ['rfc6749', 'redirect-allow-fragment', 'redirect-uri.probe.fragment'],
  ['att', 'redirect-on-error', 'redirect-uri.error-not-redirected'],
  ['rfc6749', 'redirect-on-error', 'redirect-uri.error-not-redirected'],
  ['tangoe', 'redirect-on-error', 'redirect-uri.error-not-redirected'],
  ['att', 'redirect-on-error', 'redirect-uri.probe.host-suffix'],
  ['att', 'redirect-no-fallback', 'redirect-uri.absent-falls-back'],
  ['rfc6749', 'redirect-absent-fallback', 'redirect-uri.absent-rejected'],
  ['tangoe', 'redirect-absent-fallback', 'redirect-uri.absent-rejected'],
  ['att', 'state-dropped', 'redirect-uri.state-preserved'],
  ['tangoe', 'state-dropped', 'redirect-uri.state-preserved'],
  ['tangoe', 'implicit-in-query', 'redirect-uri.implicit.token-in-fragment'],
];

describe('kill matrix: redirect URIs', () => {
  killMatrix(redirectUri, cases, listBundledSpecIds());

  describe('targets without autoConsent (a live server that needs a user)', () => {
    /** Runs the suite on a mock that is presented as a target without autoConsent. */
    const runWithoutConsent = async (specId: string, faults: FaultName[] = []) => {
      const { spec } = loadSpec(specId);
      const [run] = await runConformance({
        suites: [redirectUri],
        plans: [{ spec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(spec, faults); return { target: { ...m.target, autoConsent: false }, release: m.close }; } }],
        timeoutMs: 5_000,
        redactor: new Redactor(),
      });
      return run!.checks;
    };

    it('records checks that need a redirect as not_applicable with the reason (no false pass)', async () => {
      const results = await runWithoutConsent('att');
      for (const id of ['redirect-uri.registered-accepted', 'redirect-uri.att-faq.match-query', 'redirect-uri.absent-falls-back', 'redirect-uri.state-preserved']) {
        expect(result(results, id).status, id).toBe('not_applicable');
        expect(result(results, id).reason).toMatch(/autoConsent/);
      }
      expect(result(results, 'redirect-uri.probe.host-suffix').status).toBe('not_applicable');
      expect(result(results, 'redirect-uri.probe.host-suffix').reason).toMatch(/cannot be told apart/);
      expect(problems(results)).toEqual([]);
    });

    it('still fails a probe that is redirected to, which is conclusive (no false negative)', async () => {
      const r = result(await runWithoutConsent('att', ['redirect-host-suffix']), 'redirect-uri.probe.host-suffix');
      expect(r.status).toBe('failed');
      expect(r.reason).toContain('https://evilyourdomain.com/abc');
    });
  });

  describe('a spec that requires PKCE (@jmondi/oauth2-server\'s default): no false failure from a missing code_challenge', () => {
    /** Runs the suite (and the fuzz suite's redirect property) on the rfc6749 mock with `pkce: required`. */
    const runRequired = async (faults: FaultName[] = []) => {
      const spec = overlaySpec(loadSpec('rfc6749').spec, { grants: { authorization_code: { pkce: 'required' } } }, 'test');
      const [run] = await runConformance({
        suites: [redirectUri],
        plans: [{ spec, targetLabel: 'mock', acquire: async () => { const m = await startMockTarget(spec, faults); return { target: m.target, release: m.close }; } }],
        timeoutMs: 5_000,
        redactor: new Redactor(),
      });
      return run!.checks;
    };

    it('the clean mock, which refuses authorization requests without code_challenge, passes every check', async () => {
      const results = await runRequired();
      expect(result(results, 'redirect-uri.registered-accepted').status).toBe('passed');
      expect(problems(results)).toEqual([]);
    });

    it('a fault is still caught under PKCE', async () => {
      expect(result(await runRequired(['redirect-prefix-match']), 'redirect-uri.probe.path-suffix').status).toBe('failed');
    });
  });
});
