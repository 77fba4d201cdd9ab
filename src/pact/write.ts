/**
 * Writes a spec's contract with Pact's consumer DSL: every interaction is exercised by sending the harness's own
 * request (with throwaway credentials) to Pact's mock server, which checks it against the interaction's matchers
 * before the pact file is written. The file holds placeholders only, never a credential.
 * @see https://docs.pact.io/implementation_guides/javascript/docs/consumer
 */
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
// Pact's consumer DSL and its types module, not the package's index (which also loads the verifier's Express proxy,
// GraphQL and the message DSLs: ~0.35 s more to load).
import { PactV3 } from '@pact-foundation/pact/src/v3/pact.js';
import { SpecificationVersion } from '@pact-foundation/pact/src/v3/types.js';
import { HttpClient } from '../http/client.ts';
import { Redactor } from '../redact.ts';
import { SuiteContext } from '../runner/suite.ts';
import { attachTaap, sendBuilt } from '../steps/requests.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import type { Target } from '../target/target.ts';
import { writeFileAtomic } from '../report/summary.ts';
import { HARNESS } from '../version.ts';
import { contractCases, signsPop, toPactRequest, type CaseValues, type ContractCase } from './contracts.ts';
import { PLACEHOLDER, placeholderHeaders } from './placeholders.ts';
import { quietPact } from './env.ts';

/** Consumer and provider names of a spec's contract (the pact file is `<consumer>-<provider>.json`). */
export function contractNames(spec: ProviderSpec): { consumer: string; provider: string } {
  return { consumer: 'oauthgate', provider: spec.id };
}

/** A written contract. */
export interface WrittenContract {
  file: string;
  consumer: string;
  provider: string;
  cases: ContractCase[];
}

/** A target whose every credential is a placeholder: what the pact file shows (the PoP key only signs test requests). */
export function placeholderTarget(spec: ProviderSpec, popKey?: KeyObject): Target {
  return {
    kind: 'mock', label: 'pact placeholders', baseUrl: 'http://127.0.0.1', clientId: PLACEHOLDER.clientId, clientSecret: PLACEHOLDER.clientSecret,
    username: PLACEHOLDER.username, password: PLACEHOLDER.password, ...(spec.redirectUri ? { redirectUri: spec.redirectUri.registered } : {}),
    headers: placeholderHeaders(spec), endpoints: {}, ...(popKey ? { popPrivateKey: popKey } : {}), waitBudgetSeconds: 0, autoConsent: false,
    now: () => Math.floor(Date.now() / 1000),
  };
}

/** Values standing in for provider-state values in the pact file. */
export const PLACEHOLDER_VALUES: CaseValues = { accessToken: PLACEHOLDER.accessToken, refreshToken: PLACEHOLDER.refreshToken, code: PLACEHOLDER.code };

let throwaway: Promise<KeyObject> | undefined;

/**
 * A throwaway RSA key: signs the PoP tokens of the consumer-side test (never written anywhere). Generated off the
 * event loop, once per process (a 2048-bit key costs 0.2-0.5 s of CPU here; nothing it signs outlives the test).
 */
export function throwawayKey(): Promise<KeyObject> {
  throwaway ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 }).then((k) => k.privateKey);
  // A failed generation is not remembered: the next contract tries again.
  throwaway.catch(() => { throwaway = undefined; });
  return throwaway;
}

const rand = (n = 12) => randomBytes(n).toString('base64url');

/** A target with random credentials, for the consumer-side test: proves the matchers accept a real request, not just the example. */
function randomTarget(spec: ProviderSpec, baseUrl: string, popKey: KeyObject | undefined): Target {
  const clientId = `client-${rand(6)}`;
  const headers: Record<string, string> = {};
  for (const h of spec.requiredHeaders?.headers ?? []) headers[h.name] = h.value === '${target.clientId}' ? clientId : `T-${rand(4)}`;
  return {
    ...placeholderTarget(spec, popKey), label: 'pact consumer test', baseUrl, clientId, clientSecret: rand(18), username: `user-${rand(4)}@example.com`,
    password: rand(12), headers, ...(spec.redirectUri ? { redirectUri: spec.redirectUri.registered } : {}),
  };
}

/**
 * Writes `<outDir>/<consumer>-<provider>.json` for `spec` (replacing an older file: Pact would merge into it) and
 * returns what was written. Throws when the harness's own request does not satisfy an interaction (a bug).
 */
