/**
 * PoP throughput against its limit (issue 10): the harness's TAAP verifier and builder next to jose doing the bare
 * cryptographic part (jwtVerify with an imported key; SignJWT), on the same key, one at a time.
 */
import { generateKeyPair, exportSPKI, jwtVerify, SignJWT } from 'jose';
import { buildTaapPop, verifyTaapPop, type PopRequest } from '../../src/pop/taap.ts';

export interface Ratio {
  name: string;
  harnessPerSec: number;
  baselinePerSec: number;
  ratio: number;
}

async function rate(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(i); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return (n / (performance.now() - t0)) * 1000;
}

const ratio = (name: string, harness: number, baseline: number): Ratio => ({ name, harnessPerSec: Math.round(harness), baselinePerSec: Math.round(baseline), ratio: Math.round((harness / baseline) * 100) / 100 });

export async function popRatios(n = 1500): Promise<Ratio[]> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const pem = await exportSPKI(publicKey);
  const request: PopRequest = { method: 'POST', uri: '/oauth2/v2/tokens', headers: { Authorization: 'Basic abc', 'Content-Type': 'application/json' }, body: '' };
  const now = Math.floor(Date.now() / 1000);
  const tokens = await Promise.all(Array.from({ length: n + 50 }, () => buildTaapPop({ privateKey, request, lifetimeSeconds: 60, now })));
  const verifyHarness = await rate(n, (i) => verifyTaapPop(tokens[i]!, { publicKey: pem, request, requiredParts: [], maxLifetimeSeconds: 120, now }));
  const verifyJose = await rate(n, (i) => jwtVerify(tokens[i]!, publicKey, { algorithms: ['RS256'] }));
  const buildHarness = await rate(n, () => buildTaapPop({ privateKey, request, lifetimeSeconds: 60, now }));
  const buildJose = await rate(n, () => new SignJWT({ iat: now, exp: now + 60, jti: 'x', v: '1', ehts: 'a', edts: 'b' }).setProtectedHeader({ alg: 'RS256', typ: 'JWT' }).sign(privateKey));
  return [ratio('TAAP verify (PEM key given each time) / jose jwtVerify', verifyHarness, verifyJose), ratio('TAAP build / jose SignJWT', buildHarness, buildJose)];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await popRatios());
