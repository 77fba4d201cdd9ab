/**
 * Pact Broker publishing: contracts go to `POST /contracts/publish` with their version and branch; verification
 * results go to the `pb:publish-verification-results` link of the published pact, with the provider's version,
 * after the provider version is recorded on its branch. Configured by PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN
 * (or PACT_BROKER_USERNAME / PACT_BROKER_PASSWORD).
 * @see https://docs.pact.io/pact_broker/advanced_topics/api_docs/publish_contracts
 * @see https://docs.pact.io/pact_broker/advanced_topics/api_docs/publish_verification_results
 */
import { readFileSync } from 'node:fs';
import { basicAuth, HttpClient } from '../http/client.ts';
import type { HttpExchange } from '../http/types.ts';
import type { CheckResult } from '../checks/check.ts';
import type { Redactor } from '../redact.ts';
import { HARNESS } from '../version.ts';
import type { PactFile } from './write.ts';

/** Broker settings from the environment and the command line. */
export interface BrokerConfig {
  baseUrl: string;
  token?: string;
  username?: string;
  password?: string;
}

/** The broker configuration in `env`, or undefined when PACT_BROKER_BASE_URL is not set. Registers its secrets. */
export function brokerFromEnv(env: NodeJS.ProcessEnv, redactor: Redactor): BrokerConfig | undefined {
  const baseUrl = env.PACT_BROKER_BASE_URL?.trim();
  if (!baseUrl) return undefined;
  for (const s of [env.PACT_BROKER_TOKEN, env.PACT_BROKER_PASSWORD]) redactor.add(s);
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    ...(env.PACT_BROKER_TOKEN ? { token: env.PACT_BROKER_TOKEN } : {}),
    ...(env.PACT_BROKER_USERNAME ? { username: env.PACT_BROKER_USERNAME, password: env.PACT_BROKER_PASSWORD ?? '' } : {}),
  };
}

/** A broker API client; every failure is an error naming the call, the status and the broker's message (redacted). */
export class BrokerClient {
  readonly #http: HttpClient;

  constructor(readonly config: BrokerConfig, readonly redactor: Redactor, timeoutMs = 10_000) {
    this.#http = new HttpClient({ timeoutMs });
  }

  async close(): Promise<void> {
    await this.#http.close();
  }

  #headers(): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/hal+json, application/json', 'Content-Type': 'application/json' };
    if (this.config.token) h.Authorization = `Bearer ${this.config.token}`;
    else if (this.config.username) h.Authorization = basicAuth(this.config.username, this.config.password ?? '');
    return h;
  }

  async #call(what: string, method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
    const ex: HttpExchange = await this.#http.send({ method, url, headers: this.#headers(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    if (ex.failure) throw new Error(this.redactor.redact(`${what}: ${method} ${url}: ${ex.failure.code}: ${ex.failure.message}`));
    if (ex.status === undefined || ex.status >= 300) {
      throw new Error(this.redactor.redact(`${what}: ${method} ${url}: expected HTTP 2xx, observed ${ex.status}: ${ex.bodyText.slice(0, 200)}`));
    }
    return ex.json && typeof ex.json === 'object' ? (ex.json as Record<string, unknown>) : {};
  }

  /** The broker URL of a path (or an absolute href from a HAL link, which must be on the broker). */
  url(pathOrHref: string): string {
    if (!/^https?:/.test(pathOrHref)) return `${this.config.baseUrl}${pathOrHref}`;
    // The token goes with every call: never follow a link off the broker.
    if (new URL(pathOrHref).origin !== new URL(this.config.baseUrl).origin) throw new Error(`broker link ${pathOrHref}: expected a URL on ${new URL(this.config.baseUrl).origin}`);
    return pathOrHref;
  }

  /**
   * Publishes a pact file as version `version` of its consumer on `branch`; returns the URL of each published pact.
   * @see https://docs.pact.io/pact_broker/advanced_topics/api_docs/publish_contracts
   */
  async publishContract(file: string, version: string, branch?: string): Promise<string[]> {
    const text = readFileSync(file, 'utf8');
    const pact = JSON.parse(text) as PactFile;
    const res = await this.#call('publish contracts', 'POST', this.url('/contracts/publish'), {
      pacticipantName: pact.consumer.name,
      pacticipantVersionNumber: version,
      ...(branch ? { branch } : {}),
      tags: [],
      contracts: [{ consumerName: pact.consumer.name, providerName: pact.provider.name, specification: 'pact', contentType: 'application/json', content: Buffer.from(text).toString('base64') }],
    });
    const links = (res._links as Record<string, unknown> | undefined)?.['pb:contracts'];
    return Array.isArray(links) ? links.map((l) => String((l as { href?: unknown }).href ?? '')).filter(Boolean) : [];
  }

  /**
   * Records `version` of `provider` on `branch`, then publishes the verification results of the pact at `pactUrl`.
   * @see https://docs.pact.io/pact_broker/advanced_topics/api_docs/publish_verification_results
   */
  async publishResults(pactUrl: string, provider: string, version: string, branch: string | undefined, checks: CheckResult[]): Promise<void> {
    if (branch) await this.#call('record provider branch', 'PUT', this.url(`/pacticipants/${encodeURIComponent(provider)}/branches/${encodeURIComponent(branch)}/versions/${encodeURIComponent(version)}`), {});
    const pact = await this.#call('fetch published pact', 'GET', this.url(pactUrl));
    const link = ((pact._links as Record<string, { href?: string }> | undefined)?.['pb:publish-verification-results'])?.href;
    if (!link) throw new Error(`fetch published pact: ${pactUrl}: expected a "pb:publish-verification-results" link, observed none`);
    const success = checks.every((c) => c.status === 'passed');
    await this.#call('publish verification results', 'POST', this.url(link), {
      success,
      providerApplicationVersion: version,
      verifiedBy: { implementation: HARNESS.name, version: HARNESS.version },
      testResults: checks.map((c) => ({ interactionDescription: c.title.replace(/^Contract: /, ''), success: c.status === 'passed', ...(c.reason && c.status !== 'passed' ? { mismatches: [{ description: c.reason }] } : {}) })),
    });
  }
}
