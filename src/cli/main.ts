/**
 * The `oauthgate` command line.
 *
 *   oauthgate run (--all | --spec <id|path>... | --target-file <yaml>) [--suite <name>...] [--out <dir>]
 *   oauthgate mock --spec <id|path> [--port 8080] [--fault <name>...] [--credentials-file <path>]
 *   oauthgate specs | suites | faults
 *   oauthgate schema [--write <file> | --check <file>]
 *
 * Exit codes (see {@link EXIT}): 0 no MUST check failed; 1 a MUST check failed; 2 a usage, configuration or spec
 * error, or an internal error (one line asking for a report); 130 interrupted by SIGINT/SIGTERM (a partial summary
 * marked `"interrupted": true` is written). No other code is ever returned.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.ts';
import { Redactor } from '../redact.ts';
import { listBundledSpecIds, loadAllSpecs, loadSpec, type LoadedSpec } from '../spec/load.ts';
import { loadTargetFile } from '../target/load.ts';
import { startMockTarget } from '../target/mock-target.ts';
import { countResults, runConformance, type RunOptions, type RunPlan, type SpecRun } from '../runner/engine.ts';
import { SUITES, selectSuites } from '../../suites/index.ts';
import { buildSummary, type SpecInfo, type Summary } from '../report/summary.ts';
import { overridesOf } from '../spec/overlay.ts';
import { FILE_REPORTERS } from '../report/index.ts';
import type { ReportContext, Reporter } from '../report/reporter.ts';
import { terminalReporter, type TerminalOptions } from '../report/terminal.ts';
import { FAULTS, unknownFaults, type FaultName } from '../../providers/faults.ts';
import { specJsonSchema } from '../spec/json-schema.ts';
import { HARNESS } from '../version.ts';
import { HttpClient } from '../http/client.ts';
import type { JWK } from 'jose';
import { COMMANDS } from './commands.ts';
import { BUILTIN_HELP, builtinHelpText, commandHelpText, flagsInUsage, MOCK_OPTIONS, RUN_OPTIONS, SCHEMA_OPTIONS } from './help.ts';
import { parseFlags, unknownNameLine } from './suggest.ts';
import { applyGate, readReportFlags, REPORT_FLAG_USAGE, signIfAsked } from './report-flags.ts';
import type { CheckResult } from '../checks/check.ts';
import type { Target } from '../target/target.ts';
import { prepareOutDir } from '../io/out-dir.ts';
import { ensureDirectory, writeFileAtomic } from '../io/atomic-write.ts';
import { runSpecsInChildren, serveSpecWorker, SPEC_WORKER_COMMAND, type FromWorker, type ToWorker } from '../runner/parallel.ts';
import { availableParallelism } from 'node:os';
import { checkReachable, unreachableLine, unreachableRun, type Reachability } from '../target/preflight.ts';

const USAGE = `usage:
  oauthgate run --all | --spec <id|path> ... | --target-file <yaml>
               [--suite <name> ...] [--skip-suite <name> ...] [--out <dir> [--force]] [--timeout <s>] [--max-body <bytes>] [--fault <name> ...] [--verbose]
               [--jobs <n>] [--reports <list>]
               [--seed <n>] [--fuzz-runs <n>] [--max-rps <n>] [--fuzz-budget <n>]
               ${REPORT_FLAG_USAGE}
  oauthgate mock --spec <id|path> [--port <n>] [--host <addr>] [--fault <name> ...] [--credentials-file <path>]
  oauthgate specs | suites | faults
  oauthgate schema [--write <file> | --check <file>]
  oauthgate --version`;

/** Usage of the built-in commands and of every registered one. */
const usage = async () => [USAGE, ...(await Promise.all(COMMANDS.map((c) => c.load()))).map((c) => `  oauthgate ${c.usage}`)].join('\n');

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
    if (rest.includes('--help') || rest.includes('-h')) {
      const entry = COMMANDS.find((c) => c.name === cmd);
      if (cmd !== undefined && cmd in BUILTIN_HELP) {
        stdout.write(builtinHelpText(cmd));
        return 0;
      }
      if (entry) {
        stdout.write(commandHelpText(await entry.load()));
        return 0;
      }
    }
    switch (cmd) {
      case 'run':
        return await cmdRun(rest, stdout, io.cwd ?? process.cwd(), io.env ?? process.env);
      case 'mock':
        return await cmdMock(rest, stdout, io.cwd ?? process.cwd());
      case SPEC_WORKER_COMMAND:
        return await serveSpecWorker(runWorkerSpec);
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
        stdout.write(`${await usage()}\n`);
        return cmd === undefined ? 2 : 0;
      default: {
        const entry = COMMANDS.find((c) => c.name === cmd);
        if (entry) {
          const command = await entry.load();
          try {
            return allowedExit(await command.run(rest, { stdout, cwd: io.cwd ?? process.cwd(), env: io.env ?? process.env }), cmd);
          } catch (e) {
            if ((e as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw e;
            const flag = /'(-{1,2}[^'=]*)/.exec((e as Error).message)?.[1] ?? '';
            throw new UserError(unknownNameLine(cmd, flag, 'flag', [...flagsInUsage(command.usage), '--help']));
          }
        }
        const names = [...Object.keys(BUILTIN_HELP), ...COMMANDS.map((c) => c.name)];
        throw new UserError(`${unknownNameLine('oauthgate', cmd, 'command', names)}; \`oauthgate --help\` lists them`);
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
    err(internalErrorLine(e));
    return EXIT.usage;
  }
}

