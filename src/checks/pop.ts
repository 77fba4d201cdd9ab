/**
 * Checks on T-Mobile TAAP Proof-of-Possession handling: a request carrying a valid PoP token is served, and a
 * request whose PoP token is defective in exactly one way is refused (4xx, and at the token endpoint no
 * access_token). The defects are built by the `pop` suite from the probe helpers at the end of this file; each
 * defect is its own named check ({@link PopRejection}) so a report says which validation step a server skips.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
import type { HttpExchange, HttpRequest } from '../http/types.ts';
import { shiftTaapBoundary, type PopRequest } from '../pop/taap.ts';
import { bodyObject, defineCheck, fail, isClientError, notApplicable, pass, skipped, type Check, type Outcome } from './check.ts';
import { observedResponse } from './rejection.ts';

const REQ_HEADER = 'T-Mobile TAAP step 2: X-Authorization PoP token required (002 lines 19, 35-37)';
const REQ_RESOURCE = 'T-Mobile TAAP step 3: PoP token for the API resource (002 line 80)';
const REQ_LIFETIME = 'T-Mobile TAAP step 2: "The PoP Token only lasts for 60 seconds" (002 line 41), spec pop.maxLifetimeSeconds';
const REQ_ONE_HOP = 'T-Mobile TAAP step 2: "the PoP Token only works for one hop" (002 line 41)';
const REQ_EDTS = 'TAAP PoP: edts is SHA-256 over the request parts named in ehts (tmobile-api-security-lib)';
const REQ_SIGNATURE = 'TAAP PoP: RS256 signature by the client\'s registered key (tmobile-api-security-lib)';
const REQ_ALG = 'TAAP PoP: alg RS256 only (tmobile-api-security-lib); RFC 8725 §3.1 algorithm verification';

/** The answer carries an access token: whatever its status, the server issued one. */
const issuesToken = (ex: HttpExchange) => typeof bodyObject(ex)?.access_token === 'string';

/**
 * A token-endpoint refusal as the PoP checks (TAAP and DPoP) judge it: a 4xx ({@link isClientError}) that
 * carries no access_token. No error case of the spec covers a bad proof (`errors.cases` names none), so
 * `judgeRejection`'s documented-status rule does not apply; RFC 6749 §5.2 makes every error response a 4xx
 * without a token.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function refusedWithoutToken(ex: HttpExchange): boolean {
  return isClientError(ex.status) && !issuesToken(ex);
}

/** A 2xx: the request was served (RFC 9110 §15.3). */
export function isServed(ex: HttpExchange): boolean {
  return ex.status !== undefined && ex.status >= 200 && ex.status <= 299;
}

// ---------- acceptance ----------

/**
 * The token request signed with a conforming PoP token is answered 200 with an access_token.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export const validPopAccepted = defineCheck({
  id: 'pop.taap.valid-accepted',
  title: 'A token request with a valid PoP token gets a token',
  requirement: REQ_HEADER,
  evaluate(ex: HttpExchange): Outcome {
    if (ex.status === 200 && issuesToken(ex)) return pass();
    return fail('token request with a valid PoP token', 'HTTP 200 with an access_token', observedResponse(ex), REQ_HEADER);
  },
});

/**
 * The resource call carrying the access token and a conforming PoP token is answered 2xx.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export const resourceValidPopAccepted = defineCheck({
  id: 'pop.taap.resource.valid-accepted',
  title: 'A resource call with a valid access token and PoP token is served',
  requirement: REQ_RESOURCE,
  evaluate(ex: HttpExchange): Outcome {
    if (isServed(ex)) return pass();
    return fail('resource call with a valid PoP token', 'a 2xx response', observedResponse(ex), REQ_RESOURCE);
  },
});

// ---------- rejections ----------

/** One probe of a rejection check: a named variant of the defect and what the server answered. */
export interface PopProbe {
  variant: string;
  exchange: HttpExchange;
}

/** What a rejection check judges: the one answer to the defective request, or one per variant of the defect. */
export type PopProbes = HttpExchange | PopProbe[];

/** A check that one kind of defective PoP token is refused. */
export type PopRejection = Check<[probes: PopProbes]>;

function asProbes(p: PopProbes): PopProbe[] {
  return Array.isArray(p) ? p : [{ variant: '', exchange: p }];
}

/** No variant was sent, so nothing was refused or served: not applicable, never a silent pass. */
function noProbe(defect: string): Outcome {
  return notApplicable(`no request with ${defect} was sent (no variant of the probe applies)`);
}

