/**
 * Property-based fuzzing of the spec's endpoints (fast-check). Cases are generated from the spec and a seed, sent
 * concurrently over the keep-alive pool (on a live target: few cases, a request-rate cap and a request budget),
 * and each property is a named check whose failure shows the shrunk counterexample and how to replay it.
 *
 * - junk at the token endpoint (parameters missing, repeated, empty, oversized, unicode, control characters,
 *   percent tricks, odd content types) never gets a 5xx, a hang, or a non-JSON error;
 * - requests invalid in a known way never get a token and carry an allowed error code;
 * - the granted scope is within any requested list of catalogue values;
 * - the authorization endpoint redirects exactly to the URIs the spec's rule accepts;
 * - a mutated bearer token is rejected at the resource (the valid one accepted);
 * - a mutated or replayed TAAP PoP token is rejected (a fresh one accepted);
 * - a DPoP proof breaking one RFC 9449 §4.3 rule is rejected (a fresh one accepted), where the server binds tokens.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
import { dpopNotOffered } from '../src/checks/dpop.ts';
import fc from 'fast-check';
import { exportJWK, generateKeyPair } from 'jose';
import { defineSuite, Unavailable, type SuiteContext } from '../src/runner/suite.ts';
import * as F from '../src/checks/fuzz.ts';
import { bodyObject, isClientError } from '../src/checks/check.ts';
import { judgeRejection } from '../src/checks/rejection.ts';
import { judgeRefusedAtResource } from '../src/checks/resource.ts';
import { redirectGoesTo, redirectLocation } from '../src/checks/redirect-uri.ts';
import { FuzzBudget, runProperty, type PropertyOptions, type PropertyRun, type Verdict } from '../src/fuzz/property.ts';
import * as G from '../src/fuzz/cases.ts';
import { buildTokenRequest, defaultGrantParams, type BuiltRequest } from '../src/steps/build.ts';
import { attachTaap, authorizeRequest, callResource, challengeParams, endpointUrl, obtainToken, primaryGrant, sendBuilt, successParams, tokenRequest } from '../src/steps/requests.ts';
import { buildDpopProof, type DpopBuildOptions } from '../src/pop/dpop.ts';
import { redirectUriMatches } from '../providers/redirect-match.ts';
import type { HttpExchange } from '../src/http/types.ts';
import { resolveSpec } from '../src/spec/resolve.ts';

/** A per-property seed derived from the run's seed, so properties don't share their cases. */
function seedFor(seed: number, id: string): number {
  let h = seed | 0;
  for (const c of id) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

/**
 * Runs a property inside a check's body; the result is widened to what the fuzz checks judge (a run of any case
 * type). When it fails, the exchanges of the shrunk counterexample (collected while shrinking, which judges one case
 * at a time) become the check's evidence, instead of the last of the hundreds of concurrent requests.
 */
async function property<T>(t: SuiteContext, arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<Verdict>, o: PropertyOptions): Promise<PropertyRun<unknown>> {
  const capture = async (judge: () => Promise<Verdict>) => {
    const { value, exchanges } = await t.collect(judge);
    return { verdict: value, evidence: exchanges };
  };
  const run = await runProperty<T, HttpExchange[]>(arb, predicate, { ...o, capture });
  if (run.failure?.shrunkEvidence?.length) t.decidedBy(run.failure.shrunkEvidence);
  return run;
}

/** Why an answer to a malformed request is a server fault, if it is. */
function serverFault(ex: HttpExchange): Verdict {
  // A request the HTTP client itself refused to send says nothing about the server.
  if (ex.failure && /UND_ERR_INVALID_ARG|invalid .* header/i.test(ex.failure.message)) return undefined;
  if (ex.failure) return `no response (${ex.failure.code}: ${ex.failure.message})`;
  const status = ex.status!;
  if (status >= 500) return `HTTP ${status}`;
  if (status >= 400) {
    const b = bodyObject(ex);
    if (!b || typeof b.error !== 'string') return `HTTP ${status} with ${ex.json !== undefined ? 'a JSON body without an "error" string' : `a non-JSON body (Content-Type ${JSON.stringify(ex.headers['content-type'] ?? '')})`}`;
  }
  return undefined;
}

/** Signs (TAAP, where the spec requires it) and sends a built request. */
async function sendSigned(t: SuiteContext, req: BuiltRequest, signed = true): Promise<HttpExchange> {
  if (signed && t.spec.pop?.profile === 'taap' && t.target.popPrivateKey) await attachTaap(t, req);
  return sendBuilt(t, req);
}

export default defineSuite({
  name: 'fuzz',
  summary: 'Generated requests (fast-check, reproducible by seed): no 5xx or hang on junk, invalid requests rejected, scope within request, redirect decisions per rule, mutated tokens and PoPs rejected.',
  async run(t) {
    const { spec, settings } = t;
    // Paced only while requests reach the target: once the circuit to it is open, cases fail unsent at once.
    const budget = new FuzzBudget(settings.fuzzBudget, settings.maxRps, () => t.http.wouldSend?.(t.target.baseUrl) ?? true);
    const reproduce = `--seed ${settings.seed} --fuzz-runs ${settings.fuzzRuns}`;
    const opts = (id: string, requestsPerCase = 1) => ({ seed: seedFor(settings.seed, id), runs: settings.fuzzRuns, concurrency: settings.fuzzConcurrency, budget, requestsPerCase });
    const grant = primaryGrant(t);
    const publicClient = t.target.clientSecret === undefined;
    const bodyless = spec.request.encoding === 'empty';

    // ---- junk at the token endpoint ----
    const junk = fc.record({ grant: G.grantArbitrary(spec), mutations: fc.array(G.requestMutation, { minLength: 1, maxLength: 3 }) });
    await t.check(F.noServerError, { severity: 'MUST' }, async () => [
      await property(t, junk, async (c) => {
        const params = grant && grant !== 'authorization_code' ? defaultGrantParams(t, grant) : {};
        let req = buildTokenRequest(t, c.grant, { params });
        for (const m of c.mutations) req = G.mutateRequest(req, m);
        return serverFault(await sendSigned(t, req));
      }, opts(F.noServerError.id)),
      reproduce,
    ]);

    // ---- requests invalid in a known way ----
    const invalid = G.invalidCaseArbitrary(spec, publicClient);
    if (!grant || grant === 'authorization_code' || !invalid) {
      t.notApplicable(F.invalidRequestRejected, 'MUST', !invalid ? 'the spec\'s requests leave nothing to make invalid' : 'no grant obtains a token without a user at the token endpoint');
    } else {
      await t.check(F.invalidRequestRejected, { severity: 'MUST' }, async () => [
        await property(t, invalid, async (c) => {
          const params = defaultGrantParams(t, grant);
          const secret = t.target.clientSecret;
          let req =
            c.reason === 'wrong_secret' ? buildTokenRequest(t, grant, { params, auth: { id: t.target.clientId, secret: `${secret ?? ''}x` } })
            : c.reason === 'unknown_client' ? buildTokenRequest(t, grant, { params, auth: { id: `oauthgate-unknown-${t.target.clientId}`, ...(secret !== undefined ? { secret } : {}) } })
            : c.reason === 'missing_grant_type' ? buildTokenRequest(t, grant, { params, omitGrantType: true })
            : buildTokenRequest(t, c.grant ?? 'urn:oauthgate:made-up', { params });
          if (c.noise && !bodyless) req = G.mutateRequest(req, { kind: 'add', ...c.noise });
          const ex = await sendSigned(t, req);
          const o = judgeRejection(ex, spec, c.reason, `${c.reason.replace(/_/g, ' ')} request`);
          return o.status === 'failed' ? o.reason : undefined;
        }, opts(F.invalidRequestRejected.id)),
        reproduce,
      ]);
    }

    // ---- granted scope within the request ----
    const scopes = G.scopeListArbitrary(spec);
    const scopeGrant = grant === 'client_credentials' || grant === 'password' ? grant : undefined;
    if (!scopes || !scopeGrant || bodyless || spec.grants[scopeGrant]?.extraParams.scope !== undefined) {
      t.notApplicable(F.grantedScopeWithinRequest, 'SHOULD', !scopes ? 'the spec documents no scope values' : 'no grant of this spec sends a scope the harness can vary');
    } else {
      const d = spec.scope.delimiter;
      const required = spec.resource.requiredScope;
      await t.check(F.grantedScopeWithinRequest, { severity: 'SHOULD' }, async () => [
        await property(t, scopes, async (list) => {
          const ex = await sendSigned(t, buildTokenRequest(t, scopeGrant, { params: { ...defaultGrantParams(t, scopeGrant), scope: list.join(d) } }));
          const b = bodyObject(ex);
          if (ex.status !== 200 || typeof b?.access_token !== 'string') return undefined; // refused: nothing granted
          const granted = b.scope;
          if (typeof granted === 'string') {
            const extra = granted.split(d).filter((v) => v && !list.includes(v));
            return extra.length ? `requested ${JSON.stringify(list.join(d))}, granted ${JSON.stringify(granted)} (not requested: ${extra.join(', ')})` : undefined;
          }
          // No "scope" member: granted as requested (RFC 6749 §5.1), which the resource can confirm when it needs a
          // scope the request left out.
          if (!required || list.includes(required)) return undefined;
          t.redactor.add(b.access_token);
          const use = await callResource(t, b.access_token);
          return use.status !== undefined && use.status >= 200 && use.status < 300
            ? `requested ${JSON.stringify(list.join(d))} without "${required}", yet the token was accepted at the resource that requires "${required}" (HTTP ${use.status})`
            : undefined;
        }, opts(F.grantedScopeWithinRequest.id, required ? 2 : 1)),
        reproduce,
      ]);
    }

    // ---- redirect decisions ----
    const rule = spec.redirectUri;
    const responseType = spec.grants.authorization_code ? 'code' : spec.grants.implicit ? 'token' : undefined;
    if (!rule || !spec.endpoints.authorize || !responseType) t.notApplicable(F.redirectDecisionMatchesRule, 'MUST', 'the spec declares no authorization endpoint with a redirect-URI rule');
    else if (!t.target.autoConsent) t.notApplicable(F.redirectDecisionMatchesRule, 'MUST', 'the target does not declare autoConsent: without a user to consent nothing is redirected');
    else {
      const registered = t.target.redirectUri ?? rule.registered;
      /** Behaviours the spec documents (the others come from the oracle's safe reading, an assumption). */
      const documented = new Set(['registered', 'path extension', 'added query']);
      await t.check(F.redirectDecisionMatchesRule, { severity: 'MUST' }, async () => [
        await property(t, G.redirectCandidateArbitrary(registered), async (c) => {
          const ex = await authorizeRequest(t, { response_type: responseType, client_id: t.target.clientId, redirect_uri: c.uri, state: 'oauthgate-fuzz', ...challengeParams(t, responseType) });
          if (ex.failure || (ex.status ?? 0) >= 500) return serverFault(ex);
          const loc = redirectLocation(ex);
          const redirected = loc !== undefined && redirectGoesTo(loc, c.uri);
          const rulesAccept = redirectUriMatches(rule.rule, registered, c.uri);
          if (redirected && !rulesAccept) return `${c.how}: redirected to ${c.uri}, which the ${rule.rule} rule rejects`;
          if (!redirected && rulesAccept && documented.has(c.how)) return `${c.how}: refused ${c.uri}, which the ${rule.rule} rule accepts (HTTP ${ex.status})`;
          return undefined;
        }, opts(F.redirectDecisionMatchesRule.id)),
        reproduce,
      ]);
    }

    // ---- mutated bearer tokens ----
    const tok = await t.step('obtain a token to mutate', () => obtainToken(t));
    const invalidStatus = resolveSpec(spec).resource.invalidTokenStatus;
    await t.check(F.mutatedBearerRejected, { severity: 'MUST', needs: [tok] }, async (issued) => [
      await property(t, G.tokenMutation, async (m) => {
        const mutated = G.mutateToken(issued.accessToken, m);
        if (m.kind !== 'keep' && mutated === issued.accessToken) return undefined;
        t.redactor.add(mutated);
        const ex = await callResource(t, mutated);
        if (ex.failure) return `no response (${ex.failure.code})`;
        if (m.kind === 'keep') return ex.status! >= 200 && ex.status! < 300 ? undefined : `the valid token was refused: HTTP ${ex.status}`;
        const refused = judgeRefusedAtResource(ex, invalidStatus, `resource call with a token changed by "${m.kind}"`, 'token invalid', 'RFC 6750 §3.1');
        return refused.status === 'failed' ? refused.reason : undefined;
      }, opts(F.mutatedBearerRejected.id)),
      reproduce,
    ]);

    // ---- mutated and replayed TAAP PoP tokens ----
    if (spec.pop?.profile !== 'taap') t.notApplicable(F.mutatedPopRejected, 'MUST', 'the spec uses no TAAP PoP tokens');
    else {
      const keyed = await t.step('a TAAP key to sign with', async () => {
        if (!t.target.popPrivateKey) throw new Unavailable('the target has no popPrivateKey');
        if (!grant || grant === 'authorization_code') throw new Unavailable('no grant obtains a token without a user');
        return grant;
      });
      await t.check(F.mutatedPopRejected, { severity: 'MUST', needs: [keyed] }, async (g) => [
        await property(t, G.popMutation, async (m) => {
          const req = buildTokenRequest(t, g, { params: defaultGrantParams(t, g) });
          await attachTaap(t, req);
          const header = spec.pop!.header;
          if (m.kind === 'fresh') {
            const ex = await sendBuilt(t, req);
            return ex.status === 200 ? undefined : `a fresh valid PoP token was refused: HTTP ${ex.status ?? ex.failure?.code}`;
          }
          if (m.kind === 'replay') {
            const first = await sendBuilt(t, { ...req, headers: { ...req.headers } });
            if (first.status !== 200) return `a fresh valid PoP token was refused: HTTP ${first.status ?? first.failure?.code}`;
          } else req.headers[header] = G.flipJwsSegment(req.headers[header]!, m.segment, m.at, m.with);
          const ex = await sendBuilt(t, req);
          const rejected = isClientError(ex.status) && typeof bodyObject(ex)?.access_token !== 'string';
          return rejected ? undefined : `${m.kind === 'replay' ? 'a replayed' : `a PoP token changed in segment ${m.segment}`} PoP token got HTTP ${ex.status ?? ex.failure?.code}${bodyObject(ex)?.access_token ? ' with a token' : ''}`;
        }, opts(F.mutatedPopRejected.id, 2)),
        reproduce,
      ]);
    }

    // ---- mutated DPoP proofs ----
    await fuzzDpop(t, grant, opts(F.mutatedDpopRejected.id), reproduce);
  },
});

/**
 * DPoP proofs at the token endpoint, each breaking one RFC 9449 §4.3 rule (or a fresh valid one, the control).
 * Applies where the spec's PoP profile is DPoP and the server binds tokens: a `token_type` other than DPoP for a
 * valid proof means it does not (RFC 9449 §5), which the dpop suite judges; here that is not applicable.
 */
async function fuzzDpop(t: SuiteContext, grant: ReturnType<typeof primaryGrant>, o: PropertyOptions, reproduce: string): Promise<void> {
  const { spec } = t;
  if (spec.pop?.profile !== 'dpop') return void t.notApplicable(F.mutatedDpopRejected, 'MUST', 'the spec uses no DPoP proofs');
  const tokenUrl = endpointUrl(t, 'token');
  const method = spec.endpoints.token.method;
  const keys = await t.step('DPoP keys (the client\'s and a stranger\'s) and a bound token', async () => {
    const mine = await generateKeyPair('ES256', { extractable: true });
    const other = await generateKeyPair('ES256');
    const k = { privateKey: mine.privateKey, publicJwk: await exportJWK(mine.publicKey), otherKey: other.privateKey };
    const ex = await tokenRequest(t, grant, { params: await successParams(t, grant), headers: { DPoP: await proof(k, {}) } });
    if (ex.failure) throw new Error(`${ex.failure.code}: ${ex.failure.message}`);
    const type = bodyObject(ex)?.token_type;
    if (ex.status !== 200) throw new Error(`a valid DPoP proof got HTTP ${ex.status}, not a token (the dpop suite judges that)`);
    // Not bound: where the spec does not require DPoP, the dpop suite's reason (RFC 9449 §5); where it does, the dpop
    // suite owns the failure (dpop.token.token-type-dpop) and there is no proof validation to fuzz either way.
    const unbound = dpopNotOffered(ex, spec.pop!.required) ?? (typeof type !== 'string' || type.toLowerCase() !== 'dpop'
      ? `the server answered a valid proof with token_type ${JSON.stringify(type)}: it does not bind tokens with DPoP (RFC 9449 §5), so there is no proof validation to fuzz`
      : undefined);
    return { ...k, unbound };
  });
  if (keys.ok && keys.value.unbound) return void t.notApplicable(F.mutatedDpopRejected, 'MUST', keys.value.unbound);
  type Keys = { privateKey: CryptoKey; publicJwk: JsonWebKey; otherKey: CryptoKey };
  async function proof(k: Keys, over: Partial<DpopBuildOptions>): Promise<string> {
    const p = await buildDpopProof({ privateKey: k.privateKey, publicJwk: k.publicJwk as DpopBuildOptions['publicJwk'], htm: method, htu: tokenUrl, iat: t.target.now(), ...over });
    t.redactor.add(p);
    return p;
  }
  const DAY = 86_400;
  await t.check(F.mutatedDpopRejected, { severity: 'MUST', needs: [keys] }, async (k) => [
    await property(t, G.dpopMutation, async (m) => {
      let p: string;
      if (m.kind === 'fresh') p = await proof(k, {});
      else if (m.kind === 'flip') p = G.flipJwsSegment(await proof(k, {}), m.segment, m.at, m.with);
      else {
        const r = m.rule;
        p = await proof(k,
          r === 'htm' ? { htm: G.otherMethod(method) }
          : r === 'htu-path' || r === 'htu-scheme' || r === 'htu-port' ? { htu: G.mutatedHtu(tokenUrl, r) }
          : r === 'iat-past' ? { iat: t.target.now() - DAY }
          : r === 'iat-future' ? { iat: t.target.now() + DAY }
          : r === 'no-jti' ? { mutate: { claims: { jti: undefined } } }
          : r === 'typ' ? { mutate: { header: { typ: 'jwt' } } }
          : r === 'alg-none' ? { sign: 'none' }
          : { privateKey: k.otherKey });
      }
      t.redactor.add(p);
      const ex = await tokenRequest(t, grant, { params: await successParams(t, grant), headers: { DPoP: p } });
      if (ex.failure) return `no response (${ex.failure.code})`;
      const token = typeof bodyObject(ex)?.access_token === 'string';
      if (m.kind === 'fresh') return ex.status === 200 && token ? undefined : `a fresh valid DPoP proof was refused: HTTP ${ex.status}`;
      const what = m.kind === 'flip' ? `a proof changed in segment ${m.segment}` : `a proof breaking "${m.rule}"`;
      return isClientError(ex.status) && !token ? undefined : `${what} got HTTP ${ex.status}${token ? ' with a token' : ''}`;
    }, o),
    reproduce,
  ]);
}
