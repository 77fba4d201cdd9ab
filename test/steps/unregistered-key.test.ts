/**
 * The "unregistered key" (src/steps/forged-tokens.ts; the TAAP suite's stranger and the RS256 re-signed copy's key)
 * is a shipped test key for a mock and is made asynchronously, once per process, for a live target (issue 10 item 1:
 * nothing on a run's path blocks the event loop or generates keys for a mock).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unregisteredKey } from '../../src/steps/forged-tokens.ts';
import { testKeyPair } from '../../providers/keys/test-keys.ts';

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe('unregisteredKey', () => {
  it('for a live target: a promise of a generated 2048-bit RSA private key, the same one on every call, never a shipped test key', async () => {
    const first = unregisteredKey(true);
    expect(first).toBeInstanceOf(Promise);
    expect(unregisteredKey(true)).toBe(first);
    const key = await first;
    expect(key.type).toBe('private');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(await unregisteredKey(true)).toBe(key);
    const shipped = (['mock-server-signing', 'taap-client', 'unregistered-client'] as const).map((n) => testKeyPair(n).privateKey);
    expect(shipped.some((k) => k.equals(key))).toBe(false);
  });

  it('for a mock: the shipped unregistered-client test key (nothing generated), which is not the key the mock registers', async () => {
    const key = await unregisteredKey(false);
    expect(key).toBe(testKeyPair('unregistered-client').privateKey);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(key.equals(testKeyPair('taap-client').privateKey)).toBe(false);
  });

  it('regression: no code on a run\'s path generates keys synchronously (generateKeyPairSync stalls the event loop)', () => {
    const offenders = ['src', 'suites', 'providers'].flatMap(sources).filter((f) => /\bgenerateKey(Pair)?Sync\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
