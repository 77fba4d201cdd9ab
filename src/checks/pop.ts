/**
 * Checks on T-Mobile TAAP Proof-of-Possession handling: a request carrying a valid PoP token is served, and a
 * request whose PoP token is defective in exactly one way is refused (4xx, and at the token endpoint no
 * access_token). The defects are built by the `pop` suite from the probe helpers at the end of this file; each
 * defect is its own named check ({@link PopRejection}) so a report says which validation step a server skips.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
import type { HttpExchange, HttpRequest } from '../http/types.ts';
import { shiftTaapBoundary, type PopRequest } from '../pop/taap.ts';
import { bodyObject, fail, pass, skipped, type CheckMeta, type Outcome } from './check.ts';
import { observedResponse } from './token-response.ts';

const REQ_HEADER = 'T-Mobile TAAP step 2: X-Authorization PoP token required (002 lines 19, 35-37)';
const REQ_LIFETIME = 'T-Mobile TAAP step 2: "The PoP Token only lasts for 60 seconds" (002 line 41), spec pop.maxLifetimeSeconds';
const REQ_ONE_HOP = 'T-Mobile TAAP step 2: "the PoP Token only works for one hop" (002 line 41)';
const REQ_EDTS = 'TAAP PoP: edts is SHA-256 over the request parts named in ehts (tmobile-api-security-lib)';
const REQ_SIGNATURE = 'TAAP PoP: RS256 signature by the client\'s registered key (tmobile-api-security-lib)';
const REQ_ALG = 'TAAP PoP: alg RS256 only (tmobile-api-security-lib); RFC 8725 §3.1 algorithm verification';

const is4xx = (ex: HttpExchange) => ex.status !== undefined && ex.status >= 400 && ex.status < 500;

// ---------- acceptance ----------

export const validPopAccepted: CheckMeta = {
  id: 'pop.taap.valid-accepted',
  title: 'A token request with a valid PoP token gets a token',
  requirement: REQ_HEADER,
};
/**
 * The token request signed with a conforming PoP token is answered 200 with an access_token.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function checkValidPopAccepted(ex: HttpExchange): Outcome {
  if (ex.status === 200 && typeof bodyObject(ex)?.access_token === 'string') return pass();
  return fail('token request with a valid PoP token', 'HTTP 200 with an access_token', observedResponse(ex), REQ_HEADER);
}

export const resourceValidPopAccepted: CheckMeta = {
  id: 'pop.taap.resource.valid-accepted',
  title: 'A resource call with a valid access token and PoP token is served',
  requirement: 'T-Mobile TAAP step 3: PoP token for the API resource (002 line 80)',
};
/**
 * The resource call carrying the access token and a conforming PoP token is answered 2xx.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function checkResourceValidPopAccepted(ex: HttpExchange): Outcome {
  if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
  return fail('resource call with a valid PoP token', 'a 2xx response', observedResponse(ex), resourceValidPopAccepted.requirement);
}

// ---------- rejections ----------

/** A check that one kind of defective PoP token is refused; `defect` names the defect in messages. */
export interface PopRejection extends CheckMeta {
  /** What the probe carries, as it reads after "with": "an expired PoP token". */
  defect: string;
}

/** Factory for the metadata of one PoP rejection check. */
function rejection(id: string, title: string, defect: string, requirement: string): PopRejection {
  return { id, title, defect, requirement };
}

export const popMissingRejected = rejection('pop.taap.missing-rejected', 'A token request without a PoP token is rejected', 'no PoP token', REQ_HEADER);
export const popExpiredRejected = rejection('pop.taap.expired-rejected', 'An expired PoP token is rejected', 'an expired PoP token', REQ_LIFETIME);
export const popFutureIatRejected = rejection('pop.taap.future-iat-rejected', 'A PoP token issued in the future is rejected', 'a PoP token whose iat and whole validity lie in the future', REQ_LIFETIME);
export const popLifetimeTooLongRejected = rejection('pop.taap.lifetime-too-long-rejected', 'A PoP token living longer than the documented maximum is rejected', 'a PoP token whose exp - iat exceeds the documented maximum', REQ_LIFETIME);
export const popReplayRejected = rejection('pop.taap.replayed-jti-rejected', 'A PoP token used a second time is rejected', 'a PoP token (same jti) that was already accepted once', REQ_ONE_HOP);
export const popBodyChangedRejected = rejection('pop.taap.body-changed-rejected', 'A PoP token signed over another body is rejected', 'a PoP token whose edts covers a different body', REQ_EDTS);
export const popUriChangedRejected = rejection('pop.taap.uri-changed-rejected', 'A PoP token signed over another URI is rejected', 'a PoP token whose edts covers a different uri', REQ_EDTS);
export const popMethodChangedRejected = rejection('pop.taap.method-changed-rejected', 'A PoP token signed over another HTTP method is rejected', 'a PoP token whose edts covers a different http-method', REQ_EDTS);
export const popHeaderChangedRejected = rejection('pop.taap.header-changed-rejected', 'A PoP token signed over another value of a signed header is rejected', 'a PoP token whose edts covers a different value of a signed header', REQ_EDTS);
export const popRequiredPartMissingRejected = rejection('pop.taap.required-part-missing-rejected', 'A PoP token whose ehts lacks a required part is rejected', 'a PoP token whose ehts lacks a required part', 'provider spec pop.requiredParts (the ehts of the example token, 002 line 56)');
export const popUnregisteredKeyRejected = rejection('pop.taap.unregistered-key-rejected', 'A PoP token signed with an unregistered key is rejected', 'a PoP token signed by a key the client never registered', REQ_SIGNATURE);
export const popAlgNoneRejected = rejection('pop.taap.alg-none-rejected', 'An unsigned (alg "none") PoP token is rejected', 'an alg "none" PoP token', REQ_ALG);
export const popHs256ConfusionRejected = rejection('pop.taap.alg-hs256-confusion-rejected', 'An HS256 PoP token keyed with the client\'s public key is rejected', 'an HS256 PoP token keyed with the client\'s public key (algorithm confusion)', `${REQ_ALG}, RFC 8725 §2.1`);
export const popMalformedRejected = rejection('pop.taap.malformed-rejected', 'A PoP header that is not a compact JWS is rejected', 'a malformed PoP token', 'RFC 7515 §7.1 compact serialization');
export const popEdtsCaseRejected = rejection('pop.taap.edts-case-changed-rejected', 'A PoP token whose edts differs only in letter case is rejected', 'a PoP token whose edts differs from the correct one only in letter case', `${REQ_EDTS}; base64url (RFC 4648 §5) is case-sensitive`);
export const popBoundaryShiftRejected = rejection(
  'pop.taap.boundary-shift-rejected',
  'A request re-split across two adjacent signed parts (same edts) is rejected',
  'a PoP token presented with a request whose signed header\'s leading characters were moved into the query string (edts unchanged)',
  'TAAP edts commits only to the concatenation of the ehts values (src/pop/taap.ts, boundary shifting): a server must compare the parts it knows, such as its own path',
);

