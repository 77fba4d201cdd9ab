/**
 * Broker publishing, against a loopback stand-in that records the Pact Broker API calls it receives (no real
 * broker can be installed here): contracts with their version and branch, the provider version on its branch, and
 * verification results through the published pact's `pb:publish-verification-results` link.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, summaryOf } from '../support/cli.ts';
import { check, tempDir } from './support.ts';

interface Call {
  method: string;
  path: string;
  authorization?: string;
  body?: Record<string, unknown>;
}

const TOKEN = 'broker-token-5f2c9a';

/** A stand-in Pact Broker: answers the publish, branch, fetch and verification-results calls; records each. */
async function startBrokerStandIn(): Promise<{ url: string; calls: Call[]; close: () => Promise<void> }> {
  const calls: Call[] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += String(c)));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      calls.push({ method: req.method ?? '', path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(body ? { body } : {}) });
      const send = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/hal+json' });
        res.end(JSON.stringify(json));
      };
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: 'unauthorised' });
      if (req.method === 'POST' && path === '/contracts/publish') {
        const c = (body!.contracts as Array<{ consumerName: string; providerName: string }>)[0]!;
        return send(200, { _links: { 'pb:contracts': [{ href: `${base}/pacts/provider/${c.providerName}/consumer/${c.consumerName}/version/${encodeURIComponent(String(body!.pacticipantVersionNumber))}` }] } });
      }
      if (req.method === 'PUT' && path.startsWith('/pacticipants/')) return send(200, {});
      if (req.method === 'GET' && path.startsWith('/pacts/provider/')) {
        return send(200, { _links: { 'pb:publish-verification-results': { href: `${base}/pacts/provider/att/consumer/oauthgate/pact-version/0abc/verification-results` } } });
      }
      if (req.method === 'POST' && path.endsWith('/verification-results')) return send(201, {});
      send(404, { error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let broker: Awaited<ReturnType<typeof startBrokerStandIn>> | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

describe('publishing to a Pact Broker', () => {
  it('publishes the contract with its version and branch, then the results with the provider version and branch', async () => {
    broker = await startBrokerStandIn();
    const dir = tempDir();
    const { code, out } = await runCli(['pact', '--spec', 'att', '--verify', '--provider-version', '1.2.3', '--branch', 'main', '--out', 'out'], dir, { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });
    expect(code).toBe(0);
    expect(broker.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /contracts/publish',
      'PUT /pacticipants/att/branches/main/versions/1.2.3',
      expect.stringMatching(/^GET \/pacts\/provider\/att\/consumer\/oauthgate\/version\/0\.1\.0%2B[0-9a-f]{12}$/),
      'POST /pacts/provider/att/consumer/oauthgate/pact-version/0abc/verification-results',
    ]);
    expect(broker.calls.every((c) => c.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const publish = broker.calls[0]!.body!;
    expect(publish).toMatchObject({ pacticipantName: 'oauthgate', pacticipantVersionNumber: expect.stringMatching(/^0\.1\.0\+[0-9a-f]{12}$/), branch: 'main' });
    const contract = (publish.contracts as Array<{ providerName: string; content: string }>)[0]!;
    expect(contract.providerName).toBe('att');
    expect(Buffer.from(contract.content, 'base64').toString('utf8')).toBe(readFileSync(join(dir, 'out', 'oauthgate-att.json'), 'utf8'));
    const results = broker.calls[3]!.body!;
    expect(results).toMatchObject({ success: true, providerApplicationVersion: '1.2.3', verifiedBy: { implementation: 'oauthgate' } });
    expect(results.testResults).toHaveLength(9);
    const checks = summaryOf(out).runs[0]!.checks;
    expect(check(checks, 'pact.broker.contract-published').status).toBe('passed');
    expect(check(checks, 'pact.broker.results-published').status).toBe('passed');
    expect(out).not.toContain(TOKEN);
    expect(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')).not.toContain(TOKEN);
  }, 90_000);

  it('publishes a failed verification as success: false, naming the failed interactions', async () => {
    broker = await startBrokerStandIn();
    const dir = tempDir();
    const { code } = await runCli(['pact', '--spec', 'att', '--verify', '--fault', 'no-token-type', '--provider-version', '1.2.4', '--out', 'out'], dir, { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: TOKEN });
    expect(code).toBe(1);
    const results = broker.calls.find((c) => c.path.endsWith('/verification-results'))!.body!;
    expect(results.success).toBe(false);
    const failed = (results.testResults as Array<{ interactionDescription: string; success: boolean }>).filter((r) => !r.success).map((r) => r.interactionDescription);
    expect(failed).toContain('a client_credentials token request');
    expect(failed).not.toContain('a token request with a wrong client secret');
    expect(broker.calls.some((c) => c.method === 'PUT')).toBe(false);
  }, 90_000);

  it('a broker that refuses the token is a failed MUST check with the status, never a crash, and the token stays out of the output', async () => {
    broker = await startBrokerStandIn();
    const dir = tempDir();
    const { code, out } = await runCli(['pact', '--spec', 'att', '--out', 'out'], dir, { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_TOKEN: 'wrong-token-77' });
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL pact\.broker\.contract-published: publish contracts: POST http:\/\/127\.0\.0\.1:\d+\/contracts\/publish: expected HTTP 2xx, observed 401/);
    expect(out).not.toContain('wrong-token-77');
  }, 60_000);

  it('verifying with a broker but no provider version is a usage error (exit 2)', async () => {
    const { code, err } = await runCli(['pact', '--spec', 'att', '--verify', '--out', 'out'], tempDir(), { PACT_BROKER_BASE_URL: 'http://127.0.0.1:9', PACT_BROKER_TOKEN: TOKEN });
    expect(code).toBe(2);
    expect(err.trim()).toBe('--provider-version (or PACT_PROVIDER_VERSION): expected a version to publish verification results with, because PACT_BROKER_BASE_URL is set');
  });
});
