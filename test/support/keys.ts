/**
 * The shipped RSA-2048 test pairs (providers/keys) as extractable WebCrypto keys for tests that work with jose's
 * CryptoKeys: importing a JWK takes microseconds, generating an RSA-2048 pair ~0.2 s of CPU. TEST-ONLY keys.
 */
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { testKeyPair, type TestKeyName } from '../../providers/keys/test-keys.ts';

/** The named shipped pair as RS256 CryptoKeys (private for signing, public for verifying), both extractable. */
export async function shippedRs256Keys(name: TestKeyName): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  const pair = testKeyPair(name);
  return {
    privateKey: (await importJWK(pair.privateKey.export({ format: 'jwk' }) as JWK, 'RS256', { extractable: true })) as CryptoKey,
    publicKey: (await importJWK(pair.publicKey.export({ format: 'jwk' }) as JWK, 'RS256', { extractable: true })) as CryptoKey,
  };
}
