/**
 * The verification worker: a child process that runs Pact's Verifier, so that the native core's console report
 * (which prints response values as they came) never reaches the user's terminal unredacted. It serves jobs until
 * its stdin closes: each line of stdin is a {@link JobMessage}, answered by a {@link ResultMessage} line on file
 * descriptor 3 and a {@link JOB_END} line on stdout and stderr (see verify-host.ts, the parent side).
 */
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
// The verifier's own module, not the package's index: the index also loads the consumer DSL, GraphQL and the
// matchers (~0.35 s of the worker's ~0.75 s start here), which the worker never uses.
import { Verifier } from '@pact-foundation/pact/src/dsl/verifier/verifier.js';
import { createPrivateKey } from 'node:crypto';
import { BreakerClient } from '../http/breaker.ts';
import { HttpClient } from '../http/client.ts';
import { Redactor } from '../redact.ts';
import { SuiteContext } from '../runner/suite.ts';
import type { Target } from '../target/target.ts';
import type { HttpExchange } from '../http/types.ts';
import { quietPact } from './env.ts';
import { createRequestFilter, failInFlight } from './filter.ts';
import { StateStore, stateHandlers } from './states.ts';
import type { VerifyJob, VerifyOutcome, FileOutcome } from './verify.ts';
import { JOB_END, type JobMessage, type ResultMessage } from './verify-host.ts';

/** A redactor that remembers what it was given, to hand the secrets back to the parent process. */
class RecordingRedactor extends Redactor {
  readonly seen = new Set<string>();
  override add(secret: string | undefined | null): void {
    super.add(secret);
    if (typeof secret === 'string' && secret.length >= 4) this.seen.add(secret);
  }
}

/** Transport failures of the target seen while verifying the current file. */
const transportErrors: string[] = [];

/** Rebuilds the target from its serialisable form. */
function targetOf(job: VerifyJob): Target {
  const { popPrivateKeyPem, ...rest } = job.target;
  return { ...rest, ...(popPrivateKeyPem ? { popPrivateKey: createPrivateKey(popPrivateKeyPem) } : {}), waitBudgetSeconds: 0, now: () => Math.floor(Date.now() / 1000) };
}

/** Verifies one pact file; never throws. */
async function verifyFile(job: VerifyJob, file: string, t: SuiteContext, redactor: Redactor): Promise<FileOutcome> {
  const store = new StateStore(t);
  transportErrors.length = 0;
  const exchanges: HttpExchange[] = [];
  const done = (o: Omit<FileOutcome, 'transportErrors' | 'exchanges'>): FileOutcome => ({ ...o, transportErrors: [...transportErrors], exchanges });
  const target = new URL(t.target.baseUrl);
  try {
    const out = await new Verifier({
      providerBaseUrl: target.origin,
      pactUrls: [file],
      logLevel: 'error',
      timeout: job.timeoutMs,
      stateHandlers: stateHandlers(store) as never,
      requestFilter: createRequestFilter({ t, values: () => store.values(), redactor, onExchange: (ex) => exchanges.push(ex) }),
    }).verifyProvider();
    return done({ file, report: parse(out), stateFailures: Object.fromEntries(store.failures) });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const report = parse(message);
    return done(report ? { file, report, stateFailures: Object.fromEntries(store.failures) } : { file, error: message, stateFailures: Object.fromEntries(store.failures) });
  }
}

function parse(text: unknown): FileOutcome['report'] {
  if (typeof text !== 'string') return undefined;
  try {
    const v = JSON.parse(text) as FileOutcome['report'];
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies every pact file of one job against its target. */
async function verifyJob(job: VerifyJob): Promise<VerifyOutcome> {
  const redactor = new RecordingRedactor();
  const target = targetOf(job);
  const http = new BreakerClient(new HttpClient({ timeoutMs: job.timeoutMs }));
  const t = new SuiteContext('pact', job.spec, target, http, redactor);
  const files: FileOutcome[] = [];
  try {
    for (const f of job.pactFiles) files.push(await verifyFile(job, f, t, redactor));
  } finally {
    await http.close();
  }
  // Every token seen (issued to the states or read from responses) goes back so the parent can redact it.
  return { files, secrets: [...redactor.seen] };
}

/** Serves the jobs on stdin one at a time; exits when stdin closes and the last job is answered. */
async function serve(): Promise<void> {
  quietPact();
  const results = createWriteStream('', { fd: 3 });
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const { id, job } = JSON.parse(line) as JobMessage;
    const message: ResultMessage = { id, outcome: await verifyJob(job) };
    await new Promise<void>((done, fail) => results.write(`${JSON.stringify(message)}\n`, (e) => (e ? fail(e) : done())));
    // After the verifier's console report (written synchronously to these pipes): the end of this job's log.
    process.stdout.write(`${JOB_END}${id}\n`);
    process.stderr.write(`${JOB_END}${id}\n`);
  }
  results.end(() => process.exit(0));
}

// A target that resets or refuses the connection makes the pact-js proxy throw outside any handler: answer the
// request in flight with a 502 (a mismatch for that interaction) instead of ending the verification.
process.on('uncaughtException', (e: Error & { code?: string }) => {
  if (failInFlight(e) > 0) {
    transportErrors.push(`${e.code ?? 'error'}: ${e.message}`);
    return;
  }
  process.stderr.write(`verify worker: ${e.message}\n`);
  process.exit(3);
});

serve().catch((e: unknown) => {
  process.stderr.write(`verify worker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(3);
});
