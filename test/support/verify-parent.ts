/**
 * A parent process for test/pact/verify-host.test.ts: runs one job in the verification worker, prints the worker's
 * process id and the number of files verified, and then has nothing left to do. It must exit by itself: an idle
 * worker may not keep its parent alive.
 */
import { runInVerifyWorker, verifyWorkerPid } from '../../src/pact/verify-host.ts';
import type { SerializedTarget } from '../../src/pact/verify.ts';
import { loadSpec } from '../../src/spec/load.ts';

const { spec } = loadSpec('att');
const target: SerializedTarget = { kind: 'mock', label: 'unused', baseUrl: 'http://127.0.0.1:9', clientId: 'c', headers: {}, endpoints: {}, autoConsent: false };
const outcome = await runInVerifyWorker({ spec, target, pactFiles: [], timeoutMs: 1_000 });
process.stdout.write(`${verifyWorkerPid()} ${outcome.files.length}\n`);
