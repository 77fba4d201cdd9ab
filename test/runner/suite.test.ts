/**
 * The suite context's verdict rules: evidence travels with each result, a failed prerequisite is reported once as
 * a failed check (so a skipped MUST check can't let a run pass), a step the harness could not attempt blames
 * nobody, and a documented deviation needs an observed response.
 */
import { describe, expect, it } from 'vitest';
import { SuiteContext, Unavailable, defaultRunSettings, passed } from '../../src/runner/suite.ts';
import { defineCheck, fail, pass, type CheckResult } from '../../src/checks/check.ts';
import { Redactor } from '../../src/redact.ts';
import { loadSpec } from '../../src/spec/load.ts';
import type { Sender } from '../../src/http/breaker.ts';
import type { HttpExchange, HttpRequest } from '../../src/http/types.ts';
import type { Target } from '../../src/target/target.ts';
import { exchange, transportFailure } from '../support/exchange.ts';
import { send } from '../../src/steps/requests.ts';

const spec = loadSpec('tmobile-naas-v2').spec; // documents deviation "expires-in.string"
const target = { kind: 'live', label: 't', baseUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 'topsecret-value', headers: {}, endpoints: {}, waitBudgetSeconds: 0, autoConsent: false, now: () => 0 } as Target;

/** A sender that answers every request with the next canned exchange. */
function sender(answers: HttpExchange[]): Sender {
  return { send: async (req: HttpRequest) => ({ ...answers.shift()!, request: req }), close: async () => {} } as unknown as Sender;
}
const ctx = (answers: HttpExchange[] = []) => new SuiteContext('demo', spec, target, sender(answers), new Redactor());

const statusIs200 = defineCheck({
  id: 'demo.status-200', title: 'status is 200', requirement: 'RFC 6749 §5.1',
  evaluate: (ex: HttpExchange) => (ex.status === 200 ? pass() : fail('status', 'HTTP 200', `HTTP ${ex.status ?? '(none)'}`)),
});

