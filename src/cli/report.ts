/**
 * `oauthgate report <out>`: builds the HTML report from `<out>/allure-results` with the Allure 3 command line from
 * node_modules (no Java, no network), as one self-contained file `<out>/allure-report/index.html`. The template's
 * analytics tag (a script that would call googletagmanager.com when the report is opened) is removed, and the
 * command fails rather than leave one behind.
 * @see https://allurereport.org/docs/v3/
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { ALLURE_RESULTS_DIR, countAllureResults } from '../report/allure.ts';
import type { Command } from './commands.ts';

/** Folder of the HTML report under the output folder. */
export const ALLURE_REPORT_DIR = 'allure-report';

/** Path of the Allure 3 command line script installed with the harness. */
export function allureCli(): string {
  const main = createRequire(import.meta.url).resolve('allure');
  return join(dirname(dirname(main)), 'cli.js');
}

/** Removes the report template's analytics tag (the gtag loader and its inline configuration). */
export function stripAnalytics(html: string): string {
  return html
    .replace(/<script[^>]*googletagmanager\.com[^>]*>\s*<\/script>/g, '')
    .replace(/<script>\s*window\.dataLayer = window\.dataLayer \|\| \[\];[\s\S]*?<\/script>/g, '');
}

/** Runs a node script; resolves with its exit code and its output (for error messages). */
function runNode(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (c) => (output += String(c)));
    child.stderr.on('data', (c) => (output += String(c)));
    child.on('close', (code) => done({ code: code ?? 1, output }));
    child.on('error', (e) => done({ code: 1, output: e.message }));
  });
}

/** Builds `<out>/allure-report/index.html` from `<out>/allure-results`; returns the HTML file's path. */
export async function buildHtmlReport(outDir: string, name = 'oauthgate conformance'): Promise<string> {
  const results = join(outDir, ALLURE_RESULTS_DIR);
  if (!existsSync(results) || countAllureResults(results) === 0) throw new UserError(`${results}: no Allure results (run \`oauthgate run --out ${outDir}\` first, with the allure report: the default, or named in --reports)`);
  const output = join(outDir, ALLURE_REPORT_DIR);
  rmSync(output, { recursive: true, force: true });
  const cfgDir = mkdtempSync(join(tmpdir(), 'oauthgate-allure-'));
  try {
    const config = { name, output, plugins: { awesome: { options: { singleFile: true, reportName: name, groupBy: ['parentSuite', 'suite'] } } } };
    writeFileSync(join(cfgDir, 'allurerc.json'), JSON.stringify(config));
    const r = await runNode([allureCli(), 'generate', results, '--config', join(cfgDir, 'allurerc.json'), '--cwd', cfgDir], cfgDir);
    const index = join(output, 'index.html');
    if (r.code !== 0 || !existsSync(index)) throw new Error(`allure generate exited ${r.code}: ${r.output.trim().split('\n').slice(-3).join(' | ')}`);
    for (const f of readdirSync(output).filter((n) => n.endsWith('.html'))) {
      const p = join(output, f);
      const html = stripAnalytics(readFileSync(p, 'utf8'));
      if (/googletagmanager|gtag\(/.test(html)) throw new Error(`${p}: could not remove the report template's analytics tag; not publishing it`);
      writeFileSync(p, html);
    }
    return index;
  } finally {
    rmSync(cfgDir, { recursive: true, force: true });
  }
}

/** The `report` command. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'build the HTML report (Allure 3) of a run',
  usage: 'report <out-dir> [--name <report name>]',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { name: { type: 'string' } } });
    if (positionals.length !== 1) throw new UserError(`report: expected one output folder of a run, observed ${positionals.length}\nusage: oauthgate ${reportCommand.usage}`);
    const index = await buildHtmlReport(resolve(io.cwd, positionals[0]!), values.name);
    io.stdout.write(`report: ${index}\n`);
    return 0;
  },
};
