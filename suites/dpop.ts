/**
 * DPoP sender-constrained tokens (RFC 9449).
 *
 * Request a token with a valid ES256 proof: it must come back as token_type DPoP, bound to the proof's key (cnf.jkt
 * in a JWT access token; for an opaque token, the resource refuses it as a Bearer token and with another key's
 * proof). The resource serves it with a valid proof and refuses proofs without the right `ath`. Then the token
 * endpoint is sent otherwise valid requests whose proof breaks one RFC 9449 §4.3 rule each: wrong htm, wrong htu,
 * stale iat, future iat, reused jti, alg "none", a private key in the jwk header. Times come from `target.now()`.
 *
 * A server that answers the valid proof with a Bearer token did not bind it (RFC 9449 §5 allows that): where the
 * spec does not require DPoP (`pop.required` false) every check is not applicable with that reason; where it does,
 * dpop.token.token-type-dpop fails once and every later check is skipped behind it.
 * @see https://www.rfc-editor.org/rfc/rfc9449
 */
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { defineSuite, passed, type SuiteContext } from '../src/runner/suite.ts';
import { bodyObject, CheckAbort, skipped } from '../src/checks/check.ts';
import * as D from '../src/checks/dpop.ts';
import { accessTokenHash, buildDpopProof, jwkThumbprintOf, type DpopBuildOptions } from '../src/pop/dpop.ts';
import { callResource, endpointUrl, primaryGrant, successParams, tokenRequest } from '../src/steps/requests.ts';
import type { HttpExchange } from '../src/http/types.ts';

/** An ES256 key pair for proofs, with its public JWK, private JWK and thumbprint. */
interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
  jkt: string;
}

/** The client's proof key and a stranger's. */
interface DpopKeys {
  mine: DpopKey;
  other: DpopKey;
}

