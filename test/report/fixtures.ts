/**
 * Synthetic summaries for reporter tests (results with evidence, as the runner records them), a tiny XML
 * well-formedness checker, and a planted secret that no report may contain.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CheckResult } from '../../src/checks/check.ts';
import { countResults, type SpecRun } from '../../src/runner/engine.ts';
import type { Evidence } from '../../src/report/evidence.ts';
import type { Summary } from '../../src/report/summary.ts';
import { SPECS_DIR } from '../../src/spec/load.ts';

/** A secret planted in evidence and reasons; it must appear in no report. */
export const PLANTED = 'Sup3rS3cretClientValue-7f3a9c';

/** A token response exchange (already-redacted evidence, as the runner stores it). */
export function tokenEvidence(body: Record<string, unknown>, headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' }, status = 200): Evidence {
  return {
    method: 'POST',
    url: 'http://127.0.0.1:4000/oauth/v4/token',
    requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', authorization: '[redacted:0badc0de]' },
    requestBody: 'grant_type=client_credentials&client_id=abc&client_secret=[redacted:12345678]',
    status,
    responseHeaders: headers,
    responseBody: JSON.stringify(body),
    durationMs: 2.5,
  };
}

/** A check result with defaults. */
export function check(p: Partial<CheckResult> & Pick<CheckResult, 'id' | 'status'>): CheckResult {
  return { suite: 'token-endpoint', title: `title of ${p.id}`, severity: 'MUST', requirement: 'RFC 6749 §5.1', durationMs: 3, ...p };
}

/** SHA-256 of a bundled spec file. */
export const bundledSha = (id: string): string => createHash('sha256').update(readFileSync(`${SPECS_DIR}/${id}.yaml`)).digest('hex');

/** A spec run from checks. */
export const specRun = (spec: string, checks: CheckResult[], target = 'mock'): SpecRun => ({ spec, target, checks, counts: countResults(checks), durationMs: 42 });

/** A summary over runs (spec files: the bundled ones). */
export function summaryOf(runs: SpecRun[], extra: Partial<Summary> = {}): Summary {
  return {
    schemaVersion: 2,
    harness: { name: 'oauthgate', version: '0.1.0' },
    startedAt: '2026-11-27T10:00:00.000Z',
    finishedAt: '2026-11-27T10:00:05.000Z',
    exitCode: runs.some((r) => r.checks.some((c) => c.status === 'failed' && c.severity === 'MUST')) ? 1 : 0,
    specs: runs.map((r) => ({ id: r.spec, file: `${SPECS_DIR}/${r.spec}.yaml`, sha256: bundledSha(r.spec) })),
    options: { suites: ['token-endpoint'], faults: [], timeoutMs: 10000, maxBodyBytes: 1 << 20 },
    runs,
    ...extra,
  };
}

/** An att run with one of each status, evidence on the failure, and hostile text in reasons. */
export function attRun(): SpecRun {
  const ok = tokenEvidence({ access_token: '[redacted:aaaaaaaa]', token_type: 'bearer', expires_in: 172800, refresh_token: '[redacted:bbbbbbbb]' });
  const noStore = tokenEvidence({ access_token: '[redacted:aaaaaaaa]', token_type: 'bearer', expires_in: 172800 }, { 'content-type': 'application/json' });
  return specRun('att', [
    check({ id: 'token.success-status-200', status: 'passed', evidence: [ok] }),
    check({
      id: 'token.cache-control-no-store', status: 'failed', field: '"Cache-Control" header',
      expected: 'a no-store directive', observed: '(absent)',
      reason: '"Cache-Control" header: expected a no-store directive (RFC 6749 §5.1), observed (absent)', evidence: [noStore],
    }),
    check({ id: 'token.pragma-no-cache', status: 'failed', severity: 'SHOULD', reason: 'Pragma: expected no-cache, observed <b>&"x"\u0001\u0007]]>', expected: 'no-cache', observed: '<b>&"x"\u0001\u0007]]>' }),
    check({ id: 'scope.echo-as-documented', suite: 'scope', status: 'deviation', deviation: 'scope.not-echoed', reason: 'documented deviation "scope.not-echoed"' }),
    check({ id: 'expiry.access-token.rejected-after-expiry', suite: 'expiry', status: 'skipped', reason: 'prerequisite "token" failed: timeout' }),
    check({ id: 'redirect-uri.registered-accepted', suite: 'redirect-uri', status: 'not_applicable', reason: 'no authorize endpoint', requirement: 'att-faq line 124 and provider spec redirectUri.fallbackToRegistered' }),
  ]);
}

/**
 * Checks that `xml` is well-formed enough for JUnit consumers: one root, balanced tags, quoted attributes,
 * known entities only, no raw `<` or `&` in text, no characters XML 1.0 forbids. Returns the problems.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  if (/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/.test(xml)) problems.push('forbidden character');
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of body.matchAll(re)) {
    const [, close, name, , selfClose, text, stray] = m;
    if (stray) problems.push(`stray "<" at ${m.index}`);
    else if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) problems.push(`bare "&" at ${m.index}`);
      if (!stack.length && text.trim()) problems.push('text outside the root');
    } else if (close) {
      if (stack.pop() !== name) problems.push(`unbalanced </${name}> at ${m.index}`);
    } else {
      if (!stack.length) roots++;
      if (!selfClose) stack.push(name!);
    }
  }
  for (const m of body.matchAll(/="([^"]*)"/g)) if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(m[1]!)) problems.push('bare "&" in an attribute');
  if (stack.length) problems.push(`unclosed ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
