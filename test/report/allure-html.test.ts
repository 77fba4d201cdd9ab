/**
 * `oauthgate report <out>` builds the Allure 3 HTML report, without the template's analytics tag, and the report
 * renders the checks in headless Chromium (Debian package `chromium`). Where Chromium is missing, the rendering test
 * is skipped with a message saying how to install it.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../support/cli.ts';
import { renderViews } from '../support/headless.ts';
import { stripAnalytics } from '../../src/cli/report.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) console.warn('allure-html.test: chromium not found; skipping the rendering test (install it: apt-get update && apt-get install -y chromium)');

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-html-'));

describe('oauthgate report', () => {
  let index = '';

  it('builds one self-contained HTML file from a run, without the analytics tag', async () => {
    const run = await runCli(['run', '--spec', 'att', '--suite', 'token-endpoint', '--fault', 'no-cache-control', '--out', 'out'], dir);
    expect(run.code).toBe(1);
    const r = await runCli(['report', 'out'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    index = join(dir, 'out', 'allure-report', 'index.html');
    expect(r.out).toBe(`report: ${index}\n`);
    const html = readFileSync(index, 'utf8');
    expect(html).not.toMatch(/googletagmanager|gtag\(/);
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  }, 60_000);

  it('exits 2 naming the folder when there are no results', async () => {
    const r = await runCli(['report', 'nothing-here'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nothing-here\/allure-results: no Allure results/);
  });

  it('removes the template\'s analytics loader and its inline configuration only', () => {
    const html = '<body><script src="app.js"></script>\n<script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script>\n<script>\n window.dataLayer = window.dataLayer || [];\n function gtag(){dataLayer.push(arguments);}\n gtag(\'js\', new Date());\n</script>\n<script>window.allure = {};</script></body>';
    expect(stripAnalytics(html)).toBe('<body><script src="app.js"></script>\n\n\n<script>window.allure = {};</script></body>');
  });

  it.skipIf(!CHROMIUM)('renders in headless Chromium: the overview names the provider, a result page shows its check', async () => {
    const resultsDir = join(dir, 'out', 'allure-results');
    const failed = readdirSync(resultsDir).filter((f) => f.endsWith('-result.json')).map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8'))).find((r) => r.name.startsWith('token.cache-control-no-store:'));
    // The overview, then the result page: the same single-page report at the failed result's fragment, in the same
    // tab (the app's router redraws; the 3.7 MB file is not loaded again). Each is read once it shows the texts
    // asserted below, or fails after 30 s naming the ones it does not show.
    const id = createHash('md5').update(failed.uuid).digest('hex');
    const [overview, page] = await renderViews(CHROMIUM!, pathToFileURL(index).href, [
      { expect: ['att', /Failed \d+/] },
      { fragment: id, expect: ['token.cache-control-no-store', 'RFC 6749 §5.1', 'observed (absent)'] },
    ]);
    expect(overview).toContain('att');
    expect(overview).toMatch(/Failed \d+/);
    // The check's message is on the result page only (its id and 'RFC 6749 §5.1' are in the overview's list too):
    // reading it proves the router drew the result page for the fragment.
    expect(overview).not.toContain('observed (absent)');
    expect(failed.status).toBe('failed');
    expect(page).toContain('token.cache-control-no-store');
    expect(page).toContain('RFC 6749 §5.1');
    expect(page).toContain('observed (absent)');
  }, 120_000);
});
