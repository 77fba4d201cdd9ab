/**
 * Checks on refresh behaviour: what a refresh returns (RFC 6749 §6) and what it does to the pair it replaces,
 * as the provider spec's `refresh` policy says — old tokens rejected or still valid, rotation, and RFC 9700
 * §4.14.2 reuse detection. A refused refresh is judged by the one rejection rule ({@link judgeRejection} with
 * the `invalid_grant` case); the helpers {@link judgeRefreshSucceeds} and {@link judgeRefusedAtResource} are
 * shared with the expiry and revocation checks.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
import type { HttpExchange } from '../http/types.ts';
import type { Citation, ProviderSpec } from '../spec/schema.ts';
import { fieldProvenance } from '../spec/provenance.ts';
import { bodyObject, defineCheck, fail, notApplicable, pass, show, type Outcome, type Severity } from './check.ts';
import { judgeRejection, observedResponse } from './rejection.ts';
import { checkResourceAccepts, judgeRefusedAtResource } from './resource.ts';

/**
 * Where a spec section's statement comes from, for the requirement part of messages: its citations
 * (`att-api line 95`), else the standard it follows, else the spec's stated assumption.
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
export function specBasis(section: { source?: Citation[] | undefined; standard?: string | undefined; assumption?: string | undefined } | undefined): string {
  if (section?.source?.length) return [...new Set(section.source.map((c) => `${c.doc} line ${c.line}`))].join(', ');
  if (section?.standard) return section.standard;
  if (section?.assumption) return "the spec's stated assumption";
  return 'provider spec';
}

// ---------- how firmly a refresh policy binds ----------

/** RFC 6749 §6 on refresh-token rotation: both halves are a MAY. */
export const RFC6749_ROTATION_MAY = 'RFC 6749 §6: "The authorization server MAY issue a new refresh token" and "MAY revoke the old refresh token after issuing a new refresh token to the client"';
/** RFC 9700 §4.14.2: rotation (or sender-constrained refresh tokens) is required for public clients only. */
export const RFC9700_PUBLIC_ONLY = 'RFC 9700 §4.14.2 requires refresh token rotation or sender-constrained refresh tokens only "for public clients"';

/** The refresh-policy fields whose firmness {@link refreshPolicyRule} decides. */
export type RefreshPolicyField = 'rotatesRefreshToken' | 'invalidatesOldRefreshToken' | 'invalidatesOldAccessToken' | 'reuseDetection';

/**
 * How a check of the spec's refresh policy field `field` is judged. A provider's document, an overlay of the
 * user's, or a stated assumption (which the runner caps at SHOULD, src/spec/judged-fields.ts) bind the server: MUST.
 * A policy that only follows the RFCs (`standard`, the rfc6749 profile) binds it only as far as the RFCs do:
 * rotation and revoking the old refresh token are a MAY (RFC 6749 §6) for a confidential client and at most a
 * SHOULD for a public one (RFC 9700 §4.14.2 also accepts sender-constrained refresh tokens instead); and no RFC
 * says what a refresh does to the old access token. `optional` holds the reason a server that does otherwise
 * breaks no rule.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export function refreshPolicyRule(spec: ProviderSpec, field: RefreshPolicyField, publicClient: boolean): { severity: Severity; optional?: string } {
  if (fieldProvenance(spec, `refresh.${field}`).kind !== 'standard') return { severity: 'MUST' };
  if (field === 'invalidatesOldAccessToken') {
    return { severity: 'MUST', optional: 'RFC 6749 §6 sets no rule for the access token a refresh replaces: revoking it or keeping it until it expires is the server\'s choice, and the spec cites no provider document for it' };
  }
  if (publicClient) return { severity: 'SHOULD' };
  return { severity: 'MUST', optional: `the spec's refresh policy is the RFCs' (no provider document), and for a confidential client ${RFC6749_ROTATION_MAY}; ${RFC9700_PUBLIC_ONLY}` };
}

// ---------- judgements shared by the refresh, expiry and revocation checks ----------

/**
 * A refresh request succeeded: HTTP 200 with a non-empty access_token. `what` names the request in the message.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function judgeRefreshSucceeds(ex: HttpExchange, what: string, requirement = 'RFC 6749 §6'): Outcome {
  const at = bodyObject(ex)?.access_token;
  if (ex.status === 200 && typeof at === 'string' && at.length > 0) return pass();
  return fail(what, 'HTTP 200 with a new access_token', observedResponse(ex), requirement);
}

export { judgeRefusedAtResource } from './resource.ts';

// ---------- what a refresh returns ----------

/**
 * The refresh response is HTTP 200 with an access_token that differs from the one being replaced.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export const newAccessTokenIssued = defineCheck({
  id: 'rotation.new-access-token-issued',
  title: 'A refresh returns a new access token',
  requirement: 'RFC 6749 §6, §5.1',
  evaluate(ex: HttpExchange, oldAccessToken: string): Outcome {
    const b = bodyObject(ex);
    if (ex.status !== 200 || !b) return fail('refresh response', 'HTTP 200 with a JSON object body', observedResponse(ex), 'RFC 6749 §5.1');
    const at = b.access_token;
    if (typeof at !== 'string' || at.length === 0) return fail('"access_token" in refresh response', 'a non-empty string', at === undefined ? '(absent)' : show(at), 'RFC 6749 §5.1');
    if (at === oldAccessToken) return fail('"access_token" in refresh response', 'a new access token', 'the access token that was being refreshed', 'RFC 6749 §6');
    return pass();
  },
});

/**
 * The refresh response carries a refresh_token different from the one just used (`basis`: where the spec says
 * refresh tokens rotate).
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export const newRefreshTokenIssued = defineCheck({
  id: 'rotation.new-refresh-token-issued',
  title: 'A refresh returns a new refresh token (rotation), as the spec says',
  requirement: 'RFC 9700 §4.14.2 and provider spec refresh.rotatesRefreshToken',
  evaluate(ex: HttpExchange, oldRefreshToken: string, basis: string, optional?: string): Outcome {
    const rt = bodyObject(ex)?.refresh_token;
    const rotated = typeof rt === 'string' && rt.length > 0 && rt !== oldRefreshToken;
    if (!rotated && optional) return notApplicable(`${optional}; observed: the refresh returned ${rt === undefined ? 'no refresh token' : rt === oldRefreshToken ? 'the same refresh token' : `"refresh_token" ${show(rt)}`}`);
    if (typeof rt !== 'string' || rt.length === 0) return fail('"refresh_token" in refresh response', 'a new refresh token (rotation)', rt === undefined ? '(absent)' : show(rt), basis);
    if (rt === oldRefreshToken) return fail('"refresh_token" in refresh response', 'a new refresh token (rotation)', 'the refresh token that was just used', basis);
    return pass();
  },
});

/**
 * The resource accepts the access token a refresh returned.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2
 */
