/**
 * `oauthgate pact`: writes a spec's Pact contract, and with `--verify` / `--pact-file` verifies contracts against
 * the spec's mock (started in-process) or a live target; results are checks in summary.json, exit codes as `run`.
 * With PACT_BROKER_BASE_URL set, contracts and verification results are published to the broker.
 *
 *   oauthgate pact --spec <id|path> [--out <dir>] [--verify] [--pact-file <pact.json>...] [--target-file <yaml>]
 *                  [--fault <name>...] [--provider-version <v>] [--branch <b>] [--timeout <s>]
 * @see https://docs.pact.io/
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { CheckResult } from '../checks/check.ts';
import { UserError } from '../errors.ts';
import { Redactor } from '../redact.ts';
import { FILE_REPORTERS } from '../report/index.ts';
import type { ReportContext } from '../report/reporter.ts';
import { buildSummary, type SpecInfo } from '../report/summary.ts';
import { terminalReporter } from '../report/terminal.ts';
import { countResults, type SpecRun } from '../runner/engine.ts';
import { loadSpec, type LoadedSpec } from '../spec/load.ts';
import { loadTargetFile } from '../target/load.ts';
import { startMockTarget } from '../target/mock-target.ts';
import type { Target } from '../target/target.ts';
import { FAULTS, unknownFaults, type FaultName } from '../../providers/faults.ts';
import { unknownNameLine } from './suggest.ts';
import { HARNESS } from '../version.ts';
import { BrokerClient, brokerFromEnv } from '../pact/broker.ts';
import { readPact, verifyPactFiles } from '../pact/verify.ts';
import { startVerifyWorker } from '../pact/verify-host.ts';
import { writeContracts } from '../pact/write.ts';
import type { CliIO, Command } from './commands.ts';

const USAGE = 'pact --spec <id|path> [--out <dir>] [--verify] [--pact-file <pact.json> ...] [--target-file <yaml>] [--fault <name> ...] [--provider-version <v>] [--branch <b>] [--timeout <s>]';

/** The `pact` command. */
export const pactCommand: Command = {
  name: 'pact',
  summary: 'write Pact contracts from a spec; verify them and consumers\' pacts against a mock or live target',
  usage: USAGE,
  run: runPact,
};

