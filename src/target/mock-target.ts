/**
 * Targets backed by the bundled mock servers: one fresh mock per suite, so clock moves and revocations in one
 * suite never leak into another.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';
import type { FaultName } from '../../providers/faults.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import type { Target } from './target.ts';

/** Private keys parsed from a mock's PEM, so every suite's target shares one key object (and jose's import of it). */
const popKeys = new Map<string, KeyObject>();
function popKeyOf(pem: string): KeyObject {
  let key = popKeys.get(pem);
  if (!key) {
    if (popKeys.size >= 16) popKeys.clear();
    popKeys.set(pem, (key = createPrivateKey(pem)));
  }
  return key;
}

/** Adapts a running mock to the {@link Target} shape the suites use. */
export function targetOfMock(mock: MockServer): Target {
  const c = mock.credentials;
  return {
    kind: 'mock',
    label: `mock:${mock.spec.id}${mock.faults.size ? ` (faults: ${[...mock.faults].join(', ')})` : ''}`,
    baseUrl: mock.url,
    clientId: c.clientId,
    ...(c.clientSecret !== undefined ? { clientSecret: c.clientSecret } : {}),
    username: c.username,
    password: c.password,
    ...(c.redirectUri ? { redirectUri: c.redirectUri } : {}),
    headers: { ...c.headers },
    endpoints: {},
    ...(c.popPrivateKeyPem ? { popPrivateKey: popKeyOf(c.popPrivateKeyPem) } : {}),
    jwks: c.jwks,
    issuer: c.issuer,
    waitBudgetSeconds: 0,
    autoConsent: true,
    advanceClock: (s) => mock.clock.advance(s),
    now: () => mock.clock.now(),
  };
}

/** Starts a mock for `spec` and returns it with its target. */
export async function startMockTarget(spec: ProviderSpec, faults: FaultName[] = [], opts: { clientSecret?: string } = {}): Promise<{ target: Target; mock: MockServer; close: () => Promise<void> }> {
  const mock = await startMockServer({ spec, faults, ...opts });
  return { target: targetOfMock(mock), mock, close: () => mock.close() };
}
