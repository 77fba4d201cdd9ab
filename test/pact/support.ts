/**
 * Helpers for the Pact tests: temporary directories, a spec's contract written and verified against its mock.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultName } from '../../providers/faults.ts';
import type { CheckResult } from '../../src/checks/check.ts';
import { verifyPactFiles } from '../../src/pact/verify.ts';
import { startVerifyWorker } from '../../src/pact/verify-host.ts';
import { writeContracts, type WrittenContract } from '../../src/pact/write.ts';
import { Redactor } from '../../src/redact.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockTarget } from '../../src/target/mock-target.ts';

/** A fresh temporary directory (one per test: Pact merges into an existing pact file). */
export const tempDir = (prefix = 'oauthgate-pact-') => mkdtempSync(join(tmpdir(), prefix));

const written = new Map<string, Promise<WrittenContract>>();

/** The contract of bundled spec `id`, written once per test file. */
export function contractOf(id: string): Promise<WrittenContract> {
  if (!written.has(id)) written.set(id, writeContracts(loadSpec(id).spec, tempDir()));
  return written.get(id)!;
}

/** Verifies the contract of `id` against a fresh mock with `faults`; returns the checks and the redacted log. */
export async function verifyOnMock(id: string, faults: FaultName[] = []): Promise<{ checks: CheckResult[]; log: string; secret: string }> {
  const { spec } = loadSpec(id);
  startVerifyWorker();
  const contract = await contractOf(id);
  const m = await startMockTarget(spec, faults);
  const redactor = new Redactor();
  redactor.add(m.target.clientSecret);
  try {
    const r = await verifyPactFiles({ spec, target: m.target, pactFiles: [contract.file], redactor, timeoutMs: 5_000 });
    return { ...r, secret: m.target.clientSecret! };
  } finally {
    await m.close();
  }
}

/** The check with `id`; throws with the ids that exist when it is missing. */
export function check(checks: CheckResult[], id: string): CheckResult {
  const c = checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check "${id}"; have: ${checks.map((x) => x.id).join(', ')}`);
  return c;
}
