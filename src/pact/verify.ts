/**
 * Verification: Pact's Verifier replays each interaction of the given pact files against a target (the spec's
 * mock or a live server) through the request filter and provider states, in a worker process; each interaction
 * becomes a check `pact.<interaction>` whose reason carries Pact's own mismatch report, redacted.
 * @see https://docs.pact.io/implementation_guides/javascript/docs/provider
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CheckResult, Severity, Status } from '../checks/check.ts';
import { fingerprint, SECRET_FIELDS, type Redactor } from '../redact.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import type { HttpExchange } from '../http/types.ts';
import { toEvidence } from '../report/evidence.ts';
import type { Target } from '../target/target.ts';
import { contractCases } from './contracts.ts';
import { runInVerifyWorker } from './verify-host.ts';
import type { PactFile } from './write.ts';
import type { StateFailure } from './states.ts';

/** A target in a form that crosses a process boundary (the PoP key as PEM, no functions). */
export type SerializedTarget = Omit<Target, 'popPrivateKey' | 'now' | 'advanceClock' | 'waitBudgetSeconds'> & { popPrivateKeyPem?: string };

/** What the worker is asked to do. */
export interface VerifyJob {
  spec: ProviderSpec;
  target: SerializedTarget;
  pactFiles: string[];
  timeoutMs: number;
}

/** The JSON report of Pact's native verifier (the parts read here). */
export interface VerifierReport {
  result?: boolean;
  errors?: Array<{ interaction: string; mismatch?: { type?: string; message?: string; mismatches?: Mismatch[] } }>;
  interactionResults?: Array<{ description?: string; result?: string }>;
  output?: string[];
}

interface Mismatch {
  type?: string;
  path?: string;
  key?: string;
  mismatch?: string;
  expected?: unknown;
  actual?: unknown;
}

/** The worker's result for one pact file. */
export interface FileOutcome {
  file: string;
  report?: VerifierReport;
  /** Set when the verifier could not run at all. */
  error?: string;
  /** Provider states whose setup failed, with the reason. */
  stateFailures: Record<string, StateFailure>;
  /** Transport failures of the target (reset, refused); the proxy answered those requests with a 502. */
  transportErrors?: string[];
  /** The replayed exchanges, in the order Pact verified the interactions (one each). */
  exchanges?: HttpExchange[];
}

/** Everything the worker sends back. */
export interface VerifyOutcome {
  files: FileOutcome[];
  /** Credentials the worker saw (issued tokens), for the parent's redactor. */
  secrets: string[];
}

/** Serialises a target for the worker. */
export function serializeTarget(target: Target): SerializedTarget {
  const { popPrivateKey, now: _now, advanceClock: _advance, waitBudgetSeconds: _wait, ...rest } = target;
  return { ...rest, ...(popPrivateKey ? { popPrivateKeyPem: popPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } : {}) };
}

/** Check metadata for one interaction of a pact. */
interface InteractionMeta {
  id: string;
  title: string;
  severity: Severity;
  requirement: string;
}

/** Turns a file's outcome into one check per interaction. */
export function checksOfFile(pact: PactFile, outcome: FileOutcome, spec: ProviderSpec, file: string, redactor: Redactor, durationMs: number): CheckResult[] {
  const generated = pact.consumer.name === 'oauthgate' && (pact.metadata as { oauthgate?: { spec?: string } } | undefined)?.oauthgate?.spec === spec.id;
  const cases = generated ? contractCases(spec) : [];
  const descriptions = pact.interactions.map((i) => i.description);
  const evidence = evidenceByDescription(outcome);
  return pact.interactions.map((i) => withEvidence(evidence.get(i.description), redactor, (() => {
    const c = cases.find((x) => x.description === i.description);
    const meta: InteractionMeta = c
      ? { id: `pact.${c.key}`, title: `Contract: ${i.description}`, severity: c.severity, requirement: c.requirement }
      : { id: `pact.${slug(pact.consumer.name)}.${slug(i.description)}`, title: `Consumer ${pact.consumer.name}: ${i.description}`, severity: 'MUST', requirement: `consumer pact ${basename(file)}` };
    const r: CheckResult = { ...meta, suite: 'pact', status: 'passed', durationMs: Math.round((durationMs / Math.max(1, pact.interactions.length)) * 10) / 10 };
    const failedStates = (i.providerStates ?? []).map((s) => s.name).filter((n) => outcome.stateFailures[n] !== undefined);
    const stateNote = failedStates.map((n) => `provider state "${n}" could not be set up: ${outcome.stateFailures[n]!.reason}`).join('; ');
    // Only a state the harness could not attempt excuses the target; one the server refused is its failure.
    const excused = failedStates.length > 0 && failedStates.every((n) => outcome.stateFailures[n]!.unavailable);
    if (outcome.error !== undefined) return finish(r, 'failed', `Pact could not verify ${basename(file)}: ${outcome.error}`, redactor);
    const err = outcome.report?.errors?.find((e) => ownerOf(e.interaction, descriptions) === i.description);
    if (err) {
      const { reason, expected, observed } = describeMismatch(err.mismatch);
      const transport = outcome.transportErrors?.length && /but was 502\b|status code 502\b/.test(reason) ? `the target failed at the transport level (${outcome.transportErrors[0]}), answered as HTTP 502; ` : '';
      const out = finish(r, excused ? 'skipped' : 'failed', `${stateNote ? `${stateNote}; ` : ''}${transport}Pact: ${reason}`, redactor);
      if (out.status === 'failed') {
        if (expected !== undefined) out.expected = redactor.redact(expected);
        if (observed !== undefined) out.observed = redactor.redact(observed);
      }
      return out;
    }
    if (!outcome.report) return finish(r, 'failed', 'Pact returned no verification report', redactor);
    return r;
  })()));
}

