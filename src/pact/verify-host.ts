/**
 * The parent side of the Pact verification worker ({@link ./verify-worker.ts}): one long-lived child process per
 * parent process, reused by every verification. Starting the worker (Node, the TypeScript loader, pact-js and
 * its native core, the harness) costs 1.5-4 s on this project's 2-core machines, far more than verifying a
 * contract of ten interactions; a process that verifies several contracts pays it once.
 *
 * Protocol: one job per line of JSON on the worker's stdin (`{ id, job }`), one result per line of JSON on its
 * file descriptor 3 (`{ id, outcome }`); after each job the worker writes {@link JOB_END} and the job's id as a
 * line of its own on stdout and on stderr, so the console output between two markers is that job's log. Jobs
 * run one at a time. An idle worker does not keep the parent alive; it exits when its stdin closes (the parent
 * ended, or a variable the worker reads changed and the next job started a new worker), and a worker that died is replaced by
 * the next job.
 * @see https://docs.pact.io/implementation_guides/javascript/docs/provider
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { devNull } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import { PROJECT_ROOT } from '../paths.ts';
import { bundleIsFresh } from '../../bin/bundle-fresh.mjs';
import type { VerifyJob, VerifyOutcome } from './verify.ts';

/** Ends a job's console output on the worker's stdout and stderr: `<JOB_END><id>\n`. */
export const JOB_END = '\u0000oauthgate-verify-job-end ';

/** A job line for the worker's stdin. */
export interface JobMessage {
  id: number;
  job: VerifyJob;
}

/** A result line from the worker's file descriptor 3. */
export interface ResultMessage {
  id: number;
  outcome: VerifyOutcome;
}

/** The job in flight: its id, console output so far, which streams have ended it, its result. */
interface Pending {
  id: number;
  log: string;
  ended: { stdout: boolean; stderr: boolean };
  outcome?: VerifyOutcome;
  resolve: (r: VerifyOutcome & { log: string }) => void;
  reject: (e: Error) => void;
}

/**
 * The environment the worker runs with: the parent's, with Pact's usage tracking off unless the user decided, and
 * an empty certificate store for Pact's Rust core.
 *
 * The core needs none: it reads the pact files from disk and sends every request over plain HTTP to pact-js's proxy
 * on localhost (the proxy, Node code, makes the connection to the target, with Node's own CA store; broker calls are
 * made in the parent). Yet each time the core builds an HTTP client, rustls-native-certs loads the system store:
 * every file of SSL_CERT_DIR (or the directory openssl-probe finds), ~40 ms of CPU per verified interaction, four
 * fifths of a verification of a bundled mock (att's nine interactions: 0.58 s of CPU, 0.15 s with an empty store).
 * SSL_CERT_FILE set alone is all it reads. Left as they are when NODE_OPTIONS makes Node use OpenSSL's store
 * (--use-openssl-ca, --use-system-ca), since Node then reads the same variables.
 * @see https://github.com/rustls/rustls-native-certs#readme
 */
export function workerEnv(parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent, PACT_DO_NOT_TRACK: parent.PACT_DO_NOT_TRACK ?? 'true' };
  if (!/--use-(openssl|system)-ca\b/.test(parent.NODE_OPTIONS ?? '')) {
    env.SSL_CERT_FILE = devNull;
    delete env.SSL_CERT_DIR;
  }
  return env;
}

/**
 * Variables that can change what the worker does: Pact's and its Rust core's settings, Node's options and TLS
 * settings, proxies, time zone and locale, and Stryker's active mutant (which instrumented code reads in child
 * processes). The harness itself reads no variable in the worker.
 */
const WORKER_VARIABLE = /^(PACT_|NODE_|RUST_|SSL_|TSX_|__STRYKER_)|^(HTTPS?_PROXY|NO_PROXY|ALL_PROXY|TZ|LANG|LC_[A-Z]+)$/i;

/**
 * What a worker's environment is compared by: a job under other values of {@link WORKER_VARIABLE} gets a new
 * worker; other variables (a test runner's per-file ids) are read once, when the worker starts.
 */
