/**
 * T-Mobile TAAP Proof-of-Possession (the `X-Authorization` PoP token).
 *
 * A token request signed as the spec says must be served; then the same, otherwise valid request (correct Basic
 * auth, body and headers) is sent with a PoP token that is wrong in exactly one way, and each must be refused:
 * no token, expired, issued in the future, living too long, replayed, signed over another URI, method or header
 * value, made for the other hop (the resource path; 002 line 41: "the PoP Token only works for one hop"), lacking
 * each required ehts part in turn (one probe per part), signed by an unregistered key, alg "none", HS256 keyed
 * with the public key, malformed, an edts differing only in letter case, and a request re-split across two signed
 * parts. The changed-body probe sends an equivalent body the server accepts, with a PoP token signed over the body
 * as first built, and a control (the same body, correctly signed) that must be served, so a refusal proves the
 * body binding. Where the spec puts PoP on resource calls too, the resource gets the same treatment, plus a PoP
 * made for the token endpoint and one made for the resource path without its query (with a control). Times come from the
 * target's clock (`target.now()`), so they move with a mock's clock.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { base64url } from 'jose';
import { defineSuite, SuiteContext, type Prereq, passed, Unavailable } from '../src/runner/suite.ts';
import { CheckAbort, notApplicable, skipped } from '../src/checks/check.ts';
import * as P from '../src/checks/pop.ts';
import { decodeTaapPop, forgeTaapPop, type PopRequest, type TaapForgeOptions } from '../src/pop/taap.ts';
import { unregisteredKey } from '../src/steps/forged-tokens.ts';
import { callResource, endpointUrl, grantParams, obtainToken, primaryGrant, send, tokenRequest } from '../src/steps/requests.ts';
import type { HttpClient } from '../src/http/client.ts';
import type { HttpExchange, HttpRequest } from '../src/http/types.ts';

export default defineSuite({
  name: 'pop',
  summary: 'TAAP PoP tokens: a valid one is served; each defective one is refused, at the token endpoint and at the resource.',
  appliesTo: (spec) => (spec.pop?.profile === 'taap' ? true : `the spec's PoP profile is ${spec.pop ? `"${spec.pop.profile}"` : 'absent'}; this suite checks TAAP PoP tokens (spec.pop.profile "taap")`),
  async run(t) {
    const pop = t.spec.pop!;
    const grant = primaryGrant(t);
    const params = grant ? grantParams(t, grant) : {};
    const L = pop.maxLifetimeSeconds;
    const skew = pop.clockSkewSeconds;
    // Started now, awaited by the one probe that needs it: generation overlaps the requests before it.
    const stranger = unregisteredKey(t.target.kind === 'live');

    // ---- token endpoint ----
    const valid = await t.step('send a token request with a valid PoP token', () => delivered(tokenRequest(t, grant, { params })));
    const accepted = passed(await t.check(P.validPopAccepted, { severity: 'MUST', needs: [valid] }, (ex) => [ex]));
    const genuine = () => unsent(t, (dry) => tokenRequest(dry, grant, { params, omitPop: true }));
    /** Sends the defective request(s) `probe` makes, and checks that each is refused. */
    const refuses = (r: P.PopRejection, probe: () => Promise<P.PopProbes>) =>
      t.check(r, { severity: 'MUST', needs: [accepted] }, async () => [await probe()]);
    const withForged = async (opts: Partial<TaapForgeOptions> = {}) => {
      const req = await genuine();
      return sendWithPop(t, req, await forge(t, req, opts));
    };

    if (pop.required) await refuses(P.popMissingRejected, async () => send(t, await genuine()));
    else t.notApplicable(P.popMissingRejected, 'MUST', 'the spec makes PoP tokens optional (spec.pop.required is false)');
    await refuses(P.popExpiredRejected, () => withForged({ now: t.target.now() - L - skew - 60 }));
    await refuses(P.popFutureIatRejected, () => withForged({ now: t.target.now() + L + skew + 60 }));
    // Ten times the maximum: clearly over it, and clear of T-Mobile's own example token (120 s for a documented 60 s).
    await refuses(P.popLifetimeTooLongRejected, () => withForged({ lifetimeSeconds: L * 10 }));
    await refuses(P.popReplayRejected, async () => {
      const req = await genuine();
      const once = await forge(t, req);
      const first = await sendWithPop(t, req, once);
      if (first.status !== 200) return abortSkipped(`the first use of the PoP token was not served (HTTP ${first.status ?? first.failure?.code}), so a replay proves nothing`);
      return sendWithPop(t, req, once);
    });
    await t.check(P.popBodyChangedRejected, { severity: 'MUST', needs: [accepted] }, () => bodyChangedProbe(t, genuine));
    await refuses(P.popUriChangedRejected, () => signedOver(t, genuine, (r) => ({ ...r, uri: `${r.uri}${r.uri.includes('?') ? '&' : '?'}oauthgate=changed` })));
    // One hop (002 line 41): only the uri differs from the genuine request, so a refusal proves the hop is bound.
    await refuses(P.popOtherHopRejected, () => signedOver(t, genuine, (r) => ({ ...r, uri: requestTarget(endpointUrl(t, 'resource')) })));
    await refuses(P.popMethodChangedRejected, () => signedOver(t, genuine, (r) => ({ ...r, method: r.method === 'PUT' ? 'POST' : 'PUT' })));
    await refuses(P.popHeaderChangedRejected, () => signedOver(t, genuine, (r, parts) => {
      const names = parts ?? Object.keys(r.headers);
      const header = names.find((p) => p.toLowerCase() === 'authorization') ?? names.find((p) => !['uri', 'http-method', 'body'].includes(p));
      if (!header) return abortNa('no request header is signed');
      const key = Object.keys(r.headers).find((k) => k.toLowerCase() === header.toLowerCase())!;
      return { ...r, headers: { ...r.headers, [key]: `${r.headers[key]}x` } };
    }));
    if (pop.requiredParts.length) {
      await refuses(P.popRequiredPartMissingRejected, async () => {
        const req = await genuine();
        const parts = P.taapPartsFor(pop.requiredParts, P.taapRequestOf(req, pop.header)) ?? [];
        const probes: P.PopProbe[] = [];
        for (const part of pop.requiredParts) {
          const without = parts.filter((p) => p.toLowerCase() !== part.toLowerCase());
          probes.push({ variant: `ehts without "${part}"`, exchange: await sendWithPop(t, req, await forge(t, req, { parts: without })) });
        }
        return probes;
      });
    } else t.notApplicable(P.popRequiredPartMissingRejected, 'MUST', 'the spec requires no ehts parts (spec.pop.requiredParts is empty)');
    await refuses(P.popUnregisteredKeyRejected, async () => withForged({ privateKey: await stranger }));
    await refuses(P.popAlgNoneRejected, () => withForged({ sign: 'none' }));
    await refuses(P.popHs256ConfusionRejected, async () => {
      // The server's stored copy of the public key is unknown on a live target: try the usual encodings of it.
      const req = await genuine();
      const probes: P.PopProbe[] = [];
      for (const [variant, secret] of publicKeyEncodings(popKey(t))) {
        probes.push({ variant, exchange: await sendWithPop(t, req, await forge(t, req, { sign: { hs256Secret: secret } })) });
      }
      return probes;
    });
    await refuses(P.popMalformedRejected, async () => {
      const req = await genuine();
      const [h, p] = (await forge(t, req)).split('.') as [string, string, string];
      const probes: P.PopProbe[] = [];
      for (const [variant, value] of [
        ['two segments', `${h}.${p}`],
        ['header not JSON', `${base64url.encode('not json')}.${p}.${base64url.encode('sig')}`],
        ['not base64url', 'not a JWS at all'],
      ] as const) probes.push({ variant, exchange: await sendWithPop(t, req, value) });
      return probes;
    });
    await refuses(P.popEdtsCaseRejected, async () => {
      const req = await genuine();
      const { claims } = decodeTaapPop(await forge(t, req));
      return sendWithPop(t, req, await forge(t, req, { edtsOverride: P.swapLetterCase(String(claims.edts)) }));
    });
    // SHOULD: TAAP's single hash cannot see re-splits; only a server that compares parts it knows (its path) can.
    await t.check(P.popBoundaryShiftRejected, { severity: 'SHOULD', needs: [accepted] }, async () => {
      const req = await genuine();
      const probe = P.boundaryShiftProbe(P.taapRequestOf(req, pop.header), P.taapPartsFor(pop.requiredParts, P.taapRequestOf(req, pop.header)));
      const shifted = await sendWithPop(t, P.httpRequestOf(req, probe.shifted), await forge(t, req, { request: probe.signed, parts: probe.parts }));
      const control = await sendWithPop(t, P.httpRequestOf(req, probe.signed), await forge(t, req, { request: probe.signed, parts: probe.parts }));
      return [shifted, control];
    });

    // ---- resource ----
    if (!pop.onResource) {
      const why = 'the spec does not put PoP tokens on resource calls (spec.pop.onResource is false)';
      for (const meta of [P.resourceValidPopAccepted, ...P.RESOURCE_REJECTIONS, P.resourcePopBodyChangedRejected, P.resourcePopQueryOmittedRejected]) t.notApplicable(meta, 'MUST', why);
      return;
    }
    const token = await t.step('obtain an access token (with a valid PoP token)', () => obtainToken(t));
    const rvalid = await t.step('call the resource with a valid PoP token', async () => delivered(callResource(t, needed(token).accessToken)));
    const served = passed(await t.check(P.resourceValidPopAccepted, { severity: 'MUST', needs: [token, rvalid] }, (_token, ex) => [ex]));
    /** The genuine resource call with `accessToken`, unsigned. */
    const rgenuine = (accessToken: string) => unsent(t, (dry) => callResource(dry, accessToken, { omitPop: true }));
    /** Sends the defective resource call `probe` makes with the access token, and checks that it is refused. */
    const resourceRefuses = (r: P.PopRejection, probe: (genuine: () => Promise<HttpRequest>) => Promise<P.PopProbes>) =>
      t.check(r, { severity: 'MUST', needs: [token, served] }, async ({ accessToken }) => [await probe(() => rgenuine(accessToken))]);
    const rWithForged = async (genuine: () => Promise<HttpRequest>, opts: Partial<TaapForgeOptions> = {}) => {
      const req = await genuine();
      return sendWithPop(t, req, await forge(t, req, opts));
    };

    await resourceRefuses(P.resourcePopMissingRejected, async (genuine) => send(t, await genuine()));
    await resourceRefuses(P.resourcePopExpiredRejected, (genuine) => rWithForged(genuine, { now: t.target.now() - L - skew - 60 }));
    await resourceRefuses(P.resourcePopReplayRejected, async (genuine) => {
      const req = await genuine();
      const once = await forge(t, req);
      const first = await sendWithPop(t, req, once);
      if (!P.isServed(first)) return abortSkipped(`the first use of the PoP token was not served (HTTP ${first.status ?? first.failure?.code}), so a replay proves nothing`);
      return sendWithPop(t, req, once);
    });
    /** A controlled resource probe: the defective call and its control, with the access token. */
    const resourceControlled = (r: P.ControlledPopRejection, probe: (genuine: () => Promise<HttpRequest>) => Promise<[HttpExchange, HttpExchange]>) =>
      t.check(r, { severity: 'MUST', needs: [token, served] }, async ({ accessToken }) => probe(() => rgenuine(accessToken)));
    await resourceControlled(P.resourcePopBodyChangedRejected, (genuine) => bodyChangedProbe(t, genuine));
    await resourceRefuses(P.resourcePopUriChangedRejected, (genuine) => signedOver(t, genuine, (r) => ({ ...r, uri: `${r.uri}${r.uri.includes('?') ? '&' : '?'}oauthgate=changed` })));
    await resourceRefuses(P.resourcePopOtherHopRejected, (genuine) => signedOver(t, genuine, (r) => ({ ...r, uri: requestTarget(endpointUrl(t, 'token')) })));
    await resourceControlled(P.resourcePopQueryOmittedRejected, async (genuine) => {
      const req = await genuine();
      const u = new URL(req.url);
      const q = P.withQuery(`${u.pathname}${u.search}`);
      const queried: HttpRequest = { ...req, url: `${u.origin}${q.full}` };
      const pathOnly = { ...P.taapRequestOf(queried, pop.header), uri: q.path };
      const probe = await sendWithPop(t, queried, await forge(t, queried, { request: pathOnly }));
      const control = await sendWithPop(t, queried, await forge(t, queried));
      return [probe, control];
    });
    await resourceRefuses(P.resourcePopAlgNoneRejected, (genuine) => rWithForged(genuine, { sign: 'none' }));
  },
});