describe('SuiteContext.check', () => {
  it('passes the prerequisites\' values to the inputs, typed, and records the exchanges it made as evidence', async () => {
    const t = ctx([exchange(200, { ok: 1 }), exchange(500)]);
    const s = await t.step('get something', async () => 42);
    const r = await t.check(statusIs200, { severity: 'MUST', needs: [s] }, async (n: number) => {
      expect(n).toBe(42);
      return [await send(t, { method: 'GET', url: `http://127.0.0.1:9/x?n=${n}` })] as [HttpExchange];
    });
    expect(r.status).toBe('passed');
    expect(r.evidence).toHaveLength(1);
    expect(r.evidence![0]).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:9/x?n=42', status: 200 });
  });

  it('uses the prerequisite step\'s exchanges as evidence when the check sends nothing itself', async () => {
    const t = ctx([exchange(500, { error: 'server_error' })]);
    const s = await t.step('obtain', () => send(t, { method: 'POST', url: 'http://127.0.0.1:9/token', body: 'client_secret=topsecret-value' }));
    const r = await t.check(statusIs200, { severity: 'MUST', needs: [s] }, (ex) => [ex]);
    expect(r.status).toBe('failed');
    expect(r.field).toBe('status');
    expect(r.evidence?.[0]?.status).toBe(500);
  });

  it('keeps the exchanges of concurrent requests inside one check, and a step\'s inside the step, even within a check', async () => {
    const t = ctx([exchange(200), exchange(200), exchange(200)]);
    let inner: Awaited<ReturnType<typeof t.step>> | undefined;
    const r = await t.check(statusIs200, { severity: 'MUST' }, async () => {
      inner = await t.step('nested', () => send(t, { method: 'GET', url: 'http://127.0.0.1:9/step' }));
      const both = await Promise.all([send(t, { method: 'GET', url: 'http://127.0.0.1:9/a' }), send(t, { method: 'GET', url: 'http://127.0.0.1:9/b' })]);
      return [both[0]] as [HttpExchange];
    });
    expect(r.evidence!.map((e) => e.url).sort()).toEqual(['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);
    expect(inner!.exchanges.map((e) => e.request.url)).toEqual(['http://127.0.0.1:9/step']);
  });

  it('leaves out of a check\'s evidence what another context sends while the check runs (a dry run that captures a request)', async () => {
    const t = ctx([exchange(401)]);
    const dry = new SuiteContext('demo', spec, target, sender([{ headers: {}, bodyText: '', durationMs: 0 } as unknown as HttpExchange]), new Redactor());
    const r = await t.check(statusIs200, { severity: 'MUST' }, async () => {
      await send(dry, { method: 'POST', url: 'http://127.0.0.1:9/captured' });
      return [await send(t, { method: 'POST', url: 'http://127.0.0.1:9/sent' })] as [HttpExchange];
    });
    expect(r.evidence!.map((e) => [e.url, e.status])).toEqual([['http://127.0.0.1:9/sent', 401]]);
  });

  it('collects what a part of a check sends apart from the check, and takes the exchanges named as deciding as its evidence', async () => {
    const t = ctx([exchange(200), exchange(500), exchange(200)]);
    const get = (path: string) => send(t, { method: 'GET', url: `http://127.0.0.1:9/${path}` });
    let collected: HttpExchange[] = [];
    const r = await t.check(statusIs200, { severity: 'MUST' }, async () => {
      await get('first');
      collected = (await t.collect(() => get('collected'))).exchanges;
      await get('last');
      t.decidedBy(collected);
      return [collected[0]!] as [HttpExchange];
    });
    expect(collected.map((e) => e.request.url)).toEqual(['http://127.0.0.1:9/collected']);
    expect(r.status).toBe('failed');
    expect(r.evidence!.map((e) => [e.url, e.status])).toEqual([['http://127.0.0.1:9/collected', 500]]);
  });

  it('fails both of two checks of one context that overlap, saying why, rather than mixing their evidence', async () => {
    const t = ctx([exchange(200), exchange(200)]);
    const body = (path: string) => async () => [await send(t, { method: 'GET', url: `http://127.0.0.1:9/${path}` })] as [HttpExchange];
    const [a, b] = await Promise.all([t.check(statusIs200, { severity: 'MUST' }, body('a')), t.check(statusIs200, { severity: 'MUST' }, body('b'))]);
    for (const r of [a, b]) {
      expect(r.status).toBe('failed');
      expect(r.reason).toMatch(/suite demo: steps or checks overlapped/);
    }
  });

  it('carries the exchanges of a check it needs when it sends nothing itself, each once', async () => {
    const t = ctx([exchange(401), exchange(200)]);
    const s = await t.step('call with a bogus token', () => send(t, { method: 'GET', url: 'http://127.0.0.1:9/bogus' }));
    const own = await t.check(statusIs200, { severity: 'SHOULD' }, async () => [await send(t, { method: 'GET', url: 'http://127.0.0.1:9/own' })] as [HttpExchange]);
    const fromStep = await t.check(statusIs200, { severity: 'MUST', needs: [s] }, (ex) => [ex]); // fails: HTTP 401
    expect(fromStep.evidence!.map((e) => e.url)).toEqual(['http://127.0.0.1:9/bogus']);
    const behindOwn = await t.check(statusIs200, { severity: 'MUST', needs: [passed(own)] }, () => [exchange(200)] as [HttpExchange]);
    expect(behindOwn.evidence!.map((e) => [e.url, e.status])).toEqual([['http://127.0.0.1:9/own', 200]]);
    const both = await t.check(statusIs200, { severity: 'MUST', needs: [s, passed(own), passed(behindOwn)] }, () => [exchange(200)] as [HttpExchange]);
    expect(both.evidence!.map((e) => e.url)).toEqual(['http://127.0.0.1:9/bogus', 'http://127.0.0.1:9/own']);
  });

  it('reports a failed prerequisite step once as a failed check at the severity of the first check needing it', async () => {
    const t = ctx();
    const s = await t.step('obtain a token', async () => { throw new Error('HTTP 500'); });
    const a = await t.check(statusIs200, { severity: 'MUST', needs: [s] }, () => [exchange(200)] as [HttpExchange]);
    const b = await t.check(statusIs200, { severity: 'MUST', needs: [s] }, () => [exchange(200)] as [HttpExchange]);
    expect(a.status).toBe('skipped');
    expect(b.status).toBe('skipped');
    const failed = t.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => [r.id, r.severity])).toEqual([['demo.step.obtain-a-token', 'MUST']]);
    expect(a.reason).toMatch(/reported as demo\.step\.obtain-a-token/);
  });

  it('blames nobody for a step the harness could not attempt (Unavailable)', async () => {
    const t = ctx();
    const s = await t.step('run the code flow', async () => { throw new Unavailable('no autoConsent'); });
    const r = await t.check(statusIs200, { severity: 'MUST', needs: [s] }, () => [exchange(200)] as [HttpExchange]);
    expect(r.status).toBe('skipped');
    expect(t.results.filter((x) => x.status === 'failed')).toEqual([]);
  });

  it('does not report again a prerequisite that is a failed check already', async () => {
    const t = ctx([exchange(500)]);
    const base = await t.check(statusIs200, { severity: 'MUST' }, async () => [await send(t, { method: 'GET', url: 'http://127.0.0.1:9/' })] as [HttpExchange]);
    await t.check(statusIs200, { severity: 'MUST', needs: [passed(base)] }, () => [exchange(200)] as [HttpExchange]);
    expect(t.results.map((r: CheckResult) => r.status)).toEqual(['failed', 'skipped']);
  });
});

