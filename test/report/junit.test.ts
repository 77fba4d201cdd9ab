/**
 * junit.xml: one testcase per check, failures with expected / observed / requirement, skipped with the reason,
 * accepted failures as skipped cases that say so, and a well-formed document whatever the server sent.
 */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/redact.ts';
import { renderJunit, stripXmlInvalid, xmlEscape } from '../../src/report/junit.ts';
import type { GatedSummary } from '../../src/report/gate.ts';
import { attRun, check, PLANTED, specRun, summaryOf, xmlProblems } from './fixtures.ts';

const testcases = (xml: string) => [...xml.matchAll(/<testcase [^>]*name="([^"]+)"[^>]*>(.*?)<\/testcase>/gs)].map((m) => ({ name: m[1]!, body: m[2]! }));

describe('renderJunit', () => {
  const xml = renderJunit(summaryOf([attRun()]), new Redactor());

  it('is well-formed and has one testcase per check, classname spec.suite', () => {
    expect(xmlProblems(xml)).toEqual([]);
    expect(testcases(xml).map((t) => t.name)).toEqual(attRun().checks.map((c) => c.id));
    expect(xml).toContain('classname="att.token-endpoint" name="token.cache-control-no-store"');
    expect(xml).toContain('classname="att.scope" name="scope.echo-as-documented"');
    expect(xml).toMatch(/<testsuite name="att.token-endpoint" tests="3" failures="2" errors="0" skipped="0"/);
    expect(xml).toMatch(/<testsuites name="oauthgate 0.1.0" tests="6" failures="2" errors="0" skipped="2" time="5.000">/);
  });

  it('gives a failure its expected, observed and requirement', () => {
    const t = testcases(xml).find((x) => x.name === 'token.cache-control-no-store')!;
    expect(t.body).toMatch(/<failure message="&quot;Cache-Control&quot; header: expected a no-store directive \(RFC 6749 §5.1\), observed \(absent\)" type="MUST">/);
    expect(t.body).toContain('expected: a no-store directive');
    expect(t.body).toContain('observed: (absent)');
    expect(t.body).toContain('requirement: RFC 6749 §5.1');
    expect(t.body).toContain('evidence: POST http://127.0.0.1:4000/oauth/v4/token -&gt; 200');
  });

  it('gives skipped and not-applicable checks their reason, and passes without a child', () => {
    const byName = Object.fromEntries(testcases(xml).map((t) => [t.name, t.body]));
    expect(byName['expiry.access-token.rejected-after-expiry']).toContain('<skipped message="skipped: prerequisite &quot;token&quot; failed: timeout"/>');
    expect(byName['redirect-uri.registered-accepted']).toContain('<skipped message="not applicable: no authorize endpoint"/>');
    expect(byName['token.success-status-200']).not.toMatch(/<failure|<skipped/);
    expect(byName['scope.echo-as-documented']).toContain('<system-out>deviation: documented deviation');
  });

  it('escapes markup and strips control characters a server put in a reason', () => {
    const t = testcases(xml).find((x) => x.name === 'token.pragma-no-cache')!;
    expect(t.body).toContain('observed: &lt;b&gt;&amp;&quot;x&quot;]]&gt;');
    expect(t.body).not.toMatch(/[\u0001\u0007]/);
  });

  it('shows a failure the baseline accepted as a skipped case naming the entry', () => {
    const s: GatedSummary = { ...summaryOf([attRun()]), gate: { failOn: 'must', exitCode: 0, failing: [], accepted: [{ spec: 'att', check: 'token.cache-control-no-store', reason: 'ticket GW-12', expires: '2099-01-01' }], warnings: [], errors: [], verdict: 'gate passed' } };
    const out = renderJunit(s, new Redactor());
    const t = testcases(out).find((x) => x.name === 'token.cache-control-no-store')!;
    expect(t.body).toMatch(/^<properties>.*<\/properties><skipped message="accepted known failure until 2099-01-01 \(ticket GW-12\): /);
    expect(out).toMatch(/<testsuite name="att.token-endpoint" tests="3" failures="1" errors="0" skipped="1"/);
  });

  it('redacts registered secrets before escaping', () => {
    const red = new Redactor();
    red.add(PLANTED);
    const run = specRun('att', [check({ id: 'token.x', status: 'failed', reason: `saw <${PLANTED}>`, observed: `a&${PLANTED}` })]);
    const out = renderJunit(summaryOf([run]), red);
    expect(out).not.toContain(PLANTED);
    expect(out).toMatch(/saw &lt;\[redacted:[0-9a-f]{8}\]&gt;/);
  });
});

describe('XML text helpers', () => {
  it('strips lone surrogates and C0 controls but keeps tab, newline and astral characters', () => {
    expect(stripXmlInvalid('a\u0000b\tc\nd\uD800e\uDFFFf😀\uFFFE')).toBe('ab\tc\ndef😀');
  });
  it('escapes the five XML specials and line breaks', () => {
    expect(xmlEscape(`<a href="x">&'\n`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;');
  });
});