export const newAccessTokenWorks = defineCheck({
  id: 'rotation.new-access-token-works',
  title: 'The refreshed access token works at the protected resource',
  requirement: 'RFC 6749 §6, RFC 6750 §2',
  evaluate: (ex: HttpExchange): Outcome => checkResourceAccepts(ex),
});

/**
 * A refresh with the refresh token issued by the previous refresh succeeds.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export const newRefreshTokenWorks = defineCheck({
  id: 'rotation.new-refresh-token-works',
  title: 'The rotated refresh token can itself be used to refresh',
  requirement: 'RFC 6749 §6',
  evaluate: (ex: HttpExchange): Outcome => judgeRefreshSucceeds(ex, 'refresh with the rotated refresh token', 'RFC 6749 §6'),
});

// ---------- what a refresh does to the old pair ----------

/**
 * The resource refuses the access token of the pair a refresh replaced with the spec's invalid-token `status`
 * (a 4xx; a 5xx or a 2xx is no refusal). `basis`: where the spec says the refresh invalidates it.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export const oldAccessTokenRejected = defineCheck({
  id: 'rotation.old-access-token-rejected',
  title: 'After a refresh the old access token is rejected, as the spec says',
  requirement: 'provider spec refresh.invalidatesOldAccessToken',
  evaluate: (ex: HttpExchange, status: number, basis: string): Outcome =>
    judgeRefusedAtResource(ex, status, 'resource call with the access token of the refreshed pair', 'invalidated by the refresh', basis),
});

/**
 * The resource still accepts the access token issued before the refresh.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export const oldAccessTokenStillValid = defineCheck({
  id: 'rotation.old-access-token-still-valid',
  title: 'After a refresh the old access token still works until it expires, as the spec says',
  requirement: 'provider spec refresh.invalidatesOldAccessToken',
  evaluate(ex: HttpExchange, basis: string): Outcome {
    if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) return pass();
    return fail('resource call with the access token issued before the refresh', 'a 2xx (still valid until it expires)', observedResponse(ex), basis);
  },
});

/**
 * Reusing the refresh token a refresh consumed is rejected as the spec documents invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export const oldRefreshTokenRejected = defineCheck({
  id: 'rotation.old-refresh-token-rejected',
  title: 'A refresh token already used is rejected as invalid_grant, as the spec says',
  requirement: 'RFC 6749 §5.2, RFC 9700 §4.14.2 and provider spec refresh.invalidatesOldRefreshToken',
  evaluate(ex: HttpExchange, spec: ProviderSpec, basis: string, optional?: string): Outcome {
    if (optional && judgeRefreshSucceeds(ex, 'second refresh').status === 'passed') return notApplicable(`${optional}; observed: the used refresh token still works (HTTP ${ex.status} with an access_token)`);
    return judgeRejection(ex, spec, 'invalid_grant', 'second refresh with the refresh token already used', `RFC 6749 §5.2; ${basis}`);
  },
});

/**
 * A second refresh with the same refresh token succeeds.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export const oldRefreshTokenStillValid = defineCheck({
  id: 'rotation.old-refresh-token-still-valid',
  title: 'A refresh token stays usable after a refresh, as the spec says',
  requirement: 'RFC 6749 §6 and provider spec refresh.invalidatesOldRefreshToken',
  evaluate: (ex: HttpExchange, basis: string): Outcome => judgeRefreshSucceeds(ex, 'second refresh with the same refresh token', basis),
});

/**
 * After a rotated-away refresh token was replayed, the active refresh token of the same grant is refused as the
 * spec documents invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export const reuseRevokesActiveToken = defineCheck({
  id: 'rotation.reuse-revokes-active-refresh-token',
  title: 'Replaying a rotated refresh token revokes the active one (reuse detection)',
  requirement: 'RFC 9700 §4.14.2',
  evaluate: (ex: HttpExchange, spec: ProviderSpec): Outcome =>
    judgeRejection(ex, spec, 'invalid_grant', 'refresh with the active refresh token after the rotated one was replayed', 'RFC 9700 §4.14.2'),
});
