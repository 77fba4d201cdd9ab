/**
 * PoP throughput against its limit (issue 10): the harness's TAAP and DPoP verifiers and the TAAP builder next to
 * jose doing the bare cryptographic part on the same key and tokens, one at a time:
 * - TAAP verify (key imported once, as the mock passes it) / jose `jwtVerify` with the imported key;
 * - DPoP verify / jose `compactVerify` with `EmbeddedJWK` (the proof carries its key);
 * - TAAP build / jose `SignJWT` with the same claims.
 */
import { compactVerify, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { buildTaapPop, verifyTaapPop, ReplayCache, type PopRequest } from '../../src/pop/taap.ts';
import { buildDpopProof, verifyDpopProof } from '../../src/pop/dpop.ts';
import { testKeyPair } from '../../providers/keys/test-keys.ts';

export interface Ratio {
  name: string;
  harnessPerSec: number;
  baselinePerSec: number;
  ratio: number;
  target: number;
}

/**
 * Both sides measured in alternating blocks of 100 operations (harness, baseline, harness, ...), so a neighbour's
 * load on this shared machine falls on both alike; each side's rate is its operations over its summed time.
 */
async function paired(n: number, harness: (i: number) => Promise<unknown>, baseline: (i: number) => Promise<unknown>): Promise<[number, number]> {
  for (let i = 0; i < 50; i++) {
    await harness(i);
    await baseline(i);
  }
  let th = 0;
  let tb = 0;
  for (let start = 0; start < n; start += 100) {
    const end = Math.min(n, start + 100);
    let t0 = performance.now();
    for (let i = start; i < end; i++) await harness(i);
    th += performance.now() - t0;
    t0 = performance.now();
    for (let i = start; i < end; i++) await baseline(i);
    tb += performance.now() - t0;
  }
  return [(n / th) * 1000, (n / tb) * 1000];
}

export const ratio = (name: string, harness: number, baseline: number, target: number): Ratio => ({ name, harnessPerSec: Math.round(harness), baselinePerSec: Math.round(baseline), ratio: Math.round((harness / baseline) * 100) / 100, target });

export async function popRatios(n = 1500): Promise<Ratio[]> {
  const { publicKey, privateKey } = testKeyPair('taap-client');
  const request: PopRequest = { method: 'POST', uri: '/oauth2/v2/tokens', headers: { Authorization: 'Basic abc', 'Content-Type': 'application/json' }, body: '' };
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < n + 50; i++) tokens.push(await buildTaapPop({ privateKey, request, lifetimeSeconds: 60, now }));
  const replayCache = new ReplayCache();
  const [taapVerify, joseVerify] = await paired(n,
    (i) => verifyTaapPop(tokens[i]!, { publicKey, request, requiredParts: [], maxLifetimeSeconds: 120, now, replayCache }),
    (i) => jwtVerify(tokens[i]!, publicKey, { algorithms: ['RS256'] }));

  const ec = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(ec.publicKey);
  const htu = 'https://as.example/token';
  const proofs = await Promise.all(Array.from({ length: n + 50 }, () => buildDpopProof({ privateKey: ec.privateKey, publicJwk, htm: 'POST', htu, iat: now })));
  const [dpopVerify, joseDpop] = await paired(n,
    (i) => verifyDpopProof(proofs[i]!, { htm: 'POST', htu, now }),
    (i) => compactVerify(proofs[i]!, EmbeddedJWK, { algorithms: ['ES256'] }));

  const [taapBuild, joseBuild] = await paired(n,
    () => buildTaapPop({ privateKey, request, lifetimeSeconds: 60, now }),
    () => new SignJWT({ iat: now, exp: now + 60, jti: crypto.randomUUID(), v: '1', ehts: 'a', edts: 'b' }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey));
  return [
    ratio('TAAP verify (key imported once) / jose jwtVerify', taapVerify, joseVerify, 0.9),
    ratio('DPoP verify / jose compactVerify + EmbeddedJWK', dpopVerify, joseDpop, 0.9),
    ratio('TAAP build / jose SignJWT', taapBuild, joseBuild, 0.95),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await popRatios());
