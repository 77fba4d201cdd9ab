/**
 * DPoP sender-constrained tokens (RFC 9449).
 *
 * Request a token with a valid ES256 proof: it must come back as token_type DPoP, bound to the proof's key (cnf.jkt
 * in a JWT access token; for an opaque token, the resource refuses it as a Bearer token and with another key's
 * proof). The resource serves it with a valid proof and refuses proofs without the right `ath`. Then the token
 * endpoint is sent otherwise valid requests whose proof breaks one RFC 9449 §4.3 rule each: wrong htm, wrong htu,
 * stale iat, future iat, reused jti, alg "none", a private key in the jwk header. Times come from `target.now()`.
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { defineSuite, passed, type SuiteContext } from '../src/runner/suite.ts';
import { CheckAbort, skipped } from '../src/checks/check.ts';
import * as D from '../src/checks/dpop.ts';
import { accessTokenHash, buildDpopProof, jwkThumbprintOf, type DpopBuildOptions } from '../src/pop/dpop.ts';
import { callResource, endpointUrl, grantParams, primaryGrant, tokenRequest } from '../src/steps/requests.ts';
import type { HttpExchange } from '../src/http/types.ts';

/** An ES256 key pair for proofs, with its public JWK, private JWK and thumbprint. */
interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
  jkt: string;
}

