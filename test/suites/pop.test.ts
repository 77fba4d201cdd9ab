/**
 * The TAAP suite's own helpers: the "unregistered key" is made asynchronously, once per process (issue 10 item 1:
 * nothing on a run's path blocks the event loop).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unregisteredKey } from '../../suites/pop.ts';

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe('unregisteredKey', () => {
  it('is a promise of a 2048-bit RSA private key, the same one on every call', async () => {
    const first = unregisteredKey();
    expect(first).toBeInstanceOf(Promise);
    expect(unregisteredKey()).toBe(first);
    const key = await first;
    expect(key.type).toBe('private');
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(await unregisteredKey()).toBe(key);
  });

  it('regression: no code on a run\'s path generates keys synchronously (generateKeyPairSync stalls the event loop)', () => {
    const offenders = ['src', 'suites', 'providers'].flatMap(sources).filter((f) => /\bgenerateKey(Pair)?Sync\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
