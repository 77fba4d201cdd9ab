/**
 * The certification report: what was checked (harness, spec id and SHA-256, target, times, seed), results grouped by
 * suite, failures with expected / observed / requirement and links, and the spec's documented deviations apart.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../../src/redact.ts';
import { renderCertification, writeCertifications, mdText, mdFence } from '../../src/report/markdown.ts';
import { readSpecSource, rfcLinks, providerLinks } from '../../src/report/links.ts';
import { sha256Hex } from '../../src/report/specs.ts';
import { SPECS_DIR } from '../../src/spec/load.ts';
import { attRun, bundledSha, check, PLANTED, specRun, summaryOf } from './fixtures.ts';

const source = (id: string) => readSpecSource({ id, file: `${SPECS_DIR}/${id}.yaml`, sha256: bundledSha(id) }, process.cwd(), sha256Hex);

describe('renderCertification', () => {
  const summary = summaryOf([attRun()], { options: { suites: ['token-endpoint', 'scope'], faults: [], timeoutMs: 1, maxBodyBytes: 1, seed: 4242 } });
  const md = renderCertification(summary, summary.runs[0]!, source('att'), new Redactor());

  it('states harness, spec id and SHA-256, target, start, end and seed', () => {
    expect(md).toMatch(/^# Certification report: AT&T OAuth 2.0 Authentication Management API \(v4\)/);
    expect(md).toContain('| Harness | oauthgate 0.1.0 |');
    expect(md).toContain(`| Spec SHA-256 | \`${bundledSha('att')}\` |`);
    expect(md).toContain('| Target | mock |');
    expect(md).toContain('| Started | 2026-11-27T10:00:00.000Z |');
    expect(md).toContain('| Finished | 2026-11-27T10:00:05.000Z |');
    expect(md).toContain('| Seed | 4242 |');
  });

  it('leaves the seed out when the run had none', () => {
    const s = summaryOf([attRun()]);
    expect(renderCertification(s, s.runs[0]!, source('att'), new Redactor())).not.toContain('| Seed |');
  });

  it('groups results by suite, in run order', () => {
    const headings = [...md.matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(headings.slice(-4)).toEqual(['token-endpoint', 'scope', 'expiry', 'redirect-uri']);
    expect(md).toMatch(/### token-endpoint\n\n3 checks: 1 passed, 2 failed, 0 deviations/);
  });

  it('lists each failure with expected, observed, requirement with its link, and the evidence', () => {
    const f = md.slice(md.indexOf('## Failures'), md.indexOf('## Documented deviations'));
    expect(f).toContain('### `token.cache-control-no-store` (MUST)');
    expect(f).toContain('- **Expected:** a no-store directive');
    expect(f).toContain('- **Observed:** (absent)');
    expect(f).toContain('- **Requirement:** RFC 6749 §5.1 ([RFC 6749 §5.1](https://www.rfc-editor.org/rfc/rfc6749#section-5.1))');
    expect(f).toMatch(/```http\nPOST http:\/\/127.0.0.1:4000\/oauth\/v4\/token\n[^`]*HTTP 200\ncontent-type: application\/json/);
    expect(f).toContain('### `token.pragma-no-cache` (SHOULD)');
    expect(f).toContain('- **Observed:** \\<b\\>&"x"\\]\\]\\>');
  });

  it('puts the documented deviations in their own section, with sources and whether a check observed them', () => {
    const d = md.slice(md.indexOf('## Documented deviations'), md.indexOf('## Results by suite'));
    expect(d).toContain('- **scope.comma-delimited** from RFC 6749 §3.3');
    expect(d).toMatch(/- \*\*scope\.not-echoed\*\*[^\n]*\n {2}Source: [^\n]*\n {2}Observed in this run: `scope.echo-as-documented`\./);
    expect(d).toMatch(/scope\.comma-delimited[^\n]*\n[^\n]*\n {2}Observed in this run: not observed by any check\./);
  });

  it('links provider document lines and spec fields to their file and line', () => {
    const row = md.split('\n').find((l) => l.includes('redirect-uri.registered-accepted'))!;
    expect(row).toMatch(/\[att-faq line 124\]\([^)]*specs\/sources\/000_fed5f3f0ecd0583f\.txt#L124\)/);
    const line = readFileSync(`${SPECS_DIR}/att.yaml`, 'utf8').split('\n').findIndex((l) => /^\s+fallbackToRegistered:/.test(l)) + 1;
    expect(line).toBeGreaterThan(1);
    expect(row).toContain(`att.yaml#L${line})`);
  });

  it('says when the spec file changed since the run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauthgate-md-'));
    const file = join(dir, 'att.yaml');
    writeFileSync(file, readFileSync(`${SPECS_DIR}/att.yaml`, 'utf8').replace('172800', '3600'));
    const s = summaryOf([attRun()]);
    s.specs = [{ id: 'att', file, sha256: bundledSha('att') }];
    const [out] = writeCertifications(s, { outDir: dir, redactor: new Redactor(), cwd: dir });
    expect(readFileSync(out!, 'utf8')).toMatch(/> Note: att\.yaml has changed since the run/);
  });

  it('never holds a registered secret', () => {
    const red = new Redactor();
    red.add(PLANTED);
    const run = specRun('att', [check({ id: 'token.x', status: 'failed', reason: PLANTED, expected: PLANTED, observed: PLANTED, evidence: [{ method: 'POST', url: `http://h/?client_secret=${PLANTED}`, requestHeaders: {}, responseHeaders: { 'x-echo': PLANTED }, responseBody: PLANTED, status: 400, durationMs: 1 }] })]);
    const s = summaryOf([run]);
    expect(renderCertification(s, run, source('att'), red)).not.toContain(PLANTED);
  });
});

describe('Markdown helpers and links', () => {
  it('keeps table cells on one line and inert', () => {
    expect(mdText('a|b\n<script>`x`')).toBe('a\\|b \\<script\\>\\`x\\`');
  });
  it('fences code with more backticks than it contains', () => {
    expect(mdFence('a ``` b')).toBe('````\na ``` b\n````');
  });
  it('links RFC sections to rfc-editor.org, once each', () => {
    expect(rfcLinks('RFC 6749 §5.2 and RFC 6749 §5.2, RFC 7009')).toEqual([
      { name: 'RFC 6749 §5.2', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2' },
      { name: 'RFC 7009', url: 'https://www.rfc-editor.org/rfc/rfc7009' },
    ]);
  });
  it('links a numbered document reference to its source file', () => {
    expect(providerLinks('T-Mobile TAAP step 3 (002 line 80)', source('tmobile-naas-v2')).map((l) => l.url)).toEqual([expect.stringMatching(/specs\/sources\/002_d1acf14bb93aaaa0\.txt#L80$/)]);
  });
});