// ---------- helpers ----------

/** Path plus query of `url`: the TAAP `uri` a request to it signs. */
function requestTarget(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/** The request's Content-Type header value, whatever its case. */
function contentTypeOf(req: HttpRequest): string | undefined {
  return Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
}

/**
 * The changed-body probe and its control: the request with an equivalent, acceptable body
 * ({@link P.equivalentBody}), sent once with a PoP token signed over the body as first built (the attack: a body
 * changed after signing) and once with a PoP token signed over the new body (the control, which must be served).
 */
async function bodyChangedProbe(t: SuiteContext, genuine: () => Promise<HttpRequest>): Promise<[HttpExchange, HttpExchange]> {
  const req = await genuine();
  const changed: HttpRequest = { ...req, body: P.equivalentBody(req.body ?? '', contentTypeOf(req)) };
  const probe = await sendWithPop(t, changed, await forge(t, req));
  const control = await sendWithPop(t, changed, await forge(t, changed));
  return [probe, control];
}

/** A step value: the exchange, unless nothing came back (then the step fails with the transport reason). */
async function delivered(ex: Promise<HttpExchange>): Promise<HttpExchange> {
  const e = await ex;
  if (e.failure) throw new Error(`${e.failure.code}: ${e.failure.message}`);
  return e;
}


function needed<T>(p: Prereq<T>): T {
  if (!p.ok) throw new Error(`prerequisite "${p.name}" failed: ${p.reason}`);
  return p.value;
}

/** Ends the running check as skipped (a probe's own precondition did not hold). */
function abortSkipped(reason: string): never {
  throw new CheckAbort(skipped(reason));
}

/** Ends the running check as not applicable. */
function abortNa(reason: string): never {
  throw new CheckAbort(notApplicable(reason));
}

/**
 * The request `build` would send, built through a capturing client instead of being sent, so a PoP token can be
 * forged over exactly the request the spec describes (client auth, encoding, headers).
 */
async function unsent(t: SuiteContext, build: (dry: SuiteContext) => Promise<HttpExchange>): Promise<HttpRequest> {
  let captured: HttpRequest | undefined;
  const capture = {
    send: async (request: HttpRequest): Promise<HttpExchange> => {
      captured = request;
      return { request, headers: {}, bodyText: '', durationMs: 0 };
    },
  } as unknown as HttpClient;
  await build(new SuiteContext(t.suite, t.spec, t.target, capture, t.redactor));
  if (!captured) throw new Error('the request builder sent nothing');
  return captured;
}

function popKey(t: SuiteContext): KeyObject {
  if (!t.target.popPrivateKey) throw new Unavailable('the spec requires TAAP PoP tokens but the target has no popPrivateKey');
  return t.target.popPrivateKey;
}

/** A PoP token for `req` (or for `opts.request`), conforming except where `opts` says otherwise. */
async function forge(t: SuiteContext, req: HttpRequest, opts: Partial<TaapForgeOptions> = {}): Promise<string> {
  const pop = t.spec.pop!;
  const request = opts.request ?? P.taapRequestOf(req, pop.header);
  const parts = P.taapPartsFor(pop.requiredParts, request);
  return forgeTaapPop({
    privateKey: popKey(t),
    request,
    ...(parts ? { parts } : {}),
    lifetimeSeconds: pop.maxLifetimeSeconds,
    now: t.target.now(),
    ...opts,
  });
}

/** Sends `req` with `token` in the spec's PoP header; the token is registered as a secret first. */
function sendWithPop(t: SuiteContext, req: HttpRequest, token: string): Promise<HttpExchange> {
  t.redactor.add(token);
  return send(t, { ...req, headers: { ...(req.headers ?? {}), [t.spec.pop!.header]: token } });
}

/** Sends the genuine request with a valid PoP token signed over `change(request)` instead of the request. */
async function signedOver(t: SuiteContext, genuine: () => Promise<HttpRequest>, change: (r: PopRequest, parts: string[] | undefined) => PopRequest): Promise<HttpExchange> {
  const req = await genuine();
  const pop = t.spec.pop!;
  const view = P.taapRequestOf(req, pop.header);
  const parts = P.taapPartsFor(pop.requiredParts, view);
  return sendWithPop(t, req, await forge(t, req, { request: change(view, parts), ...(parts ? { parts } : {}) }));
}

/** Encodings a server may keep the client's public key in, for the HS256 confusion probe. */
function publicKeyEncodings(privateKey: KeyObject): Array<[string, Uint8Array]> {
  const pub = createPublicKey(privateKey);
  const spki = pub.export({ type: 'spki', format: 'pem' }) as string;
  const pkcs1 = pub.export({ type: 'pkcs1', format: 'pem' }) as string;
  const enc = new TextEncoder();
  return [
    ['SPKI PEM', enc.encode(spki)],
    ['SPKI PEM without final newline', enc.encode(spki.trimEnd())],
    ['PKCS#1 PEM', enc.encode(pkcs1)],
  ];
}