/**
 * Judges the answers to a defective token request: every variant is refused with a 4xx and no access_token;
 * the first one that is not is named in the failure. RFC 6749 §5.2: an error response is a 400 (401 for
 * invalid_client); a 5xx is a server failure, not a refusal, and a 4xx that still carries a token refused nothing.
 * @param defect what the probe carries, as it reads after "with": "an expired PoP token"
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
function judgeTokenRefusals(probes: PopProbes, defect: string, requirement: string): Outcome {
  if (asProbes(probes).length === 0) return noProbe(defect);
  for (const { variant, exchange } of asProbes(probes)) {
    if (!refusedWithoutToken(exchange)) {
      return fail(`token request with ${defect}${variant ? ` (${variant})` : ''}`, 'a 4xx error without access_token', observedResponse(exchange), requirement);
    }
  }
  return pass();
}

/**
 * Judges the answers to a defective resource call: every variant is refused with a 4xx.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
function judgeResourceRefusals(probes: PopProbes, defect: string, requirement: string): Outcome {
  if (asProbes(probes).length === 0) return noProbe(defect);
  for (const { variant, exchange } of asProbes(probes)) {
    if (!isClientError(exchange.status)) return fail(`resource call with ${defect}${variant ? ` (${variant})` : ''}`, 'a 4xx error', observedResponse(exchange), requirement);
  }
  return pass();
}

/** Factory for "the token request carrying `defect` is refused" (see {@link judgeTokenRefusals}). */
function tokenRejection(id: string, title: string, defect: string, requirement: string): PopRejection {
  return defineCheck({ id, title, requirement, evaluate: (probes: PopProbes) => judgeTokenRefusals(probes, defect, requirement) });
}

/** Factory for "the resource call carrying `defect` is refused" (see {@link judgeResourceRefusals}). */
function resourceRejection(id: string, title: string, defect: string, requirement: string): PopRejection {
  return defineCheck({ id, title, requirement, evaluate: (probes: PopProbes) => judgeResourceRefusals(probes, defect, requirement) });
}

export const popMissingRejected = tokenRejection('pop.taap.missing-rejected', 'A token request without a PoP token is rejected', 'no PoP token', REQ_HEADER);
export const popExpiredRejected = tokenRejection('pop.taap.expired-rejected', 'An expired PoP token is rejected', 'an expired PoP token', REQ_LIFETIME);
export const popFutureIatRejected = tokenRejection('pop.taap.future-iat-rejected', 'A PoP token issued in the future is rejected', 'a PoP token whose iat and whole validity lie in the future', REQ_LIFETIME);
export const popLifetimeTooLongRejected = tokenRejection('pop.taap.lifetime-too-long-rejected', 'A PoP token living longer than the documented maximum is rejected', 'a PoP token whose exp - iat exceeds the documented maximum', REQ_LIFETIME);
export const popReplayRejected = tokenRejection('pop.taap.replayed-jti-rejected', 'A PoP token used a second time is rejected', 'a PoP token (same jti) that was already accepted once', REQ_ONE_HOP);
export const popUriChangedRejected = tokenRejection('pop.taap.uri-changed-rejected', 'A PoP token signed over another URI is rejected', 'a PoP token whose edts covers a different uri', REQ_EDTS);
export const popMethodChangedRejected = tokenRejection('pop.taap.method-changed-rejected', 'A PoP token signed over another HTTP method is rejected', 'a PoP token whose edts covers a different http-method', REQ_EDTS);
export const popHeaderChangedRejected = tokenRejection('pop.taap.header-changed-rejected', 'A PoP token signed over another value of a signed header is rejected', 'a PoP token whose edts covers a different value of a signed header', REQ_EDTS);
const REQ_PARTS = 'provider spec pop.requiredParts (the ehts of the example token, 002 line 56)';
const PART_DEFECT = 'a PoP token whose ehts lacks a required part';