describe('RunSettings.checks: only the named checks are judged', () => {
  const statusIs201 = defineCheck({
    id: 'demo.status-201', title: 'status is 201', requirement: 'RFC 9110 §15.3.2',
    evaluate: (ex: HttpExchange) => (ex.status === 201 ? pass() : fail('status', 'HTTP 201', `HTTP ${ex.status ?? '(none)'}`)),
  });
  const selecting = (checks: string[] | undefined, answers: HttpExchange[]) =>
    new SuiteContext('demo', spec, target, sender(answers), new Redactor(), () => {}, { ...defaultRunSettings(true, 1), ...(checks ? { checks } : {}) });
  /** Two checks, each sending its own probe: the suite script both runs below. */
  async function script(t: SuiteContext): Promise<number> {
    let sent = 0;
    const probe = async () => { sent++; return [await send(t, { method: 'GET', url: 'http://127.0.0.1:9/' })] as [HttpExchange]; };
    await t.check(statusIs200, { severity: 'MUST' }, probe);
    await t.check(statusIs201, { severity: 'MUST' }, probe);
    t.notApplicable(defineCheck({ id: 'demo.other', title: 'other', requirement: 'none', evaluate: () => pass() }), 'MAY', 'no reason');
    return sent;
  }

  it('runs and records a selected check as the full run does, and neither runs nor records the others', async () => {
    const full = selecting(undefined, [exchange(200), exchange(500)]);
    expect(await script(full)).toBe(2);
    const only = selecting(['demo.status-201'], [exchange(500)]);
    expect(await script(only)).toBe(1);
    expect(only.results.map((r) => [r.id, r.status, r.reason])).toEqual([['demo.status-201', 'failed', full.results[1]!.reason]]);
  });

  it('skips, with the reason, a selected check whose baseline check was left out', async () => {
    const t = selecting(['demo.status-201'], [exchange(201)]);
    const base = await t.check(statusIs200, { severity: 'MUST' }, () => [exchange(200)] as [HttpExchange]);
    const r = await t.check(statusIs201, { severity: 'MUST', needs: [passed(base)] }, async () => [await send(t, { method: 'GET', url: 'http://127.0.0.1:9/' })] as [HttpExchange]);
    expect(r).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/demo\.status-200 passes" failed: not_applicable: not selected/) });
    expect(t.results.map((x) => x.id)).toEqual(['demo.status-201']);
  });
});

describe('documented deviations need an observed response', () => {
  const stringExpires = defineCheck({
    id: 'demo.expires-in-number', title: 'expires_in is a number', requirement: 'RFC 6749 §5.1',
    evaluate: (ex: HttpExchange) => (typeof (ex.json as { expires_in?: unknown } | undefined)?.expires_in === 'number' ? pass() : fail('expires_in', 'a number', 'something else')),
  });

  it('turns a failure into a deviation when the documented behaviour was observed', async () => {
    const t = ctx([exchange(200, { expires_in: '3599' })]);
    const r = await t.check(stringExpires, { severity: 'SHOULD', deviation: 'expires-in.string' }, async () => [await send(t, { method: 'POST', url: 'http://127.0.0.1:9/t' })] as [HttpExchange]);
    expect(r.status).toBe('deviation');
  });

  it('keeps it a failure when no response came (regression: "deviation" with "observed no response")', async () => {
    const t = ctx([transportFailure('timeout')]);
    const r = await t.check(stringExpires, { severity: 'SHOULD', deviation: 'expires-in.string' }, async () => [await send(t, { method: 'POST', url: 'http://127.0.0.1:9/t' })] as [HttpExchange]);
    expect(r.status).toBe('failed');
  });
});

describe('evidence is redacted', () => {
  it('masks a registered secret in the request body of the evidence', async () => {
    const t = ctx([exchange(400, { error: 'invalid_client' })]);
    t.redactor.add('topsecret-value');
    const r = await t.check(statusIs200, { severity: 'MUST' }, async () => [await send(t, { method: 'POST', url: 'http://127.0.0.1:9/t', body: 'client_secret=topsecret-value' })] as [HttpExchange]);
    expect(JSON.stringify(r.evidence)).not.toContain('topsecret-value');
    expect(r.evidence![0]!.requestBody).toMatch(/client_secret=\[redacted:[0-9a-f]{8}\]/);
  });
});