/**
 * The exchange behind each interaction: Pact replays one request per interaction, in the order of its
 * `interactionResults`; when the counts differ (a request never reached the proxy) no evidence is attached.
 */
function evidenceByDescription(outcome: FileOutcome): Map<string, HttpExchange> {
  const order = (outcome.report?.interactionResults ?? []).map((r) => r.description);
  const ex = outcome.exchanges ?? [];
  const out = new Map<string, HttpExchange>();
  if (order.length !== ex.length || order.some((d) => d === undefined)) return out;
  order.forEach((d, k) => out.set(d!, ex[k]!));
  return out;
}

function withEvidence(ex: HttpExchange | undefined, redactor: Redactor, r: CheckResult): CheckResult {
  return ex ? { ...r, evidence: [toEvidence(ex, redactor)] } : r;
}

function finish(r: CheckResult, status: Status, reason: string, redactor: Redactor): CheckResult {
  return { ...r, status, reason: redactor.redact(stripAnsi(reason)) };
}

/** The interaction an error belongs to: Pact names it "Verifying a pact between C and P [Given ...] - <description>". */
function ownerOf(label: string, descriptions: string[]): string | undefined {
  return descriptions.filter((d) => label.endsWith(` - ${d}`) || label === d).sort((a, b) => b.length - a.length)[0];
}

/** Pact's mismatch report in one line, values of credential fields masked. */
export function describeMismatch(m: NonNullable<VerifierReport['errors']>[number]['mismatch']): { reason: string; expected?: string; observed?: string } {
  if (!m) return { reason: 'verification failed (no details)' };
  const list = m.mismatches ?? [];
  if (!list.length) return { reason: stripAnsi(m.message ?? m.type ?? 'verification failed') };
  const parts = list.map((x) => {
    const secret = isSecretPath(x.path) || (x.key !== undefined && ['authorization', 'x-authorization'].includes(x.key.toLowerCase()));
    const text = stripAnsi(x.mismatch ?? `${x.type} mismatch`);
    return `${x.path ? `${x.path}: ` : ''}${secret ? maskQuoted(text) : text}`;
  });
  const first = list[0]!;
  const show = (v: unknown) => (v === undefined || v === null ? undefined : isSecretPath(first.path) ? maskQuoted(JSON.stringify(v)) : typeof v === 'string' ? v : JSON.stringify(v));
  const expected = show(first.expected);
  const observed = show(first.actual);
  return { reason: parts.join('; '), ...(expected !== undefined ? { expected } : {}), ...(observed !== undefined ? { observed } : {}) };
}

const isSecretPath = (path: string | undefined) => Boolean(path && SECRET_FIELDS.has(path.replace(/^\$\.?/, '').split('.').at(-1) ?? ''));

/** Replaces every quoted value in a mismatch line by its fingerprint. */
function maskQuoted(text: string): string {
  return text.replace(/'([^']*)'|"([^"]*)"/g, (_m, a: string | undefined, b: string | undefined) => {
    const v = a ?? b ?? '';
    return v ? `'${fingerprint(v)}'` : _m;
  });
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/** A check-id segment: lower-case letters, digits and hyphens. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'interaction';
}

/** Reads a pact file; throws with the file and the problem when it is not a pact. */
export function readPact(file: string): PactFile {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read a JSON pact (${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0]})`);
  }
  const p = v as Partial<PactFile>;
  if (!p || typeof p !== 'object' || !p.consumer?.name || !p.provider?.name || !Array.isArray(p.interactions)) {
    throw new Error(`${file}: expected a pact with consumer.name, provider.name and interactions[]`);
  }
  return p as PactFile;
}

/** Verifies pact files against a target; one check per interaction. */
export async function verifyPactFiles(opts: { spec: ProviderSpec; target: Target; pactFiles: string[]; redactor: Redactor; timeoutMs: number }): Promise<{ checks: CheckResult[]; log: string }> {
  const pacts = opts.pactFiles.map((f) => ({ file: f, pact: readPact(f) }));
  const t0 = performance.now();
  const outcome = await runInVerifyWorker({ spec: opts.spec, target: serializeTarget(opts.target), pactFiles: opts.pactFiles, timeoutMs: opts.timeoutMs });
  for (const s of outcome.secrets) opts.redactor.add(s);
  const per = (performance.now() - t0) / Math.max(1, pacts.length);
  const checks = pacts.flatMap(({ file, pact }, k) => checksOfFile(pact, outcome.files[k] ?? { file, error: 'not verified', stateFailures: {} }, opts.spec, file, opts.redactor, per));
  return { checks, log: opts.redactor.redact(stripAnsi(outcome.log)) };
}