/**
 * One probe per required ehts part, each a token whose ehts lacks that part (and only that one); every probe is
 * refused. A failure names every part whose omission was served, not only the first, so a report says which
 * parts the server does not enforce.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export const popRequiredPartMissingRejected: PopRejection = defineCheck({
  id: 'pop.taap.required-part-missing-rejected',
  title: 'A PoP token whose ehts lacks a required part is rejected (each part in turn)',
  requirement: REQ_PARTS,
  evaluate(probes: PopProbes): Outcome {
    const all = asProbes(probes);
    if (all.length === 0) return noProbe(PART_DEFECT);
    const served = all.filter((p) => !refusedWithoutToken(p.exchange));
    if (served.length === 0) return pass();
    const names = served.map((p) => p.variant).join(', ');
    return fail(`token request with ${PART_DEFECT} (${names})`, `a 4xx error without access_token for each of the ${all.length} parts`, `${served.length} not refused; first: ${observedResponse(served[0]!.exchange)}`, REQ_PARTS);
  },
});
export const popUnregisteredKeyRejected = tokenRejection('pop.taap.unregistered-key-rejected', 'A PoP token signed with an unregistered key is rejected', 'a PoP token signed by a key the client never registered', REQ_SIGNATURE);
export const popAlgNoneRejected = tokenRejection('pop.taap.alg-none-rejected', 'An unsigned (alg "none") PoP token is rejected', 'an alg "none" PoP token', REQ_ALG);
export const popHs256ConfusionRejected = tokenRejection('pop.taap.alg-hs256-confusion-rejected', 'An HS256 PoP token keyed with the client\'s public key is rejected', 'an HS256 PoP token keyed with the client\'s public key (algorithm confusion)', `${REQ_ALG}, RFC 8725 §2.1`);
export const popOtherHopRejected = tokenRejection('pop.taap.other-hop-rejected', 'A PoP token made for the resource is rejected at the token endpoint (one hop)', 'a PoP token made for the resource path (the request otherwise as sent)', REQ_ONE_HOP);
export const popMalformedRejected = tokenRejection('pop.taap.malformed-rejected', 'A PoP header that is not a compact JWS is rejected', 'a malformed PoP token', 'RFC 7515 §7.1 compact serialization');
export const popEdtsCaseRejected = tokenRejection('pop.taap.edts-case-changed-rejected', 'A PoP token whose edts differs only in letter case is rejected', 'a PoP token whose edts differs from the correct one only in letter case', `${REQ_EDTS}; base64url (RFC 4648 §5) is case-sensitive`);

/** The token-endpoint rejection checks judged by one answer (or one per variant), in the order the suite runs them. */
export const TOKEN_REJECTIONS = [
  popMissingRejected, popExpiredRejected, popFutureIatRejected, popLifetimeTooLongRejected, popReplayRejected,
  popUriChangedRejected, popOtherHopRejected, popMethodChangedRejected, popHeaderChangedRejected,
  popUnregisteredKeyRejected, popAlgNoneRejected, popHs256ConfusionRejected,
  popMalformedRejected, popEdtsCaseRejected,
] as const;

const BOUNDARY_SHIFT_DEFECT = 'a PoP token presented with a request whose signed header\'s leading characters were moved into the query string (edts unchanged)';
const REQ_BOUNDARY_SHIFT = `${REQ_ONE_HOP}; edts is SHA-256 over the ehts values concatenated without separators (tmobile-api-security-lib), so only a server that compares the parts it knows, such as its own path, holds a token to its one request`;

/**
 * The re-split request was refused (a 4xx without access_token) while the same request, unshifted and freshly
 * signed (the control), was served with a token. A refused control leaves the result open (skipped): the server
 * may object to the probe header itself.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export const popBoundaryShiftRejected = defineCheck({
  id: 'pop.taap.boundary-shift-rejected',
  title: 'A request re-split across two adjacent signed parts (same edts) is rejected',
  requirement: REQ_BOUNDARY_SHIFT,
  evaluate(shifted: HttpExchange, control: HttpExchange): Outcome {
    const verdict = judgeTokenRefusals(shifted, BOUNDARY_SHIFT_DEFECT, REQ_BOUNDARY_SHIFT);
    if (verdict.status === 'failed') return verdict;
    if (control.status !== 200 || !issuesToken(control)) {
      return skipped(`the unshifted control request (probe header signed, nothing moved) was also refused, so the refusal says nothing about re-splits: observed ${observedResponse(control)}`);
    }
    return pass();
  },
});

export const resourcePopMissingRejected = resourceRejection('pop.taap.resource.missing-rejected', 'A resource call without a PoP token is rejected', 'no PoP token', REQ_RESOURCE);
export const resourcePopExpiredRejected = resourceRejection('pop.taap.resource.expired-rejected', 'A resource call with an expired PoP token is rejected', 'an expired PoP token', REQ_LIFETIME);
export const resourcePopReplayRejected = resourceRejection('pop.taap.resource.replayed-jti-rejected', 'A resource call replaying an accepted PoP token is rejected', 'a PoP token (same jti) that was already accepted once', REQ_ONE_HOP);
export const resourcePopUriChangedRejected = resourceRejection('pop.taap.resource.uri-changed-rejected', 'A resource call whose PoP token covers another URI is rejected', 'a PoP token whose edts covers a different uri', REQ_EDTS);
export const resourcePopAlgNoneRejected = resourceRejection('pop.taap.resource.alg-none-rejected', 'A resource call with an alg "none" PoP token is rejected', 'an alg "none" PoP token', REQ_ALG);
export const resourcePopOtherHopRejected = resourceRejection('pop.taap.resource.other-hop-rejected', 'A PoP token made for the token endpoint is rejected at the resource (one hop)', 'a PoP token made for the token endpoint path (the request otherwise as sent)', REQ_ONE_HOP);

/** The resource-side rejection checks, in the order the suite runs them. */
export const RESOURCE_REJECTIONS = [
  resourcePopMissingRejected, resourcePopExpiredRejected, resourcePopReplayRejected,
  resourcePopUriChangedRejected, resourcePopOtherHopRejected, resourcePopAlgNoneRejected,
] as const;