export default defineSuite({
  name: 'dpop',
  summary: 'RFC 9449 DPoP: bound tokens issued and honoured; proofs breaking one validation rule each are refused.',
  appliesTo: (spec) => (spec.pop?.profile === 'dpop' ? true : `the spec's PoP profile is ${spec.pop ? `"${spec.pop.profile}"` : 'absent'}; this suite checks DPoP (spec.pop.profile "dpop")`),
  async run(t) {
    const { spec } = t;
    const pop = spec.pop!;
    const grant = primaryGrant(t);
    const params = grant ? grantParams(t, grant) : {};
    const tokenUrl = endpointUrl(t, 'token');
    const resourceUrl = endpointUrl(t, 'resource');
    // Far enough outside the spec's whole window that RFC 9449 §11.1's allowance ("a few seconds or minutes") is not at stake.
    const beyondWindow = pop.maxLifetimeSeconds + pop.clockSkewSeconds + 60;

    const keys = await t.step('generate two ES256 DPoP keys (the client\'s and a stranger\'s)', async () => ({ mine: await dpopKey(), other: await dpopKey() }));
    const key = () => (keys.ok ? keys.value : (undefined as never));
    /** A proof for the token endpoint by the client's key, valid unless `o` says otherwise. */
    const tokenProof = async (o: Partial<DpopBuildOptions> = {}) =>
      registered(t, await buildDpopProof({ privateKey: key().mine.privateKey, publicJwk: key().mine.publicJwk, htm: spec.endpoints.token.method, htu: tokenUrl, iat: t.target.now(), ...o }));
    const requestWith = (proof: string) => tokenRequest(t, grant, { params, headers: { DPoP: proof } });

    // ---- a valid proof ----
    const valid = await t.step('request a token with a valid DPoP proof', async () => delivered(requestWith(await tokenProof())));
    const issued = passed(await t.judge(D.dpopValidProofAccepted, { severity: 'MUST', needs: [keys, valid] }, () => D.checkDpopValidProofAccepted(valid.ok ? valid.value : (undefined as never))));
    const needs = [keys, issued];
    const accessToken = () => String((valid.ok ? (valid.value.json as Record<string, unknown>) : {}).access_token);
    /** A proof for the resource, bound to the access token (`ath`), valid unless `o` says otherwise. */
    const resourceProof = async (signer: DpopKey, o: Partial<DpopBuildOptions> = {}) =>
      registered(t, await buildDpopProof({ privateKey: signer.privateKey, publicJwk: signer.publicJwk, htm: spec.resource.method, htu: resourceUrl, accessToken: accessToken(), iat: t.target.now(), ...o }));
    const callWith = (proof: string) => callResource(t, accessToken(), { scheme: 'DPoP', headers: { DPoP: proof } });

    await t.judge(D.dpopTokenTypeIsDpop, { severity: 'MUST', needs }, () => D.checkTokenTypeIsDpop(valid.ok ? valid.value : (undefined as never)));
    await t.judge(D.dpopTokenBoundToKey, { severity: 'MUST', needs }, async () => {
      const claims = D.jwtClaimsOf(accessToken());
      if (claims) return D.checkJwtBoundToKey(claims, key().mine.jkt);
      const bearer = await callResource(t, accessToken());
      const stranger = await callWith(await resourceProof(key().other));
      return D.checkOpaqueTokenBoundToKey(bearer, stranger);
    });

    // ---- the resource ----
    const served = passed(await t.judge(D.dpopResourceProofAccepted, { severity: 'MUST', needs }, async () =>
      D.checkResourceProofAccepted(await callWith(await resourceProof(key().mine)))));
    const resourceRefuses = (r: D.DpopRejection, proof: () => Promise<string>) =>
      t.judge(r, { severity: 'MUST', needs: [...needs, served] }, async () => D.checkResourceProofRejected(await callWith(await proof()), r));
    await resourceRefuses(D.dpopResourceMissingAthRejected, () => resourceProof(key().mine, { accessToken: undefined }));
    await resourceRefuses(D.dpopResourceWrongAthRejected, () => resourceProof(key().mine, { mutate: { claims: { ath: accessTokenHash(`${accessToken()}-other`) } } }));

    // ---- defective proofs at the token endpoint ----
    const refuses = (r: D.DpopRejection, exchange: () => Promise<HttpExchange>) =>
      t.judge(r, { severity: 'MUST', needs }, async () => D.checkDpopProofRejected(await exchange(), r));
    await refuses(D.dpopWrongHtmRejected, async () => requestWith(await tokenProof({ htm: spec.endpoints.token.method === 'GET' ? 'POST' : 'GET' })));
    await refuses(D.dpopWrongHtuRejected, async () => requestWith(await tokenProof({ htu: new URL('/oauthgate-wrong-htu', tokenUrl).href })));
    await refuses(D.dpopStaleIatRejected, async () => requestWith(await tokenProof({ iat: t.target.now() - beyondWindow })));
    await refuses(D.dpopFutureIatRejected, async () => requestWith(await tokenProof({ iat: t.target.now() + beyondWindow })));
    await refuses(D.dpopReusedJtiRejected, async () => {
      const proof = await tokenProof();
      const first = await requestWith(proof);
      const verdict = D.checkDpopValidProofAccepted(first);
      if (verdict.status === 'failed') throw new CheckAbort(skipped(`the first use of the proof was not served, so a reuse proves nothing: ${verdict.reason}`));
      return requestWith(proof);
    });
    await refuses(D.dpopAlgNoneRejected, async () => requestWith(await tokenProof({ sign: 'none' })));
    await refuses(D.dpopPrivateJwkRejected, async () => requestWith(await tokenProof({ mutate: { header: { jwk: key().mine.privateJwk } } })));
  },
});

// ---------- helpers ----------

/** A fresh extractable ES256 key pair with its JWKs and RFC 7638 thumbprint. */
async function dpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, privateJwk: await exportJWK(privateKey), jkt: await jwkThumbprintOf(publicJwk) };
}

/** Registers a proof with the redactor (proofs never appear in reports) and returns it. */
function registered(t: SuiteContext, proof: string): string {
  t.redactor.add(proof);
  return proof;
}

/** A step value: the exchange, unless nothing came back (then the step fails with the transport reason). */
async function delivered(ex: Promise<HttpExchange>): Promise<HttpExchange> {
  const e = await ex;
  if (e.failure) throw new Error(`${e.failure.code}: ${e.failure.message}`);
  return e;
}

