/**
 * The `oauthgate` command line.
 *
 *   oauthgate run (--all | --spec <id|path>... | --target-file <yaml>) [--suite <name>...] [--out <dir>]
 *   oauthgate mock --spec <id|path> [--port 8080] [--fault <name>...] [--credentials-file <path>]
 *   oauthgate specs | suites | faults
 *   oauthgate schema [--write <file> | --check <file>]
 *
 * Exit codes: 0 no MUST check failed; 1 a MUST check failed; 2 a usage, configuration or spec error.
 */
import { parseArgs } from 'node:util';
import { join, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.ts';
import { Redactor } from '../redact.ts';
import { listBundledSpecIds, loadAllSpecs, loadSpec, type LoadedSpec } from '../spec/load.ts';
import { loadTargetFile } from '../target/load.ts';
import { startMockTarget } from '../target/mock-target.ts';
import { runConformance, type RunPlan } from '../runner/engine.ts';
import { SUITES, selectSuites } from '../../suites/index.ts';
import { buildSummary, type SpecInfo } from '../report/summary.ts';
import { FILE_REPORTERS } from '../report/index.ts';
import type { ReportContext } from '../report/reporter.ts';
import { terminalReporter, type TerminalOptions } from '../report/terminal.ts';
import { FAULTS, unknownFaults, type FaultName } from '../../providers/faults.ts';
import { specJsonSchema } from '../spec/json-schema.ts';
import { HARNESS } from '../version.ts';
import { HttpClient } from '../http/client.ts';
import type { JWK } from 'jose';
import { COMMANDS } from './commands.ts';
import { applyGate, readReportFlags, REPORT_FLAG_OPTIONS, REPORT_FLAG_USAGE, signIfAsked } from './report-flags.ts';

const USAGE = `usage:
  oauthgate run --all | --spec <id|path> ... | --target-file <yaml>
               [--suite <name> ...] [--out <dir>] [--timeout <s>] [--max-body <bytes>] [--fault <name> ...] [--verbose]
               [--seed <n>] [--fuzz-runs <n>] [--max-rps <n>] [--fuzz-budget <n>]
               ${REPORT_FLAG_USAGE}
  oauthgate mock --spec <id|path> [--port <n>] [--host <addr>] [--fault <name> ...] [--credentials-file <path>]
  oauthgate specs | suites | faults
  oauthgate schema [--write <file> | --check <file>]
  oauthgate --version`;

/** Usage of the built-in commands and of every registered one. */
const usage = () => [USAGE, ...COMMANDS.map((c) => `  oauthgate ${c.usage}`)].join('\n');

/** Writes a line to stderr. */
const err = (s: string) => process.stderr.write(`${s}\n`);

function num(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UserError(`--${name}: expected a number from ${min} to ${max}, observed "${v}"`);
  return n;
}

/** Entry point; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[], io: { stdout?: TerminalOptions['out']; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'run':
        return await cmdRun(rest, stdout, io.cwd ?? process.cwd(), io.env ?? process.env);
      case 'mock':
        return await cmdMock(rest, stdout, io.cwd ?? process.cwd());
      case 'specs':
        for (const s of loadAllSpecs()) stdout.write(`${s.spec.id.padEnd(18)} ${s.spec.name}\n`);
        return 0;
      case 'suites':
        for (const s of SUITES) stdout.write(`${s.name.padEnd(16)} ${s.summary}\n`);
        return 0;
      case 'faults':
        for (const [k, v] of Object.entries(FAULTS)) stdout.write(`${k.padEnd(28)} ${v}\n`);
        return 0;
      case 'schema':
        return cmdSchema(rest, stdout, io.cwd ?? process.cwd());
      case '--version':
      case '-v':
        stdout.write(`${HARNESS.name} ${HARNESS.version}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        stdout.write(`${usage()}\n`);
        return cmd === undefined ? 2 : 0;
      default: {
        const command = COMMANDS.find((c) => c.name === cmd);
        if (command) return await command.run(rest, { stdout, cwd: io.cwd ?? process.cwd(), env: io.env ?? process.env });
        throw new UserError(`unknown command "${cmd}"\n${usage()}`);
      }
    }
  } catch (e) {
    if (e instanceof UserError) {
      for (const p of e.problems) err(p);
      return 2;
    }
    const code = (e as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(e as Error).message}\n${USAGE}`);
      return 2;
    }
    err(`oauthgate: internal error: ${(e as Error)?.message ?? String(e)} (please report this; results so far are not lost when a summary was written)`);
    return 3;
  }
}

async function cmdRun(args: string[], stdout: TerminalOptions['out'], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      all: { type: 'boolean' },
      spec: { type: 'string', multiple: true },
      'target-file': { type: 'string' },
      suite: { type: 'string', multiple: true },
      out: { type: 'string' },
      timeout: { type: 'string' },
      'max-body': { type: 'string' },
      fault: { type: 'string', multiple: true },
      verbose: { type: 'boolean' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      'fuzz-runs': { type: 'string' },
      'max-rps': { type: 'string' },
      'fuzz-budget': { type: 'string' },
      ...REPORT_FLAG_OPTIONS,
    },
  });
  const redactor = new Redactor();
  const reportFlags = readReportFlags(values, cwd);
  const timeoutS = num('timeout', values.timeout, 0.1, 600) ?? 10;
  const maxBody = num('max-body', values['max-body'], 1024, 1 << 30) ?? 1 << 20;
  const concurrency = num('concurrency', values.concurrency, 1, 32) ?? 4;
  const seed = num('seed', values.seed, -2_147_483_648, 2_147_483_647) ?? Math.floor(Math.random() * 2_147_483_647);
  if (!Number.isInteger(seed)) throw new UserError(`--seed: expected an integer, observed "${values.seed}"`);
  const fuzzRuns = num('fuzz-runs', values['fuzz-runs'], 1, 100_000);
  const maxRps = num('max-rps', values['max-rps'], 0, 100_000);
  const fuzzBudget = num('fuzz-budget', values['fuzz-budget'], 1, 1_000_000);
  const { suites, unknown } = selectSuites(values.suite ?? []);
  if (unknown.length) throw new UserError(unknown.map((u) => `--suite ${u}: unknown suite (known: ${SUITES.map((s) => s.name).join(', ')})`));
  const faults = values.fault ?? [];
  const badFaults = unknownFaults(faults);
  if (badFaults.length) throw new UserError(badFaults.map((f) => `--fault ${f}: unknown fault (see \`oauthgate faults\`)`));

  const plans: RunPlan[] = [];
  const specInfos: SpecInfo[] = [];
  if (values['target-file']) {
    if (values.all) throw new UserError('--target-file and --all cannot be combined: a target file names its own spec');
    if (faults.length) throw new UserError('--fault applies to mock servers only, not to a --target-file');
    const loaded = loadTargetFile(values['target-file'], { env, redactor, cwd });
    if (values.spec?.length) {
      const want = values.spec.map((s) => loadSpec(s, cwd).spec.id);
      if (!want.includes(loaded.spec.spec.id)) throw new UserError(`${values['target-file']}: spec: the file names "${loaded.spec.spec.id}" but --spec asks for ${want.join(', ')}`);
    }
    specInfos.push(specInfo(loaded.spec, cwd));
    if (loaded.jwksUri) loaded.target.jwks = await fetchJwks(loaded.jwksUri, timeoutS);
    plans.push({ spec: loaded.spec.spec, targetLabel: loaded.target.label, acquire: async () => ({ target: loaded.target, release: async () => {} }) });
  } else {
    let specs: LoadedSpec[];
    if (values.all) specs = loadAllSpecs();
    else if (values.spec?.length) specs = values.spec.map((s) => loadSpec(s, cwd));
    else throw new UserError(`run: expected --all, --spec <id|path> or --target-file <yaml>\n${USAGE}`);
    for (const loadedSpec of specs) {
      const { spec } = loadedSpec;
      specInfos.push(specInfo(loadedSpec, cwd));
      plans.push({
        spec,
        targetLabel: 'mock',
        acquire: async () => {
          const m = await startMockTarget(spec, faults as FaultName[]);
          redactor.add(m.target.clientSecret);
          redactor.add(m.target.password);
          return { target: m.target, release: m.close };
        },
      });
    }
  }

  const outDir = resolve(cwd, values.out ?? join('reports', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  const term: TerminalOptions = { out: stdout, redactor, verbose: values.verbose ?? false, colour: Boolean(stdout.isTTY) && !env.NO_COLOR };
  stdout.write(`oauthgate ${HARNESS.version}: ${plans.length} spec(s) x ${suites.length} suite(s)\n`);
  const startedAt = new Date();
  const t0 = performance.now();
  const files: string[] = [];
  const ctx: ReportContext = { outDir, cwd, redactor, stdout, env, verbose: term.verbose ?? false, colour: term.colour ?? false };
  const terminal = terminalReporter(term, t0, files);
  const reporters = [...FILE_REPORTERS, terminal];
  for (const r of reporters) r.start?.({ specs: plans.map((p) => p.spec.id), suites: suites.map((s) => s.name) }, ctx);
  const runs = await runConformance({
    suites,
    plans,
    timeoutMs: timeoutS * 1000,
    maxBodyBytes: maxBody,
    concurrency,
    redactor,
    settings: { seed, ...(fuzzRuns !== undefined ? { fuzzRuns } : {}), ...(maxRps !== undefined ? { maxRps } : {}), ...(fuzzBudget !== undefined ? { fuzzBudget } : {}) },
    onSuiteDone: (spec, suite, results) => {
      for (const r of reporters) r.suiteDone?.(spec, suite, results, ctx);
    },
  });
  const summary = buildSummary(runs, startedAt, new Date(), {
    specs: specInfos,
    options: { suites: suites.map((s) => s.name), faults, timeoutMs: timeoutS * 1000, maxBodyBytes: maxBody, seed },
  });
  applyGate(summary, runs, reportFlags);
  for (const r of FILE_REPORTERS) files.push(...(await r.finish(summary, ctx)));
  files.push(...(await signIfAsked(outDir, summary, reportFlags)));
  await terminal.finish(summary, ctx);
  return summary.exitCode;
}

/** File and SHA-256 of a spec as checked. */
function specInfo(loaded: LoadedSpec, cwd: string): SpecInfo {
  const rel = relative(cwd, loaded.file);
  return { id: loaded.spec.id, file: rel.startsWith('..') ? loaded.file : rel, sha256: createHash('sha256').update(readFileSync(loaded.file)).digest('hex') };
}

/** Fetches a JWKS for verifying issued JWTs; warns and returns undefined when it cannot (signatures then go unverified). */
export async function fetchJwks(uri: string, timeoutS: number): Promise<{ keys: JWK[] } | undefined> {
  const http = new HttpClient({ timeoutMs: timeoutS * 1000 });
  try {
    const ex = await http.send({ method: 'GET', url: uri, headers: { Accept: 'application/json' } });
    const keys = (ex.json as { keys?: unknown })?.keys;
    if (ex.status === 200 && Array.isArray(keys)) return { keys: keys as JWK[] };
    err(`warning: jwksUri ${uri}: expected HTTP 200 with {"keys": [...]}, observed ${ex.failure ? ex.failure.message : `HTTP ${ex.status}`}; JWT signatures will not be verified`);
    return undefined;
  } finally {
    await http.close();
  }
}

async function cmdMock(args: string[], stdout: TerminalOptions['out'], cwd: string): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      spec: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'credentials-file': { type: 'string' },
    },
  });
  if (!values.spec) throw new UserError(`mock: expected --spec <id|path>\n${USAGE}`);
  const { spec } = loadSpec(values.spec, cwd);
  const faults = values.fault ?? [];
  const bad = unknownFaults(faults);
  if (bad.length) throw new UserError(bad.map((f) => `--fault ${f}: unknown fault (see \`oauthgate faults\`)`));
  const port = num('port', values.port, 0, 65535) ?? 8080;
  const host = values.host ?? '127.0.0.1';
  const { startMockServer } = await import('../../providers/mock-server.ts');
  let mock;
  try {
    mock = await startMockServer({ spec, faults: faults as FaultName[], host, port, adminApi: true });
  } catch (e) {
    throw new UserError(`mock: cannot listen on ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const c = mock.credentials;
  const credFile = resolve(cwd, values['credentials-file'] ?? join('reports', `mock-${spec.id}-target.yaml`));
  const lines = [
    `# Target file for the oauthgate mock of ${spec.id} at ${mock.url} (test credentials, valid while it runs)`,
    `spec: ${spec.id}`, `baseUrl: ${mock.url}`, `clientId: ${c.clientId}`, `clientSecret: ${c.clientSecret}`,
    `username: ${c.username}`, `password: ${c.password}`, ...(c.redirectUri ? [`redirectUri: ${c.redirectUri}`] : []),
    `autoConsent: true`, `headers: ${JSON.stringify(c.headers)}`, `jwksUri: ${mock.url}/.well-known/jwks.json`, `issuer: ${c.issuer}`,
  ];
  if (c.popPrivateKeyPem) {
    const keyFile = credFile.replace(/\.ya?ml$/, '') + '-pop-key.pem';
    writeFileSync(keyFile, c.popPrivateKeyPem, { mode: 0o600 });
    lines.push(`popPrivateKey: ${keyFile}`);
  }
  const { mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(credFile), { recursive: true });
  writeFileSync(credFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  stdout.write(`oauthgate mock of ${spec.id} listening on ${mock.url}\n`);
  stdout.write(`  token endpoint   ${mock.url}${spec.endpoints.token.path}\n`);
  if (spec.endpoints.authorize) stdout.write(`  authorize        ${mock.url}${spec.endpoints.authorize.path}\n`);
  if (spec.endpoints.revoke) stdout.write(`  revoke           ${mock.url}${spec.endpoints.revoke.path}\n`);
  stdout.write(`  resource         ${spec.resource.method} ${mock.url}${spec.resource.path}\n`);
  stdout.write(`  clock            POST ${mock.url}/__oauthgate/clock {"advance": <seconds>}\n`);
  stdout.write(`  client_id        ${c.clientId} (secret and keys in ${credFile}, mode 0600)\n`);
  if (faults.length) stdout.write(`  faults           ${faults.join(', ')}\n`);
  stdout.write('Ctrl-C stops it.\n');
  await new Promise<void>((done) => {
    const stop = () => void mock!.close().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

function cmdSchema(args: string[], stdout: TerminalOptions['out'], cwd: string): number {
  const { values } = parseArgs({ args, strict: true, options: { write: { type: 'string' }, check: { type: 'string' } } });
  const text = `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
  if (values.write) {
    writeFileSync(resolve(cwd, values.write), text);
    stdout.write(`wrote ${values.write}\n`);
    return 0;
  }
  if (values.check) {
    let current = '';
    try {
      current = readFileSync(resolve(cwd, values.check), 'utf8');
    } catch {
      throw new UserError(`${values.check}: cannot read`);
    }
    if (current !== text) throw new UserError(`${values.check}: out of date with src/spec/schema.ts; run \`npm run schema\``);
    stdout.write(`${values.check} is up to date\n`);
    return 0;
  }
  stdout.write(text);
  return 0;
}

export { listBundledSpecIds };