// ---------- rejections with a control ----------

/** A check judged by a defective request and its control: the same request with a correct PoP token. */
export type ControlledPopRejection = Check<[probe: HttpExchange, control: HttpExchange]>;

/**
 * Factory for "the defective request is refused, and the control is served": a refused control leaves the result
 * open (skipped), since then the server objects to the request itself, not to the PoP token, and the refusal
 * proves nothing about the binding. At the token endpoint refused means a 4xx without access_token and served a
 * 200 with one; at the resource a 4xx and a 2xx.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
function controlledRejection(id: string, title: string, defect: string, requirement: string, where: 'token' | 'resource'): ControlledPopRejection {
  return defineCheck({
    id, title, requirement,
    evaluate(probe: HttpExchange, control: HttpExchange): Outcome {
      const verdict = where === 'token' ? judgeTokenRefusals(probe, defect, requirement) : judgeResourceRefusals(probe, defect, requirement);
      if (verdict.status === 'failed') return verdict;
      const served = where === 'token' ? control.status === 200 && issuesToken(control) : isServed(control);
      if (!served) return skipped(`the control (the same request with a correct PoP token) was refused too, so the refusal proves nothing about the PoP binding: observed ${observedResponse(control)}`);
      return verdict;
    },
  });
}

const BODY_DEFECT = 'an equivalent body the server accepts (reformatted), but a PoP token signed over the body as first built';
export const popBodyChangedRejected = controlledRejection('pop.taap.body-changed-rejected', 'A request whose body was changed after signing is rejected (an acceptable body, so only the binding refuses it)', BODY_DEFECT, REQ_EDTS, 'token');
export const resourcePopBodyChangedRejected = controlledRejection('pop.taap.resource.body-changed-rejected', 'A resource call whose body was changed after signing is rejected (an acceptable body)', BODY_DEFECT, REQ_EDTS, 'resource');
export const resourcePopQueryOmittedRejected = controlledRejection('pop.taap.resource.query-omitted-rejected', 'A PoP token made for the resource path without its query is rejected', 'a query string, but a PoP token whose uri is the path without it', `${REQ_ONE_HOP}; ${REQ_EDTS} (uri: path plus query as sent)`, 'resource');

/** The checks judged with a control request, in the order the suite runs them. */
export const CONTROLLED_REJECTIONS = [popBodyChangedRejected, resourcePopBodyChangedRejected, resourcePopQueryOmittedRejected] as const;

// ---------- probe builders (pure; the suite signs and sends) ----------

/**
 * The TAAP view of an HTTP request: method, path plus query exactly as sent, headers without the PoP header,
 * body.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function taapRequestOf(req: HttpRequest, popHeader: string): PopRequest {
  const u = new URL(req.url);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) if (k.toLowerCase() !== popHeader.toLowerCase()) headers[k] = v;
  return { method: req.method, uri: `${u.pathname}${u.search}`, headers, body: req.body ?? '' };
}

/**
 * Puts a (possibly re-split) TAAP view back into an HTTP request to the same origin as `base`.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function httpRequestOf(base: HttpRequest, pr: PopRequest): HttpRequest {
  return { method: pr.method, url: `${new URL(base.url).origin}${pr.uri}`, headers: { ...pr.headers }, body: pr.body };
}

/**
 * The parts to sign, as `attachTaap` chooses them: the spec's required parts that the request has (pseudo-parts
 * always), or `undefined` for the TAAP default (every header, then uri, http-method, body).
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function taapPartsFor(requiredParts: string[], req: PopRequest): string[] | undefined {
  if (requiredParts.length === 0) return undefined;
  const names = Object.keys(req.headers).map((h) => h.toLowerCase());
  return requiredParts.filter((p) => p === 'uri' || p === 'http-method' || p === 'body' || names.includes(p.toLowerCase()));
}

/**
 * `s` with the case of every ASCII letter swapped (`aB1-` -> `Ab1-`): same letters, different base64url.
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-5
 */