export const resourcePopMissingRejected = rejection('pop.taap.resource.missing-rejected', 'A resource call without a PoP token is rejected', 'no PoP token', 'T-Mobile TAAP step 3: PoP token for the API resource (002 line 80)');
export const resourcePopExpiredRejected = rejection('pop.taap.resource.expired-rejected', 'A resource call with an expired PoP token is rejected', 'an expired PoP token', REQ_LIFETIME);
export const resourcePopReplayRejected = rejection('pop.taap.resource.replayed-jti-rejected', 'A resource call replaying an accepted PoP token is rejected', 'a PoP token (same jti) that was already accepted once', REQ_ONE_HOP);
export const resourcePopBodyChangedRejected = rejection('pop.taap.resource.body-changed-rejected', 'A resource call whose PoP token covers another body is rejected', 'a PoP token whose edts covers a different body', REQ_EDTS);
export const resourcePopUriChangedRejected = rejection('pop.taap.resource.uri-changed-rejected', 'A resource call whose PoP token covers another URI is rejected', 'a PoP token whose edts covers a different uri', REQ_EDTS);
export const resourcePopAlgNoneRejected = rejection('pop.taap.resource.alg-none-rejected', 'A resource call with an alg "none" PoP token is rejected', 'an alg "none" PoP token', REQ_ALG);

/** The resource-side rejection checks, in the order the suite runs them. */
export const RESOURCE_REJECTIONS = [
  resourcePopMissingRejected, resourcePopExpiredRejected, resourcePopReplayRejected, resourcePopBodyChangedRejected,
  resourcePopUriChangedRejected, resourcePopAlgNoneRejected,
] as const;

/** One probe of a rejection check: a named variant of the defect and what the server answered. */
export interface PopProbe {
  variant: string;
  exchange: HttpExchange;
}

/**
 * The token request carrying the defective PoP token (each variant of it, when several are given) was refused
 * with a 4xx and no access_token.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function checkPopRejected(probes: HttpExchange | PopProbe[], r: PopRejection): Outcome {
  for (const { variant, exchange } of asProbes(probes)) {
    if (!is4xx(exchange) || typeof bodyObject(exchange)?.access_token === 'string') {
      return fail(`token request with ${r.defect}${variant ? ` (${variant})` : ''}`, 'a 4xx error without access_token', observedResponse(exchange), r.requirement);
    }
  }
  return pass();
}

/**
 * The resource call carrying the defective PoP token was refused with a 4xx.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function checkResourcePopRejected(probes: HttpExchange | PopProbe[], r: PopRejection): Outcome {
  for (const { variant, exchange } of asProbes(probes)) {
    if (!is4xx(exchange)) return fail(`resource call with ${r.defect}${variant ? ` (${variant})` : ''}`, 'a 4xx error', observedResponse(exchange), r.requirement);
  }
  return pass();
}

/**
 * The re-split request was refused while the same request, unshifted and freshly signed (the control), was
 * served. A refused control leaves the result open: the server may object to the probe header itself.
 * @see https://github.com/tmobile/tmobile-api-security-lib
 */
export function checkBoundaryShiftRejected(shifted: HttpExchange, control: HttpExchange): Outcome {
  const verdict = checkPopRejected(shifted, popBoundaryShiftRejected);
  if (verdict.status === 'failed') return verdict;
  if (control.status !== 200 || typeof bodyObject(control)?.access_token !== 'string') {
    return skipped(`the unshifted control request (probe header signed, nothing moved) was also refused, so the refusal says nothing about re-splits: observed ${observedResponse(control)}`);
  }
  return pass();
}

function asProbes(p: HttpExchange | PopProbe[]): PopProbe[] {
  return Array.isArray(p) ? p : [{ variant: '', exchange: p }];
}

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