export default defineSuite({
  name: 'dpop',
  summary: 'RFC 9449 DPoP: bound tokens issued and honoured; proofs breaking one validation rule each are refused.',
  appliesTo: (spec) => (spec.pop?.profile === 'dpop' ? true : `the spec's PoP profile is ${spec.pop ? `"${spec.pop.profile}"` : 'absent'}; this suite checks DPoP (spec.pop.profile "dpop")`),
  async run(t) {
    const { spec } = t;
    const pop = spec.pop!;
    const grant = primaryGrant(t);
    const tokenUrl = endpointUrl(t, 'token');
    const resourceUrl = endpointUrl(t, 'resource');
    // Far enough outside the spec's whole window that RFC 9449 §11.1's allowance ("a few seconds or minutes") is not at stake.
    const beyondWindow = pop.maxLifetimeSeconds + pop.clockSkewSeconds + 60;

    const keys = await t.step('generate two ES256 DPoP keys (the client\'s and a stranger\'s)', async () => ({ mine: await dpopKey(), other: await dpopKey() }));
    /** A proof for the token endpoint by the client's key, valid unless `o` says otherwise. */
    const tokenProof = async (k: DpopKeys, o: Partial<DpopBuildOptions> = {}) =>
      registered(t, await buildDpopProof({ privateKey: k.mine.privateKey, publicJwk: k.mine.publicJwk, htm: spec.endpoints.token.method, htu: tokenUrl, iat: t.target.now(), ...o }));
    const requestWith = async (proof: string) => tokenRequest(t, grant, { params: await successParams(t, grant), headers: { DPoP: proof } });

    // ---- a valid proof ----
    const valid = await t.step('request a token with a valid DPoP proof', async () => {
      if (!keys.ok) throw new Error(`prerequisite "${keys.name}" failed: ${keys.reason}`);
      return delivered(requestWith(await tokenProof(keys.value)));
    });
    const notOffered = valid.ok ? D.dpopNotOffered(valid.value, pop.required) : undefined;
    if (notOffered) {
      for (const check of D.DPOP_CHECKS) t.notApplicable(check, 'MUST', notOffered);
      return;
    }
    const issued = passed(await t.check(D.dpopValidProofAccepted, { severity: 'MUST', needs: [keys, valid] }, (_k, ex) => [ex]));
    // The one owner of "the server binds the token": every later check means nothing without a DPoP-bound token.
    const bound = passed(await t.check(D.dpopTokenTypeIsDpop, { severity: 'MUST', needs: [keys, valid, issued] }, (_k, ex) => [ex]));
    /** What every later check needs: the keys, the answer with the issued token, that it was issued and bound. */
    const needs = [keys, valid, issued, bound] as const;
    /** A proof for the resource, bound to `accessToken` (`ath`), valid unless `o` says otherwise. */
    const resourceProof = async (signer: DpopKey, accessToken: string, o: Partial<DpopBuildOptions> = {}) =>
      registered(t, await buildDpopProof({ privateKey: signer.privateKey, publicJwk: signer.publicJwk, htm: spec.resource.method, htu: resourceUrl, accessToken, iat: t.target.now(), ...o }));
    const callWith = (accessToken: string, proof: string) => callResource(t, accessToken, { scheme: 'DPoP', headers: { DPoP: proof } });

    await t.check(D.dpopTokenBoundToKey, { severity: 'MUST', needs }, async (k, ex) => [await bindingEvidence(k, accessTokenOf(ex))]);
    /** A JWT access token shows its binding in its claims; an opaque one only through refusals at the resource. */
    async function bindingEvidence(k: DpopKeys, accessToken: string): Promise<D.KeyBindingEvidence> {
      const claims = D.jwtClaimsOf(accessToken);
      if (claims) return { kind: 'jwt', claims, jkt: k.mine.jkt };
      const bearerUse = await callResource(t, accessToken);
      const otherKeyUse = await callWith(accessToken, await resourceProof(k.other, accessToken));
      return { kind: 'opaque', bearerUse, otherKeyUse };
    }

    // ---- the resource ----
    const served = passed(await t.check(D.dpopResourceProofAccepted, { severity: 'MUST', needs }, async (k, ex) => {
      const at = accessTokenOf(ex);
      return [await callWith(at, await resourceProof(k.mine, at))];
    }));
    /** Calls the resource with the proof `proof` makes for the access token, and checks that it is refused. */
    const resourceRefuses = (r: D.DpopRejection, proof: (k: DpopKeys, accessToken: string) => Promise<string>) =>
      t.check(r, { severity: 'MUST', needs: [...needs, served] }, async (k, ex) => {
        const at = accessTokenOf(ex);
        return [await callWith(at, await proof(k, at))];
      });
    await resourceRefuses(D.dpopResourceMissingAthRejected, (k, at) => resourceProof(k.mine, at, { accessToken: undefined }));
    await resourceRefuses(D.dpopResourceWrongAthRejected, (k, at) => resourceProof(k.mine, at, { mutate: { claims: { ath: accessTokenHash(`${at}-other`) } } }));

    // ---- defective proofs at the token endpoint ----
    /** Sends the token request `exchange` makes with the keys, and checks that it is refused. */
    const refuses = (r: D.DpopRejection, exchange: (k: DpopKeys) => Promise<HttpExchange>) =>
      t.check(r, { severity: 'MUST', needs }, async (k) => [await exchange(k)]);
    await refuses(D.dpopWrongHtmRejected, async (k) => requestWith(await tokenProof(k, { htm: spec.endpoints.token.method === 'GET' ? 'POST' : 'GET' })));
    await refuses(D.dpopWrongHtuRejected, async (k) => requestWith(await tokenProof(k, { htu: new URL('/oauthgate-wrong-htu', tokenUrl).href })));
    await refuses(D.dpopStaleIatRejected, async (k) => requestWith(await tokenProof(k, { iat: t.target.now() - beyondWindow })));
    await refuses(D.dpopFutureIatRejected, async (k) => requestWith(await tokenProof(k, { iat: t.target.now() + beyondWindow })));
    await refuses(D.dpopReusedJtiRejected, async (k) => {
      const proof = await tokenProof(k);
      const first = await requestWith(proof);
      const verdict = D.dpopValidProofAccepted.evaluate(first);
      if (verdict.status === 'failed') throw new CheckAbort(skipped(`the first use of the proof was not served, so a reuse proves nothing: ${verdict.reason}`));
      return requestWith(proof);
    });
    await refuses(D.dpopAlgNoneRejected, async (k) => requestWith(await tokenProof(k, { sign: 'none' })));
    await refuses(D.dpopPrivateJwkRejected, async (k) => requestWith(await tokenProof(k, { mutate: { header: { jwk: k.mine.privateJwk } } })));
  },
});

// ---------- helpers ----------

/** A fresh extractable ES256 key pair with its JWKs and RFC 7638 thumbprint. */
async function dpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, privateJwk: await exportJWK(privateKey), jkt: await jwkThumbprintOf(publicJwk) };
}

/** The access token in a token response (the valid-proof check has passed, so there is one). */
function accessTokenOf(ex: HttpExchange): string {
  return String(bodyObject(ex)?.access_token);
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