async function runPact(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      spec: { type: 'string' },
      out: { type: 'string' },
      verify: { type: 'boolean' },
      'pact-file': { type: 'string', multiple: true },
      'target-file': { type: 'string' },
      fault: { type: 'string', multiple: true },
      'provider-version': { type: 'string' },
      branch: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const { cwd, env, stdout } = io;
  const redactor = new Redactor();
  const timeoutS = values.timeout === undefined ? 10 : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS < 0.1 || timeoutS > 600) throw new UserError(`--timeout: expected a number from 0.1 to 600, observed "${values.timeout}"`);
  const faults = values.fault ?? [];
  const bad = unknownFaults(faults);
  if (bad.length) throw new UserError(bad.map((f) => unknownNameLine('--fault', f, 'fault', Object.keys(FAULTS))));
  if (faults.length && values['target-file']) throw new UserError('--fault applies to mock servers only, not to a --target-file');

  const live = values['target-file'] ? loadTargetFile(values['target-file'], { env, redactor, cwd }) : undefined;
  let loaded: LoadedSpec;
  if (values.spec) {
    loaded = loadSpec(values.spec, cwd);
    if (live && live.spec.spec.id !== loaded.spec.id) throw new UserError(`${values['target-file']}: spec: the file names "${live.spec.spec.id}" but --spec asks for ${loaded.spec.id}`);
  } else if (live) loaded = live.spec;
  else throw new UserError(`pact: expected --spec <id|path> (or a --target-file naming one)\nusage: oauthgate ${USAGE}`);
  const { spec } = loaded;

  const pactFiles = (values['pact-file'] ?? []).map((f) => {
    const abs = resolve(cwd, f);
    if (!existsSync(abs)) throw new UserError(`${f}: pact file not found`);
    try {
      readPact(abs);
    } catch (e) {
      throw new UserError(`${f}: ${(e as Error).message.replace(`${abs}: `, '')}`);
    }
    return abs;
  });
  const broker = brokerFromEnv(env, redactor);
  const providerVersion = values['provider-version'] ?? env.PACT_PROVIDER_VERSION;
  const branch = values.branch ?? env.PACT_PROVIDER_BRANCH;
  const verify = Boolean(values.verify) || pactFiles.length > 0;
  if (broker && verify && values.verify && !providerVersion) throw new UserError('--provider-version (or PACT_PROVIDER_VERSION): expected a version to publish verification results with, because PACT_BROKER_BASE_URL is set');

  const outDir = resolve(cwd, values.out ?? join('reports', `pact-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  const info = specInfo(loaded, cwd);
  const startedAt = new Date();
  const t0 = performance.now();
  // The verification worker starts (1.5 s or more) while the contract is written.
  if (verify) startVerifyWorker();
  const written = await writeContracts(spec, outDir, { specSha256: info.sha256 });
  stdout.write(`wrote ${relative(cwd, written.file) || written.file} (${written.cases.length} interactions)\n`);

  const brokerChecks: CheckResult[] = [];
  const client = broker ? new BrokerClient(broker, redactor, timeoutS * 1000) : undefined;
  const contractVersion = `${HARNESS.version}+${info.sha256.slice(0, 12)}`;
  let pactUrls: string[] = [];
  try {
    if (client) {
      pactUrls = await brokerStep(brokerChecks, 'pact.broker.contract-published', `Contract published to the Pact Broker as ${written.consumer} ${contractVersion}`, async () => {
        const urls = await client.publishContract(written.file, contractVersion, branch);
        stdout.write(`published ${written.consumer} ${contractVersion}${branch ? ` (branch ${branch})` : ''} to ${broker!.baseUrl}\n`);
        return urls;
      }, redactor) ?? [];
    }
    if (!verify) {
      const failed = brokerChecks.filter((c) => c.status === 'failed');
      for (const c of failed) stdout.write(`FAIL ${c.id}: ${c.reason}\n`);
      return failed.length ? 1 : 0;
    }

    const { target, close } = await acquireTarget(spec, live?.target, faults as FaultName[], redactor);
    let checks: CheckResult[];
    let log = '';
    try {
      const files = [...(values.verify ? [written.file] : []), ...pactFiles];
      ({ checks, log } = await verifyPactFiles({ spec, target, pactFiles: files, redactor, timeoutMs: timeoutS * 1000 }));
    } finally {
      await close();
    }
    writeFileSync(join(outDir, 'pact-verification.log'), redactor.redact(log));
    if (client && values.verify && providerVersion) {
      const own = checks.filter((c) => c.id.startsWith('pact.') && written.cases.some((k) => `pact.${k.key}` === c.id));
      await brokerStep(brokerChecks, 'pact.broker.results-published', `Verification results published to the Pact Broker as ${spec.id} ${providerVersion}`, async () => {
        if (!pactUrls[0]) throw new Error('the broker returned no link to the published contract');
        await client.publishResults(pactUrls[0], written.provider, providerVersion, branch, own);
        stdout.write(`published verification results of ${written.provider} ${providerVersion}${branch ? ` (branch ${branch})` : ''}\n`);
      }, redactor);
    }
    const all = [...checks, ...brokerChecks];
    const run: SpecRun = { spec: spec.id, target: target.label, checks: all, counts: countResults(all), durationMs: Math.round(performance.now() - t0) };
    const summary = buildSummary([run], startedAt, new Date(), { specs: [info], options: { suites: ['pact'], faults, timeoutMs: timeoutS * 1000, maxBodyBytes: 1 << 20 } });
    const ctx: ReportContext = { outDir, redactor, stdout, env, verbose: false, colour: Boolean(stdout.isTTY) && !env.NO_COLOR };
    const files: string[] = [];
    const terminal = terminalReporter({ out: stdout, redactor, colour: ctx.colour }, t0, files);
    terminal.suiteDone?.(spec.id, 'pact', all, ctx);
    for (const r of FILE_REPORTERS) files.push(...(await r.finish(summary, ctx)));
    await terminal.finish(summary, ctx);
    return summary.exitCode;
  } finally {
    await client?.close();
  }
}

/** The mock of `spec` (started here, stopped after) or the live target of a target file. */
async function acquireTarget(spec: LoadedSpec['spec'], live: Target | undefined, faults: FaultName[], redactor: Redactor): Promise<{ target: Target; close: () => Promise<void> }> {
  if (live) return { target: live, close: async () => {} };
  const m = await startMockTarget(spec, faults);
  redactor.add(m.target.clientSecret);
  redactor.add(m.target.password);
  return { target: m.target, close: m.close };
}

/** Runs a broker call as a check: a broker that refuses is a failed MUST with the reason, never a crash. */
async function brokerStep<T>(out: CheckResult[], id: string, title: string, fn: () => Promise<T>, redactor: Redactor): Promise<T | undefined> {
  const t0 = performance.now();
  const base = { id, suite: 'pact', title, severity: 'MUST' as const, requirement: 'Pact Broker API (PACT_BROKER_BASE_URL)' };
  try {
    const v = await fn();
    out.push({ ...base, status: 'passed', durationMs: Math.round(performance.now() - t0) });
    return v;
  } catch (e) {
    out.push({ ...base, status: 'failed', reason: redactor.redact(e instanceof Error ? e.message : String(e)), durationMs: Math.round(performance.now() - t0) });
    return undefined;
  }
}

/** File and SHA-256 of the spec. */
function specInfo(loaded: LoadedSpec, cwd: string): SpecInfo {
  const rel = relative(cwd, loaded.file);
  return { id: loaded.spec.id, file: rel.startsWith('..') ? loaded.file : rel, sha256: createHash('sha256').update(readFileSync(loaded.file)).digest('hex') };
}
