/**
 * Kill matrix for the expiry suite: each fault injected into a mock must make the check meant to notice it
 * fail, and the clean mock must pass the same check. Every bundled spec's clean mock passes the whole suite, and
 * on a live-like target (no clock to move, no wait budget) the timed checks are skipped, naming the seconds.
 */
import { describe, expect, it } from 'vitest';
import expiry from '../../suites/expiry.ts';
import type { FaultName } from '../../providers/faults.ts';
import type { CheckResult } from '../../src/checks/check.ts';
import { runConformance } from '../../src/runner/engine.ts';
import { listBundledSpecIds, loadSpec } from '../../src/spec/load.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';
import type { Target } from '../../src/target/target.ts';
import { Redactor } from '../../src/redact.ts';
import { result, runOnMock, killMatrix, cleanRun } from '../support/harness.ts';

const cases: Array<[string, FaultName, string]> = [
  ['att', 'no-expires-in', 'expiry.expires-in-present'],
  ['rfc6749', 'no-expires-in', 'expiry.expires-in-present'],
  ['att', 'expires-in-wrong', 'expiry.expires-in-matches-documented'],
  ['mobile-digital', 'expires-in-wrong', 'expiry.expires-in-matches-documented'],
  ['att', 'expires-in-string', 'expiry.expires-in-declared-type'],
  ['tmobile-naas-v2', 'expires-in-number', 'expiry.expires-in-declared-type'],
  ['att', 'resource-rejects-all', 'expiry.access-token.accepted-before-expiry'],
  ['att', 'never-expire', 'expiry.access-token.rejected-after-expiry'],
  ['tangoe', 'never-expire', 'expiry.access-token.rejected-after-expiry'],
  ['tmobile-naas-v2', 'never-expire', 'expiry.access-token.rejected-after-expiry'],
  ['mobile-digital', 'never-expire', 'expiry.access-token.rejected-after-expiry'],
  // A token that outlives the expires_in it was issued with: the stated lifetime is what counts (att-faq line 185).
  ['att', 'expires-in-wrong', 'expiry.access-token.rejected-after-expiry'],
  ['mobile-digital', 'no-www-authenticate', 'expiry.access-token.www-authenticate'],
  ['rfc6749', 'no-www-authenticate', 'expiry.access-token.www-authenticate'],
  // A missing challenge is expiry.access-token.www-authenticate's alone; a challenge without error is this one's.
  ['mobile-digital', 'challenge-without-error', 'expiry.access-token.invalid-token-challenge'],
  ['att', 'refresh-expires-early', 'expiry.refresh-token.accepted-before-expiry'],
  ['rfc6749', 'refresh-expires-early', 'expiry.refresh-token.accepted-before-expiry'],
  ['att', 'refresh-never-expire', 'expiry.refresh-token.rejected-after-expiry'],
  ['rfc6749', 'refresh-never-expire', 'expiry.refresh-token.rejected-after-expiry'],
];

const clean = (spec: string) => cleanRun(expiry, spec);

describe('kill matrix: expiry', () => {
  killMatrix(expiry, cases, listBundledSpecIds());

  it('one owner per behaviour: a rejection without any challenge fails www-authenticate alone; the error-code check is skipped behind it', async () => {
    const r = await runOnMock(expiry, 'mobile-digital', ['no-www-authenticate']);
    expect(r.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual(['expiry.access-token.www-authenticate']);
    expect(result(r, 'expiry.access-token.invalid-token-challenge')).toMatchObject({ status: 'skipped', reason: expect.stringContaining('prerequisite "check expiry.access-token.www-authenticate passes" failed') });
  });

  it('records not_applicable with a reason where the spec documents no refresh lifetime or tokens are opaque', async () => {
    const tangoe = await clean('tangoe');
    expect(result(tangoe, 'expiry.refresh-token.rejected-after-expiry')).toMatchObject({ status: 'not_applicable', reason: 'the spec documents no refresh-token lifetime' });
    expect(result(await clean('rfc6749'), 'expiry.expires-in-matches-documented')).toMatchObject({ status: 'not_applicable', reason: expect.stringMatching(/not cited from a provider document/) });
  });

  it('a challenge check is skipped, not failed, when the expired token was not rejected at all', async () => {
    const r = await runOnMock(expiry, 'att', ['never-expire']);
    expect(result(r, 'expiry.access-token.www-authenticate')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/was not rejected/) });
  });
});

describe('expiry on a live-like target', () => {
  /** Runs the expiry suite against a real mock that presents itself as live: no clock to move, no wait budget. */
  async function runLiveLike(specId: string): Promise<CheckResult[]> {
    const { spec } = loadSpec(specId);
    const [run] = await runConformance({
      suites: [expiry],
      plans: [{
        spec,
        targetLabel: 'http://live-like.invalid',
        acquire: async () => {
          const m = await startMockTarget(spec);
          const { advanceClock: _noClock, ...rest } = m.target;
          const target: Target = { ...rest, kind: 'live', waitBudgetSeconds: 0 };
          return { target, release: m.close };
        },
      }],
      timeoutMs: 5_000,
      redactor: new Redactor(),
    });
    return run!.checks;
  }

  it('skips the timed checks with a reason naming the seconds needed, and never waits', async () => {
    const t0 = Date.now();
    const r = await runLiveLike('att');
    expect(Date.now() - t0).toBeLessThan(5_000);
    for (const id of ['expiry.access-token.accepted-before-expiry', 'expiry.access-token.rejected-after-expiry']) {
      expect(result(r, id)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/lifetime of 172800 s \(plus 2 s\) needs 172802 s to pass on a live target; waitBudgetSeconds is 0/) });
    }
    for (const id of ['expiry.refresh-token.accepted-before-expiry', 'expiry.refresh-token.rejected-after-expiry']) {
      expect(result(r, id)).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/needs 7776002 s to pass on a live target/) });
    }
    expect(result(r, 'expiry.access-token.www-authenticate')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/needs 172802 s/) });
    // What needs no waiting still runs, and nothing passes silently.
    expect(result(r, 'expiry.expires-in-matches-documented').status).toBe('passed');
    expect(r.filter((x) => x.status === 'failed')).toEqual([]);
  });
});
