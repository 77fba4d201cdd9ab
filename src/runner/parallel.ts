/**
 * Both cores (issue 10): the specs of one `oauthgate run` spread over this process and child processes, each the same command line
 * in a hidden worker mode (`node bin/oauthgate.mjs __spec-worker`, which runs the bundle or the sources exactly as
 * the parent does). A child takes one spec at a time from the parent, runs every suite on its own mocks and sends
 * back, over the IPC channel, the mock credentials to redact, each check result, each finished suite and the
 * spec's run. The parent hands finished suites to its reporters one spec at a time, in the order of the plan, so
 * the output, the summary and the exit code are those of a serial run (only durations differ); each check result
 * is passed on at once (it feeds the partial summary of an interrupted run, not the output).
 *
 * Only mock runs are spread: a live target runs alone (one spec per target file), and CI sharding (one job per
 * spec) remains the way to outgrow one machine.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../paths.ts';
import type { CheckResult } from '../checks/check.ts';
import type { Redactor } from '../redact.ts';
import type { RunSettings } from './suite.ts';
import type { SpecRun } from './engine.ts';
import type { ProviderSpec } from '../spec/schema.ts';

/** The hidden command a child runs. */
export const SPEC_WORKER_COMMAND = '__spec-worker';

/** What a child needs to run a spec as the parent would. */
export interface WorkerRunOptions {
  suites: string[];
  faults: string[];
  timeoutMs: number;
  maxBodyBytes: number;
  concurrency: number;
  settings: Partial<RunSettings>;
}

/** Parent to child: run this spec (already loaded and validated by the parent; cloned over IPC, not re-read). */
export type ToWorker = { type: 'spec'; spec: ProviderSpec; options: WorkerRunOptions };

/** Child to parent, for the spec it is running. */
export type FromWorker =
  | { type: 'secrets'; values: string[]; clientId: string; clientSecret?: string }
  | { type: 'result'; spec: string; result: CheckResult }
  | { type: 'suiteDone'; spec: string; suite: string; results: CheckResult[] }
  | { type: 'done'; run: SpecRun }
  | { type: 'error'; message: string };

/** How the parent learns about a spec's progress (the same callbacks a serial run calls). */
export interface ParallelCallbacks {
  onResult?: (spec: string, r: CheckResult) => void;
  onSuiteDone?: (spec: string, suite: string, results: CheckResult[]) => void;
}

type Buffered = { type: 'suiteDone'; spec: string; suite: string; results: CheckResult[] };

/**
 * Runs `specs` (in plan order) over `jobs` workers and returns their runs in plan order: `runLocal`, when given, is
 * one of them (this process, idle otherwise, runs specs too, so only `jobs - 1` children pay a start-up), the rest
 * are child processes. Mock credentials the workers report are added to `redactor` before any of their results
 * reach a reporter. Rejects (with the worker's one-line reason) when a worker fails or a child exits early.
 */
export async function runSpecsInChildren(specs: ProviderSpec[], jobs: number, options: WorkerRunOptions, redactor: Redactor, cb: ParallelCallbacks, env: NodeJS.ProcessEnv = process.env, runLocal?: WorkerRun): Promise<SpecRun[]> {
  const runs: Array<SpecRun | undefined> = specs.map(() => undefined);
  const events: Buffered[][] = specs.map(() => []);
  let flushed = 0;
  let next = 0;
  const children: ChildProcess[] = [];

  /** Replays finished specs' events in plan order: a spec's events wait until every earlier spec's are out. */
  const flush = () => {
    while (flushed < specs.length && runs[flushed]) {
      for (const e of events[flushed]!) cb.onSuiteDone?.(e.spec, e.suite, e.results);
      events[flushed] = [];
      flushed++;
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      let failed = false;
      const fail = (e: Error) => {
        if (!failed) {
          failed = true;
          reject(e);
        }
      };
      /** One worker's message about spec `index`; true when the spec is done. */
      const handle = (index: number, m: FromWorker): boolean => {
        if (m.type === 'secrets') {
          redactor.addClientCredentials(m.clientId, m.clientSecret);
          for (const v of m.values) redactor.add(v);
        } else if (m.type === 'result') {
          cb.onResult?.(m.spec, m.result); // at once: an interrupted run's partial summary keeps every finished check
        } else if (m.type === 'suiteDone') {
          events[index]!.push(m);
        } else if (m.type === 'done') {
          runs[index] = m.run;
          finished++;
          flush();
          if (finished === specs.length) resolve();
          return true;
        } else {
          fail(new Error(m.message));
        }
        return false;
      };
      const startChild = () => {
        const child = fork(join(PROJECT_ROOT, 'bin', 'oauthgate.mjs'), [SPEC_WORKER_COMMAND], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
        children.push(child);
        let current = -1;
        const give = () => {
          if (next >= specs.length || failed) {
            child.disconnect();
            return;
          }
          current = next++;
          child.send({ type: 'spec', spec: specs[current]!, options } satisfies ToWorker);
        };
        child.on('message', (m: FromWorker) => {
          if (handle(current, m)) give();
        });
        child.on('error', (e) => fail(e));
        child.on('exit', (code, signal) => {
          if (current >= 0 && !runs[current]) fail(new Error(`spec worker for ${specs[current]!.id} stopped (${signal ?? `exit ${code}`}) before it finished`));
        });
        give();
      };
      const startLocal = async (run: WorkerRun) => {
        while (next < specs.length && !failed) {
          const index = next++;
          const result = await run({ type: 'spec', spec: specs[index]!, options }, (m) => void handle(index, m));
          handle(index, { type: 'done', run: result });
        }
      };
      const workers = Math.min(jobs, specs.length);
      for (let i = runLocal ? 1 : 0; i < workers; i++) startChild();
      if (runLocal) startLocal(runLocal).catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
    });
  } finally {
    for (const c of children) if (c.connected) c.disconnect();
  }
  return runs as SpecRun[];
}

/** Runs one spec for {@link runSpecsInChildren}, reporting through `send`. */
export type WorkerRun = (msg: ToWorker, send: (m: FromWorker) => void) => Promise<SpecRun>;

/**
 * The child side: receives specs from the parent and runs each with `runSpec`, forwarding its events. Ends when
 * the parent disconnects.
 */
export function serveSpecWorker(runSpec: WorkerRun): Promise<number> {
  return new Promise((resolve) => {
    const send = (m: FromWorker) => process.send!(m);
    // Ctrl-C reaches the whole process group: the parent writes the partial summary and exits 130, which
    // disconnects this child. A child dying on the signal first would look like a crashed worker to the parent.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
    process.on('message', (msg: ToWorker) => {
      runSpec(msg, send).then(
        (run) => send({ type: 'done', run }),
        (e: unknown) => send({ type: 'error', message: e instanceof Error ? e.message.split('\n')[0]! : String(e) }),
      );
    });
    // The parent disconnects once every spec is done (or when it was interrupted): nothing is left to do.
    process.on('disconnect', () => {
      resolve(0);
      process.exit(0);
    });
  });
}