export function workerEnvKey(env: NodeJS.ProcessEnv = workerEnv()): string {
  return JSON.stringify(Object.keys(env).filter((k) => WORKER_VARIABLE.test(k)).sort().map((k) => [k, env[k]]));
}

/**
 * The worker's command line: the compiled worker (dist/verify-worker.mjs) when the bundle is fresh by
 * bin/oauthgate.mjs's rule, as `npx oauthgate` runs the compiled command (a start without tsx: ~0.95 s of CPU here
 * instead of ~1.7 s); otherwise, or with OAUTHGATE_FROM_SOURCE=1, the TypeScript source through tsx. Paths are
 * from the project root, so the command run from the bundle finds either.
 */
export function workerArgs(env: NodeJS.ProcessEnv = workerEnv()): string[] {
  const compiled = join(PROJECT_ROOT, 'dist', 'verify-worker.mjs');
  if (env.OAUTHGATE_FROM_SOURCE !== '1' && existsSync(compiled) && bundleIsFresh(PROJECT_ROOT)) return [compiled];
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', loader, join(PROJECT_ROOT, 'src', 'pact', 'verify-worker.ts')];
}

/** One running worker process and the job it is verifying. */
class WorkerProcess {
  readonly #child: ChildProcess;
  readonly #streams: Readable[];
  /** The environment it was started with ({@link workerEnvKey}): a job under another gets a new worker. */
  readonly envKey: string;
  #pending: Pending | undefined;
  /** Console output that arrived while no job was in flight (stray lines): goes into the next job's log. */
  #stray = '';
  #results = '';
  /** The last, unfinished line of each console stream. */
  readonly #partial = { stdout: '', stderr: '' };
  #exited = false;
  #closing = false;
  #nextId = 1;