export async function writeContracts(spec: ProviderSpec, outDir: string, opts: { specSha256?: string } = {}): Promise<WrittenContract> {
  quietPact();
  const { consumer, provider } = contractNames(spec);
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${consumer}-${provider}.json`);
  rmSync(file, { force: true });
  const cases = contractCases(spec);
  const key = spec.pop?.profile === 'taap' ? await throwawayKey() : undefined;
  const placeholders = placeholderTarget(spec, key);
  const http = new HttpClient({ timeoutMs: 10_000 });
  try {
    for (const c of cases) await exerciseCase(spec, c, outDir, placeholders, key, http);
  } finally {
    await http.close();
  }
  addTypeRules(file, { spec: spec.id, ...(opts.specSha256 ? { specSha256: opts.specSha256 } : {}) });
  return { file, consumer, provider, cases };
}

/**
 * Pact's native mock server (pact-core 19, the last on Node 20) can answer a request and still report it "expected
 * but not received" under CPU load: its match record is written after the response (pact-js issue 1835, fixed in
 * pact-core 20, which needs Node 22). A case whose request was answered and whose only mismatch is that one is
 * exercised again on a fresh mock server, at most {@link RACE_ATTEMPTS} times; any other mismatch, or a request that
 * got no answer, fails at once. Pact writes nothing for a failed attempt.
 */
const RACE_ATTEMPTS = 4;

async function exerciseCase(spec: ProviderSpec, c: ContractCase, outDir: string, placeholders: Target, key: KeyObject | undefined, http: HttpClient): Promise<void> {
  const { consumer, provider } = contractNames(spec);
  for (let attempt = 1; ; attempt++) {
    const pact = new PactV3({ consumer, provider, dir: outDir, logLevel: 'warn', spec: SpecificationVersion.SPECIFICATION_VERSION_V4 });
    for (const s of c.states) pact.given(s.name, s.params);
    const example = c.build({ spec, target: placeholders }, PLACEHOLDER_VALUES);
    pact.uponReceiving(c.description).withRequest(toPactRequest(spec, example, c) as never).willRespondWith(c.response as never);
    let answered = false;
    try {
      await pact.executeTest(async (mock) => {
        const target = randomTarget(spec, mock.url, key);
        const t = new SuiteContext('pact', spec, target, http, new Redactor());
        const req = c.build(t, { accessToken: rand(24), refreshToken: rand(24), code: rand(16) });
        if (signsPop(spec, c)) await attachTaap(t, req);
        // Pact's mock server can refuse the first connection while it starts; one retry of a transport failure
        // (never of an answer) keeps "expected but not received" for requests that were really not sent.
        let ex = await sendBuilt(t, req);
        if (ex.failure) ex = await sendBuilt(t, req);
        answered = ex.status !== undefined;
      });
      return;
    } catch (e) {
      if (!(answered && attempt < RACE_ATTEMPTS && isReceiptRace(e))) throw e;
    }
  }
}

/** True when Pact's only complaint is one request "expected but not received" (see {@link exerciseCase}). */
export function isReceiptRace(e: unknown): boolean {
  const text = e instanceof Error ? e.message : String(e);
  const mismatches = text.match(/^\s*\d+\) /gm) ?? [];
  return mismatches.length === 1 && /\d+\) The following request was expected but not received/.test(text);
}

/**
 * Pact's regex matcher also accepts a number whose digits match, so a string field matched by pattern (T-Mobile's
 * `expires_in: "3599"`, tokens) gets a `type` rule beside its regex: a number in its place fails. Also records
 * which spec and harness wrote the contract in the pact's metadata.
 */
function addTypeRules(file: string, origin: Record<string, string>): void {
  const pact = JSON.parse(readFileSync(file, 'utf8')) as PactFile;
  for (const i of pact.interactions) {
    const content = i.response?.body?.content;
    const rules = i.response?.matchingRules?.body;
    if (!content || typeof content !== 'object' || !rules) continue;
    for (const [path, rule] of Object.entries(rules)) {
      const field = /^\$\.([A-Za-z0-9_-]+)$/.exec(path)?.[1];
      if (!field || typeof (content as Record<string, unknown>)[field] !== 'string') continue;
      if (rule.matchers.some((m) => m.match === 'regex') && !rule.matchers.some((m) => m.match === 'type')) rule.matchers.unshift({ match: 'type' });
    }
  }
  pact.metadata = { ...(pact.metadata ?? {}), oauthgate: { harness: `${HARNESS.name} ${HARNESS.version}`, ...origin } };
  writeFileAtomic(file, `${JSON.stringify(pact, null, 2)}\n`);
}

/** The parts of a V4 pact file this module reads. */
export interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions: Array<{
    description: string;
    providerStates?: Array<{ name: string; params?: Record<string, unknown> }>;
    request?: unknown;
    response?: { body?: { content?: unknown }; matchingRules?: { body?: Record<string, { combine?: string; matchers: Array<{ match: string }> }> } };
  }>;
  metadata?: Record<string, unknown>;
}
