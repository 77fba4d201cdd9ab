/**
 * Fixed RSA test keys shipped with the project, so a mock or a run never spends ~170 ms of CPU per key generating
 * RSA-2048 pairs (issue 10). TEST-ONLY: the private halves are public in this repository. They sign only what the
 * bundled mock servers issue or what the harness sends to a mock; nothing sent to a live target is ever signed with
 * them (see `unregisteredKey` in suites/pop.ts, which generates its own key for a live target).
 *
 * Each JSON file holds `{ "//": warning, purpose, jwk }`; the JWK is an RFC 7517 private RSA key.
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-6.3
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import mockServerSigning from './mock-server-signing.json' with { type: 'json' };
import taapClient from './taap-client.json' with { type: 'json' };
import unregisteredClient from './unregistered-client.json' with { type: 'json' };

/** Names of the shipped test keys. */
export type TestKeyName = 'mock-server-signing' | 'taap-client' | 'unregistered-client';

const DOCS: Record<TestKeyName, { jwk: Record<string, string> }> = {
  'mock-server-signing': mockServerSigning,
  'taap-client': taapClient,
  'unregistered-client': unregisteredClient,
};

/** A test key pair as node:crypto key objects (jose accepts them and caches its own import per key object). */
export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const loaded = new Map<TestKeyName, TestKeyPair>();

/**
 * The named test key pair, parsed once per process (parsing a JWK is microseconds; nothing is generated).
 * TEST-ONLY: never sign anything for a live target with it.
 * @see https://www.rfc-editor.org/rfc/rfc7517
 */
export function testKeyPair(name: TestKeyName): TestKeyPair {
  let pair = loaded.get(name);
  if (!pair) {
    const privateKey = createPrivateKey({ key: DOCS[name].jwk, format: 'jwk' });
    pair = { privateKey, publicKey: createPublicKey(privateKey) };
    loaded.set(name, pair);
  }
  return pair;
}