  constructor() {
    const env = workerEnv();
    this.envKey = workerEnvKey(env);
    this.#child = spawn(process.execPath, workerArgs(env), { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env });
    const results = this.#child.stdio[3] as Readable;
    this.#streams = [this.#child.stdout!, this.#child.stderr!, results];
    this.#child.stdout!.on('data', (c: Buffer) => this.#console('stdout', c.toString('utf8')));
    this.#child.stderr!.on('data', (c: Buffer) => this.#console('stderr', c.toString('utf8')));
    results.on('data', (c: Buffer) => this.#result(c.toString('utf8')));
    // A worker that died is reported through 'close'; writing to its stdin must not throw in the parent.
    this.#child.stdin!.on('error', () => {});
    this.#child.on('error', () => {});
    this.#child.on('close', (code) => this.#closed(code ?? 1));
    this.#idle();
  }

  /** False once the process has ended. */
  get alive(): boolean {
    return !this.#exited && !this.#closing;
  }

  /** Sends `job` and resolves with its outcome and console output. One job at a time. */
  run(job: VerifyJob): Promise<VerifyOutcome & { log: string }> {
    if (this.#pending) return Promise.reject(new Error('the Pact verification worker is busy'));
    if (!this.alive) return Promise.reject(new Error('the Pact verification worker has ended'));
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending = { id, log: this.#stray, ended: { stdout: false, stderr: false }, resolve, reject };
      this.#stray = '';
      this.#busy();
      const message: JobMessage = { id, job };
      this.#child.stdin!.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** The worker's process id. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Closes the worker's stdin: it finishes the job in flight, then exits. Resolves when it has exited. */
  close(): Promise<void> {
    this.#closing = true;
    const exited = this.#exited ? Promise.resolve() : new Promise<void>((done) => this.#child.once('close', () => done()));
    this.#child.stdin!.end();
    return exited;
  }

  /** Console output of the worker, a line at a time (a marker may arrive split over two reads). */
  #console(stream: 'stdout' | 'stderr', text: string): void {
    this.#partial[stream] += text;
    let nl: number;
    while ((nl = this.#partial[stream].indexOf('\n')) >= 0) {
      const line = this.#partial[stream].slice(0, nl + 1);
      this.#partial[stream] = this.#partial[stream].slice(nl + 1);
      this.#line(stream, line);
    }
  }

  /** One line of console output: the job's log, or the end of it on that stream. */
  #line(stream: 'stdout' | 'stderr', line: string): void {
    const p = this.#pending;
    if (!p || p.ended[stream]) {
      this.#stray += line;
      return;
    }
    const marker = `${JOB_END}${p.id}\n`;
    if (!line.endsWith(marker)) {
      p.log += line;
      return;
    }
    // Output without a final line break ends on the marker's line.
    p.log += line.slice(0, -marker.length);
    p.ended[stream] = true;
    this.#settle();
  }

  /** Result lines on file descriptor 3. */
  #result(text: string): void {
    this.#results += text;
    let nl: number;
    while ((nl = this.#results.indexOf('\n')) >= 0) {
      const line = this.#results.slice(0, nl);
      this.#results = this.#results.slice(nl + 1);
      const message = parseResult(line);
      if (!message) {
        // Not quoted: a result carries the tokens the worker saw.
        this.#pending?.reject(new Error(`the Pact verification worker sent a result that is not JSON (${line.length} characters)`));
        this.#pending = undefined;
        void this.close();
        return;
      }
      if (this.#pending && message.id === this.#pending.id) {
        this.#pending.outcome = message.outcome;
        this.#settle();
      }
    }
  }

  /** Resolves the job once its result and both end markers have arrived. */
  #settle(): void {
    const p = this.#pending;
    if (!p?.outcome || !p.ended.stdout || !p.ended.stderr) return;
    this.#pending = undefined;
    this.#idle();
    p.resolve({ ...p.outcome, log: p.log });
  }

  #closed(code: number): void {
    this.#exited = true;
    const p = this.#pending;
    this.#pending = undefined;
    if (!p) return;
    if (p.outcome) {
      // The result arrived; the markers were lost with the process.
      p.resolve({ ...p.outcome, log: p.log });
      return;
    }
    const log = p.log + this.#stray + this.#partial.stdout + this.#partial.stderr;
    p.reject(new Error(`the Pact verification worker ended with code ${code} and no result: ${log.split('\n').filter(Boolean).slice(-3).join(' | ')}`));
  }

  /** While a job is in flight the worker keeps the parent alive (it awaits the result). */
  #busy(): void {
    this.#child.ref();
    for (const s of this.#streams) (s as Readable & { ref?: () => void }).ref?.();
  }

  /** An idle worker does not keep the parent alive. */
  #idle(): void {
    this.#child.unref();
    for (const s of this.#streams) (s as Readable & { unref?: () => void }).unref?.();
  }
}

function parseResult(line: string): ResultMessage | undefined {
  try {
    const v = JSON.parse(line) as ResultMessage;
    return v && typeof v === 'object' && typeof v.id === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

let worker: WorkerProcess | undefined;
/** Jobs wait for the one before them. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `job` in the process's verification worker (started on first use, restarted when it died or the
 * environment changed) and returns its outcome; the verifier's console report is returned as `log` (raw: redact
 * it with the returned secrets registered before writing it anywhere).
 */
export function runInVerifyWorker(job: VerifyJob): Promise<VerifyOutcome & { log: string }> {
  const run = queue.then(() => currentWorker().run(job));
  queue = run.catch(() => {});
  return run;
}

/** The live worker for the current environment. */
function currentWorker(): WorkerProcess {
  if (worker?.alive && worker.envKey === workerEnvKey()) return worker;
  void worker?.close();
  worker = new WorkerProcess();
  return worker;
}

/**
 * Starts the worker now if none is running, so that its start-up overlaps other work (writing the contract) instead
 * of delaying the first verification. It does not keep the process alive.
 */
export function startVerifyWorker(): void {
  if (!worker?.alive) void queue.then(() => currentWorker());
}

/** The process id of the running worker, if any. */
export function verifyWorkerPid(): number | undefined {
  return worker?.alive ? worker.pid : undefined;
}