export function swapLetterCase(s: string): string {
  return s.replace(/[A-Za-z]/g, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
}

/** The header the boundary-shift probe adds; its value starts with the query string it will donate to `uri`. */
export const SHIFT_PROBE_HEADER = 'X-Oauthgate-Probe';
export const SHIFT_PROBE_VALUE = '?oauthgate-probe=1';

/** The boundary-shift probe: the request to sign, its parts, and the re-split request to present instead. */
export interface BoundaryShiftProbe {
  /** The genuine request plus {@link SHIFT_PROBE_HEADER}: what the PoP token is signed over (and the control). */
  signed: PopRequest;
  /** Signed parts, with the probe header right after `uri`. */
  parts: string[];
  /** `signed` re-split: the probe value's characters but the last moved onto the end of `uri`. Same edts. */
  shifted: PopRequest;
}

/**
 * Builds the boundary-shift probe over `req` (see src/pop/taap.ts, "Boundary shifting").
 *
 * Design: a re-split a server can detect must change a value the server knows independently (a pinned part) and
 * still leave an otherwise valid request, or a pure-edts server would refuse it for an unrelated reason and pass
 * by accident. The one such value every endpoint has is its path: the probe signs a request carrying
 * `X-Oauthgate-Probe: ?oauthgate-probe=1` right after `uri` in `ehts`, then presents it with all but the last
 * character of that header moved onto the end of `uri`. The shifted request goes to the same path with an empty,
 * unknown query parameter (which RFC 6749 §3.1 says to ignore) and a one-character probe header, so a server
 * that only recomputes `edts` serves it, while one that compares `uri` with its own path refuses it. Shifts the
 * server cannot see (between two unpinned headers) are inherent to TAAP and not probed.
 * @param parts the parts a genuine token signs (`undefined`: the TAAP default)
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function boundaryShiftProbe(req: PopRequest, parts: string[] | undefined): BoundaryShiftProbe {
  const signed: PopRequest = { ...req, headers: { ...req.headers, [SHIFT_PROBE_HEADER]: SHIFT_PROBE_VALUE } };
  const base = (parts ?? [...Object.keys(req.headers), 'uri', 'http-method', 'body']).filter((p) => p.toLowerCase() !== SHIFT_PROBE_HEADER.toLowerCase());
  if (!base.includes('uri')) base.push('uri');
  const at = base.indexOf('uri');
  const ordered = [...base.slice(0, at + 1), SHIFT_PROBE_HEADER, ...base.slice(at + 1)];
  // shiftTaapBoundary keeps the concatenation, so the token signed over `signed` has the right edts for `shifted`.
  const shifted = shiftTaapBoundary(signed, ordered, at, SHIFT_PROBE_VALUE.length - 1);
  return { signed, parts: ordered, shifted };
}

/**
 * A body that means the same as `body` to a server of `contentType` but differs in bytes: JSON reformatted
 * (or `{}` for an empty body), a form body with an empty trailing pair (ignored by the form decoding algorithm),
 * anything else with a trailing newline. Sent with a PoP token signed over `body`, it proves that the body is
 * bound; sent with a PoP signed over itself, it is the control.
 * @see https://url.spec.whatwg.org/#urlencoded-parsing
 */
export function equivalentBody(body: string, contentType: string | undefined): string {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (ct === 'application/json' || ct.endsWith('+json')) {
    if (body.trim() === '') return '{}';
    try {
      const again = JSON.stringify(JSON.parse(body), null, 1);
      return again === body ? `${body}\n` : again;
    } catch {
      return `${body}\n`;
    }
  }
  if (ct === 'application/x-www-form-urlencoded') return `${body}&`;
  return `${body}\n`;
}

/** The query the query-omission probe adds where the resource URL has none (a name and a non-empty value). */
export const QUERY_PROBE = 'oauthgate-query=1';

/**
 * `uri` with a query: itself when it has one, else with {@link QUERY_PROBE}; and the path alone.
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3.4
 */
export function withQuery(uri: string): { full: string; path: string } {
  const i = uri.indexOf('?');
  if (i >= 0 && i < uri.length - 1) return { full: uri, path: uri.slice(0, i) };
  const path = i >= 0 ? uri.slice(0, i) : uri;
  return { full: `${path}?${QUERY_PROBE}`, path };
}
