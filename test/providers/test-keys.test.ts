/**
 * Mocks use the fixed test keys shipped in providers/keys/ (issue 10): starting a mock generates no key, every mock
 * publishes the same signing key, and a TAAP mock registers the shipped TAAP client key.
 */
import { describe, expect, it } from 'vitest';
import { createPrivateKey } from 'node:crypto';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockServer } from '../../providers/mock-server.ts';
import { testKeyPair } from '../../providers/keys/test-keys.ts';

describe('shipped test keys', () => {
  it('are three distinct RSA-2048 private keys, each parsed once per process', () => {
    const names = ['mock-server-signing', 'taap-client', 'unregistered-client'] as const;
    const keys = names.map((n) => testKeyPair(n).privateKey);
    for (const k of keys) expect(k.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(keys[0]!.equals(keys[1]!) || keys[1]!.equals(keys[2]!) || keys[0]!.equals(keys[2]!)).toBe(false);
    expect(testKeyPair('taap-client')).toBe(testKeyPair('taap-client'));
  });

  it('a mock publishes the shipped signing key and registers the shipped TAAP client key', async () => {
    const mock = await startMockServer({ spec: loadSpec('tmobile-apis-v6').spec });
    try {
      const published = mock.credentials.jwks.keys[0] as { n?: string };
      const shipped = testKeyPair('mock-server-signing').publicKey.export({ format: 'jwk' });
      expect(published.n).toBe(shipped.n);
      expect(createPrivateKey(mock.credentials.popPrivateKeyPem!).equals(testKeyPair('taap-client').privateKey)).toBe(true);
    } finally {
      await mock.close();
    }
  });
});