/**
 * The suites `--suite` selects (all when none), minus those `--skip-suite` names, in run order. An unknown
 * name is one line with a guess and the valid names; skipping every suite is an error, not an empty run.
 */
export function suitesToRun(only: string[], skip: string[]): typeof SUITES {
  const names = SUITES.map((s) => s.name);
  const unknown = [...only.map((n) => ['--suite', n]), ...skip.map((n) => ['--skip-suite', n])].filter(([, n]) => !names.includes(n!));
  if (unknown.length) throw new UserError(unknown.map(([flag, n]) => unknownNameLine(flag!, n!, 'suite', names)));
  const suites = selectSuites(only).suites.filter((s) => !skip.includes(s.name));
  if (suites.length === 0) throw new UserError(`--skip-suite: every selected suite is skipped (${[...new Set(skip)].join(', ')}); nothing would run`);
  return suites;
}

/**
 * The file reporters `--reports` names (all when unset), in {@link FILE_REPORTERS} order. summary.json is always
 * written: it is the run's record, which `merge`, `diff`, `verify-report` and the CI gate read. `none` keeps only it.
 */
export function reportersToWrite(list: string | undefined): Reporter[] {
  if (list === undefined) return FILE_REPORTERS;
  const optional = FILE_REPORTERS.map((r) => r.name).filter((n) => n !== 'summary');
  const asked = list.split(',').map((n) => n.trim());
  if (asked.some((n) => !n)) throw new UserError(`--reports: expected names separated by commas (${optional.join(', ')} or none), observed "${list}"`);
  if (asked.includes('none') && asked.length > 1) throw new UserError(`--reports: "none" cannot be combined with other reports, observed "${list}"`);
  const unknown = asked.filter((n) => n !== 'none' && n !== 'summary' && !optional.includes(n));
  if (unknown.length) throw new UserError(unknown.map((n) => unknownNameLine('--reports', n, 'report', [...optional, 'none'])));
  return FILE_REPORTERS.filter((r) => r.name === 'summary' || asked.includes(r.name));
}

