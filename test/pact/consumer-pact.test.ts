/**
 * A consumer team's own pact (test/pact/fixtures/billing-att.json, written by hand with the placeholder
 * convention and a concrete provider state "client billing-client exists") verified with `oauthgate pact
 * --pact-file` against the att mock and against a live loopback target: the independent AT&T-style server, which
 * shares no code with the mock. An expectation the provider does not meet fails with Pact's mismatch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, summaryOf } from '../support/cli.ts';
import { startIndependentAttServer, type IndependentServer } from '../support/independent-att-server.ts';
import { check, tempDir } from './support.ts';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/billing-att.json');
const IDS = ['pact.billing-service.a-client-credentials-token-for-sending-sms', 'pact.billing-service.an-sms-sent-with-the-access-token', 'pact.billing-service.a-token-request-with-a-wrong-secret'];

let server: IndependentServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every file the run wrote, concatenated (to look for secrets). */
const written = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile()).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');

describe('a consumer\'s own pact', () => {
  it('passes against the att mock, each interaction a MUST check named after the consumer', async () => {
    const dir = tempDir();
    const { code, out } = await runCli(['pact', '--spec', 'att', '--pact-file', FIXTURE, '--out', 'out', '--timeout', '5'], dir);
    const checks = summaryOf(out).runs[0]!.checks;
    expect(checks.map((c) => `${c.id} ${c.status}`).sort()).toEqual(IDS.map((id) => `${id} passed`).sort());
    expect(check(checks, IDS[0]!)).toMatchObject({ severity: 'MUST', requirement: 'consumer pact billing-att.json', title: 'Consumer billing-service: a client_credentials token for sending SMS' });
    expect(code).toBe(0);
  }, 90_000);

  it('passes against a live loopback target (the independent server, through a target file); no secret reaches any output', async () => {
    server = await startIndependentAttServer();
    const dir = tempDir();
    writeFileSync(join(dir, 'target.yaml'), ['spec: att', `baseUrl: ${server.url}`, `clientId: ${server.clientId}`, 'clientSecret: ${ATT_SECRET}', 'autoConsent: true'].join('\n'));
    const { code, out, err } = await runCli(['pact', '--target-file', 'target.yaml', '--pact-file', FIXTURE, '--out', 'out', '--timeout', '5'], dir, { ATT_SECRET: server.clientSecret });
    const checks = summaryOf(out).runs[0]!.checks;
    expect(checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    expect(checks).toHaveLength(3);
    expect(code).toBe(0);
    for (const text of [out, err, written(join(dir, 'out'))]) {
      expect(text).not.toContain(server.clientSecret);
      expect(text).not.toContain(Buffer.from(server.clientSecret).toString('base64'));
    }
  }, 90_000);

  it('fails the one interaction whose expectation the provider does not meet (expires_in expected as a string), with Pact\'s mismatch', async () => {
    const dir = tempDir();
    const pact = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    pact.interactions[0].response.body.content.expires_in = '172800';
    pact.interactions[0].response.matchingRules.body['$.expires_in'] = { combine: 'AND', matchers: [{ match: 'type' }] };
    writeFileSync(join(dir, 'billing-att.json'), JSON.stringify(pact));
    const { code, out } = await runCli(['pact', '--spec', 'att', '--pact-file', 'billing-att.json', '--out', 'out', '--timeout', '5'], dir);
    const checks = summaryOf(out).runs[0]!.checks;
    const c = check(checks, IDS[0]!);
    expect(c.status).toBe('failed');
    expect(c.reason).toMatch(/\$\.expires_in: Expected 172800 \(Integer\) to be the same type as '172800' \(String\)/);
    expect(check(checks, IDS[1]!).status).toBe('passed');
    expect(code).toBe(1);
  }, 90_000);

  it('the generated att contract against the same live server without autoConsent: the authorization-code interaction is skipped with the reason, the rest pass', async () => {
    server = await startIndependentAttServer();
    const dir = tempDir();
    writeFileSync(join(dir, 'target.yaml'), ['spec: att', `baseUrl: ${server.url}`, `clientId: ${server.clientId}`, 'clientSecret: ${ATT_SECRET}'].join('\n'));
    const { code, out } = await runCli(['pact', '--target-file', 'target.yaml', '--verify', '--out', 'out', '--timeout', '5'], dir, { ATT_SECRET: server.clientSecret });
    const checks = summaryOf(out).runs[0]!.checks;
    expect(checks.filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual(['pact.token.authorization-code']);
    expect(check(checks, 'pact.token.authorization-code')).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^provider state "an authorization code exists" could not be set up: the authorization-code flow needs a user to consent/) });
    expect(code).toBe(0);
  }, 90_000);

  it('a file that is not a pact is a usage error naming the file (exit 2)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-pact.json'), '{"consumer": {}}');
    const { code, err } = await runCli(['pact', '--spec', 'att', '--pact-file', 'not-a-pact.json', '--out', 'out'], dir);
    expect(code).toBe(2);
    expect(err.trim()).toBe('not-a-pact.json: expected a pact with consumer.name, provider.name and interactions[]');
  });
});