async function cmdRun(args: string[], stdout: TerminalOptions['out'], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseFlags('run', args, RUN_OPTIONS, BUILTIN_HELP.run!.usage);
  const redactor = new Redactor();
  const reportFlags = readReportFlags(values, cwd);
  const timeoutS = num('timeout', values.timeout, 0.1, 600) ?? 10;
  const maxBody = num('max-body', values['max-body'], 1024, 1 << 30) ?? 1 << 20;
  const concurrency = num('concurrency', values.concurrency, 1, 32) ?? 4;
  const jobs = num('jobs', values.jobs, 1, 64) ?? availableParallelism();
  if (!Number.isInteger(jobs)) throw new UserError(`--jobs: expected an integer, observed "${values.jobs}"`);
  const seed = num('seed', values.seed, -2_147_483_648, 2_147_483_647) ?? Math.floor(Math.random() * 2_147_483_647);
  if (!Number.isInteger(seed)) throw new UserError(`--seed: expected an integer, observed "${values.seed}"`);
  const fuzzRuns = num('fuzz-runs', values['fuzz-runs'], 1, 100_000);
  const maxRps = num('max-rps', values['max-rps'], 0, 100_000);
  const fuzzBudget = num('fuzz-budget', values['fuzz-budget'], 1, 1_000_000);
  const suites = suitesToRun(values.suite ?? [], values['skip-suite'] ?? []);
  const fileReporters = reportersToWrite(values.reports);
  const faults = values.fault ?? [];
  const badFaults = unknownFaults(faults);
  if (badFaults.length) throw new UserError(badFaults.map((f) => unknownNameLine('--fault', f, 'fault', Object.keys(FAULTS))));

  const plans: RunPlan[] = [];
  const specInfos: SpecInfo[] = [];
  let live: LiveTarget | undefined;
  if (values['target-file']) {
    if (values.all) throw new UserError('--target-file and --all cannot be combined: a target file names its own spec');
    if (faults.length) throw new UserError('--fault applies to mock servers only, not to a --target-file');
    const loaded = loadTargetFile(values['target-file'], { env, redactor, cwd });
    if (values.spec?.length) {
      const want = values.spec.map((s) => loadSpec(s, cwd).spec.id);
      if (!want.includes(loaded.spec.spec.id)) throw new UserError(`${values['target-file']}: spec: the file names "${loaded.spec.spec.id}" but --spec asks for ${want.join(', ')}`);
    }
    specInfos.push(specInfo(loaded.spec, cwd));
    redactor.addClientCredentials(loaded.target.clientId, loaded.target.clientSecret);
    live = { target: loaded.target, ...(loaded.jwksUri ? { jwksUri: loaded.jwksUri } : {}) };
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
          redactor.addClientCredentials(m.target.clientId, m.target.clientSecret);
          redactor.add(m.target.password);
          return { target: m.target, release: m.close };
        },
      });
    }
  }

  const outDisplay = values.out ?? join('reports', `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const outDir = resolve(cwd, outDisplay);
  const out = prepareOutDir(outDir, outDisplay, values.force ?? false);
  const interruption = onInterrupt();
  try {
    const reach: Reachability = live ? await checkReachable(live.target.baseUrl, timeoutS * 1000) : { ok: true };
    if (live?.jwksUri && reach.ok) live.target.jwks = await fetchJwks(live.jwksUri, timeoutS);
    const term: TerminalOptions = { out: stdout, redactor, verbose: values.verbose ?? false, colour: Boolean(stdout.isTTY) && !env.NO_COLOR };
    stdout.write(`oauthgate ${HARNESS.version}: ${plans.length} spec(s) x ${suites.length} suite(s)\n`);
    const startedAt = new Date();
    const t0 = performance.now();
    const files: string[] = [];
    const ctx: ReportContext = { outDir, cwd, redactor, stdout, env, verbose: term.verbose ?? false, colour: term.colour ?? false };
    const terminal = terminalReporter(term, t0, files);
    const reporters = [...fileReporters, terminal];
    for (const r of reporters) r.start?.({ specs: plans.map((p) => p.spec.id), suites: suites.map((s) => s.name) }, ctx);
    const done = new Map<string, CheckResult[]>();
    const settings = { seed, ...(fuzzRuns !== undefined ? { fuzzRuns } : {}), ...(maxRps !== undefined ? { maxRps } : {}), ...(fuzzBudget !== undefined ? { fuzzBudget } : {}) };
    const suiteDone = (spec: string, suite: string, results: CheckResult[]) => {
      for (const r of reporters) r.suiteDone?.(spec, suite, results, ctx);
    };
    const onResult = (spec: string, r: CheckResult) => done.set(spec, [...(done.get(spec) ?? []), r]);
    // Several mock specs and more than one job: spread the specs over child processes (same output, same summary).
    const runAll = !live && plans.length > 1 && jobs > 1
      ? runSpecsInChildren(plans.map((p) => p.spec), jobs, { suites: suites.map((s) => s.name), faults, timeoutMs: timeoutS * 1000, maxBodyBytes: maxBody, concurrency, settings }, redactor, { onResult, onSuiteDone: suiteDone }, env, runWorkerSpec)
      : runOrPreflight(live && !reach.ok ? { target: live.target, reason: reach.reason } : undefined, plans, stdout, suiteDone, {
        suites,
        plans,
        timeoutMs: timeoutS * 1000,
        maxBodyBytes: maxBody,
        concurrency,
        redactor,
        settings,
        onResult,
      });
    const runs = await Promise.race([runAll, interruption.signal]);
    const interrupted = typeof runs === 'string';
    const summary = buildSummary(interrupted ? partialRuns(plans, done, t0) : runs, startedAt, new Date(), {
      specs: specInfos,
      options: { suites: suites.map((s) => s.name), faults, timeoutMs: timeoutS * 1000, maxBodyBytes: maxBody, seed },
      ...(interrupted ? { interrupted: true } : {}),
    });
    if (interrupted) summary.exitCode = EXIT.interrupted;
    else applyGate(summary, summary.runs, reportFlags);
    for (const r of fileReporters) files.push(...(await writeReport(r, summary, ctx)));
    out.removeStale(files);
    files.push(...(await signIfAsked(outDir, summary, reportFlags)));
    await terminal.finish(summary, ctx);
    if (interrupted) err(`interrupted by ${runs}: partial summary (${summary.runs.reduce((n, r) => n + r.checks.length, 0)} checks) written to ${files[0] ?? '(none)'}`);
    return summary.exitCode;
  } finally {
    interruption.dispose();
    out.release();
  }
}

/**
 * A `run` child's work for one spec (see src/runner/parallel.ts): the same plan the parent would make for a mock,
 * with the mock's credentials sent to the parent for redaction before any result.
 */
async function runWorkerSpec(msg: ToWorker, send: (m: FromWorker) => void): Promise<SpecRun> {
  const o = msg.options;
  const { spec } = msg;
  const { suites } = selectSuites(o.suites);
  const redactor = new Redactor();
  const [run] = await runConformance({
    suites,
    plans: [{
      spec,
      targetLabel: 'mock',
      acquire: async () => {
        const m = await startMockTarget(spec, o.faults as FaultName[]);
        redactor.addClientCredentials(m.target.clientId, m.target.clientSecret);
        redactor.add(m.target.password);
        send({ type: 'secrets', clientId: m.target.clientId, ...(m.target.clientSecret !== undefined ? { clientSecret: m.target.clientSecret } : {}), values: m.target.password ? [m.target.password] : [] });
        return { target: m.target, release: m.close };
      },
    }],
    timeoutMs: o.timeoutMs,
    maxBodyBytes: o.maxBodyBytes,
    concurrency: o.concurrency,
    redactor,
    settings: o.settings,
    onResult: (s, result) => send({ type: 'result', spec: s, result }),
    onSuiteDone: (s, suite, results) => send({ type: 'suiteDone', spec: s, suite, results }),
  });
  return run!;
}

/**
 * Writes a file holding secrets (mock credentials, a PoP private key): a new 0600 file renamed over the old one,
 * so an existing world-readable file ends 0600 too. A failure is one line naming the flag and path.
 */
function writeSecretFile(file: string, text: string, label: string): void {
  try {
    writeFileAtomic(file, text, 0o600);
  } catch (e) {
    throw new UserError(`${label}: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Exit codes of the command line; no other code is ever returned. */
export const EXIT = {
  /** No MUST check failed. */
  ok: 0,
  /** At least one MUST check failed. */
  mustFailed: 1,
  /** Bad input (flags, spec, target file, --out), or an internal error. */
  usage: 2,
  /** Stopped by SIGINT or SIGTERM; the partial summary was written. */
  interrupted: 130,
} as const;

/** A registered command's exit code when it is one of {@link EXIT}'s; any other is an internal error (exit 2). */
function allowedExit(code: number, command: string): number {
  if ((Object.values(EXIT) as number[]).includes(code)) return code;
  err(internalErrorLine(new RangeError(`command "${command}" returned exit code ${code}, which is not one of 0, 1, 2, 130`)));
  return EXIT.usage;
}

/**
 * The one line printed for an unexpected error (a bug in the harness, never bad input): its class and message,
 * no stack trace. The run exits {@link EXIT.usage}.
 */
export function internalErrorLine(e: unknown): string {
  const name = e instanceof Error ? e.name : typeof e;
  const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return `oauthgate: internal error: ${name}: ${message} (please report this at the project's issue tracker)`;
}

/**
 * Process-wide guards for the `oauthgate` executable: an error that escapes every handler (a crashed socket
 * callback, a rejected promise nobody awaited) prints {@link internalErrorLine} and exits 2, never Node's
 * default stack trace with exit 1 or 7. A reader that closes the terminal output early (`oauthgate run … | head`)
 * only ends that output: the run goes on, writes its reports and exits with its verdict, as without the pipe.
 */
export function guardProcess(): void {
  const die = (e: unknown) => {
    process.stderr.write(`${internalErrorLine(e)}\n`);
    process.exit(EXIT.usage);
  };
  for (const stream of [process.stdout, process.stderr]) stream.on('error', (e: NodeJS.ErrnoException) => {
    if (!readerGone(e)) die(e);
  });
  process.on('uncaughtException', die);
  process.on('unhandledRejection', die);
}

/** A write to a pipe or socket whose reader has closed it (EPIPE), or to the stream that error destroyed. */
const readerGone = (e: NodeJS.ErrnoException) => e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED';

/** A live target to check before any suite runs. */
interface LiveTarget {
  target: Target;
  jwksUri?: string;
}

/**
 * Runs the suites, except when the run is on a live target that cannot be reached: then one failed MUST check
 * (`target.reachable`) stands for the whole spec, and one line says so first.
 */
async function runOrPreflight(unreachable: { target: Target; reason: string } | undefined, plans: RunPlan[], stdout: TerminalOptions['out'], suiteDone: (spec: string, suite: string, results: CheckResult[]) => void, options: RunOptions): Promise<SpecRun[]> {
  if (unreachable) {
    const { target, reason } = unreachable;
    stdout.write(`${unreachableLine(target.baseUrl, reason)}\n`);
    const run = unreachableRun(plans[0]!.spec.id, plans[0]!.targetLabel, target.baseUrl, reason);
    suiteDone(run.spec, 'preflight', run.checks);
    return [run];
  }
  return runConformance({ ...options, onSuiteDone: suiteDone });
}

/** The checks finished so far, per spec, for a summary written on interruption. */
function partialRuns(plans: RunPlan[], done: Map<string, CheckResult[]>, t0: number): SpecRun[] {
  return plans.flatMap((p) => {
    const checks = done.get(p.spec.id);
    return checks?.length ? [{ spec: p.spec.id, target: p.targetLabel, checks, counts: countResults(checks), durationMs: Math.round(performance.now() - t0) }] : [];
  });
}

/**
 * Resolves `signal` with the signal's name on the first SIGINT or SIGTERM; a second one exits at once with 130.
 * `dispose()` removes the handlers.
 */
function onInterrupt(): { signal: Promise<string>; dispose(): void } {
  let fired = false;
  let resolve!: (name: string) => void;
  const signal = new Promise<string>((r) => (resolve = r));
  const handler = (name: NodeJS.Signals) => {
    if (fired) process.exit(EXIT.interrupted);
    fired = true;
    resolve(name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Runs a file reporter; a file that cannot be written is a one-line problem (exit 2), not an internal error. */
async function writeReport(r: Reporter, summary: Summary, ctx: ReportContext): Promise<string[]> {
  try {
    return await r.finish(summary, ctx);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`--out ${ctx.outDir}: cannot write the ${r.name} report (${code ?? (e as Error).message})`);
  }
}

/** File and SHA-256 of a spec as checked. */
function specInfo(loaded: LoadedSpec, cwd: string): SpecInfo {
  const rel = relative(cwd, loaded.file);
  const overrides = overridesOf(loaded.spec);
  return {
    id: loaded.spec.id, file: rel.startsWith('..') ? loaded.file : rel, sha256: createHash('sha256').update(readFileSync(loaded.file)).digest('hex'),
    ...(overrides.length ? { overrides: [...overrides] } : {}),
  };
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
  const { values } = parseFlags('mock', args, MOCK_OPTIONS, BUILTIN_HELP.mock!.usage);
  if (!values.spec) throw new UserError(`mock: expected --spec <id|path>\n${USAGE}`);
  const { spec } = loadSpec(values.spec, cwd);
  const faults = values.fault ?? [];
  const bad = unknownFaults(faults);
  if (bad.length) throw new UserError(bad.map((f) => unknownNameLine('--fault', f, 'fault', Object.keys(FAULTS))));
  const port = num('port', values.port, 0, 65535) ?? 8080;
  const host = values.host ?? '127.0.0.1';
  const credDisplay = values['credentials-file'] ?? join('reports', `mock-${spec.id}-target.yaml`);
  const credFile = resolve(cwd, credDisplay);
  const credLabel = `--credentials-file ${credDisplay}`;
  ensureDirectory(dirname(credFile), credLabel, { labelNamesDir: false }); // before listening: a mock that cannot write its credentials never serves
  const { startMockServer } = await import('../../providers/mock-server.ts');
  let mock;
  try {
    mock = await startMockServer({ spec, faults: faults as FaultName[], host, port, adminApi: true });
  } catch (e) {
    throw new UserError(`mock: cannot listen on ${host}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const c = mock.credentials;
  const lines = [
    `# Target file for the oauthgate mock of ${spec.id} at ${mock.url} (test credentials, valid while it runs)`,
    `spec: ${spec.id}`, `baseUrl: ${mock.url}`, `clientId: ${c.clientId}`, ...(c.clientSecret !== undefined ? [`clientSecret: ${c.clientSecret}`] : []),
    `username: ${c.username}`, `password: ${c.password}`, ...(c.redirectUri ? [`redirectUri: ${c.redirectUri}`] : []),
    `autoConsent: true`, `headers: ${JSON.stringify(c.headers)}`, `jwksUri: ${mock.url}/.well-known/jwks.json`, `issuer: ${c.issuer}`,
  ];
  try {
    if (c.popPrivateKeyPem) {
      const keyFile = credFile.replace(/\.ya?ml$/, '') + '-pop-key.pem';
      writeSecretFile(keyFile, c.popPrivateKeyPem, credLabel);
      lines.push(`popPrivateKey: ${keyFile}`);
    }
    writeSecretFile(credFile, `${lines.join('\n')}\n`, credLabel);
  } catch (e) {
    await mock.close();
    throw e;
  }
  // Handlers first: a signal sent as soon as the banner below is read must find them installed.
  const stopped = new Promise<void>((done) => {
    const stop = () => void mock!.close().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stdout.write(`oauthgate mock of ${spec.id} listening on ${mock.url}\n`);
  stdout.write(`  token endpoint   ${mock.url}${spec.endpoints.token.path}\n`);
  if (spec.endpoints.authorize) stdout.write(`  authorize        ${mock.url}${spec.endpoints.authorize.path}\n`);
  if (spec.endpoints.revoke) stdout.write(`  revoke           ${mock.url}${spec.endpoints.revoke.path}\n`);
  stdout.write(`  resource         ${spec.resource.method} ${mock.url}${spec.resource.path}\n`);
  stdout.write(`  clock            POST ${mock.url}/__oauthgate/clock {"advance": <seconds>}\n`);
  stdout.write(`  client_id        ${c.clientId} (secret and keys in ${credFile}, mode 0600)\n`);
  if (faults.length) stdout.write(`  faults           ${faults.join(', ')}\n`);
  stdout.write('Ctrl-C stops it.\n');
  await stopped;
  return 0;
}

function cmdSchema(args: string[], stdout: TerminalOptions['out'], cwd: string): number {
  const { values } = parseFlags('schema', args, SCHEMA_OPTIONS, BUILTIN_HELP.schema!.usage);
  const text = `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
  if (values.write) {
    try {
      writeFileAtomic(resolve(cwd, values.write), text);
    } catch (e) {
      throw new UserError(`--write ${values.write}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
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
