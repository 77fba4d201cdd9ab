/**
 * Issued tokens that are JWTs.
 *
 * Where the spec declares access_token or id_token as a JWT, obtain a token and check each: it decodes, its
 * signature verifies against the target's JWKS, iat and exp are current, the access token's exp - iat equals
 * expires_in (compared as a number, so T-Mobile's documented "3599" string counts by its value), iss is the
 * expected issuer (the target's, which overrides the spec's documented one), and an ID token names the client
 * in aud and carries the claims OpenID Connect requires. Opaque tokens are not applicable.
 *
 * Where the target states a JWKS (jwksUri) or an issuer, a token is checked when it is a compact JWS by its shape,
 * whatever the spec calls it: a server the spec describes as issuing opaque tokens, but which issues JWTs, still
 * has its signature and claims checked.
 * @see https://www.rfc-editor.org/rfc/rfc7519
 */
import { defineSuite, passed, type SuiteContext, type Prereq } from '../src/runner/suite.ts';
import { CheckAbort, notApplicable, type CheckMeta } from '../src/checks/check.ts';
import * as J from '../src/checks/jwt.ts';
import { jwsParts } from '../src/steps/forged-tokens.ts';
import { obtainToken, type IssuedToken } from '../src/steps/requests.ts';
import type { ProviderSpec } from '../src/spec/schema.ts';

const FIELDS: J.JwtField[] = ['access_token', 'id_token'];

/** The suite-level not-applicable record, as the engine writes it for suites that do not apply. */
const APPLICABLE: CheckMeta = { id: 'issued-jwt.applicable', title: 'issued-jwt suite applies to this spec', requirement: 'provider spec' };

/** Why `field` is not checked as a JWT under `spec`, or undefined when it is. */
function notJwt(spec: ProviderSpec, field: J.JwtField): string | undefined {
  const f = spec.tokenResponse.fields[field];
  if (!f) return `the spec declares no ${field} in token responses`;
  if (f.type !== 'jwt') return `the spec declares ${field} as an opaque ${f.type}, not a JWT`;
  return undefined;
}

/** Whether the target states what JWTs are checked against (a JWKS or an issuer): then any JWS-shaped token is checked. */
const targetStatesJwtKeys = (t: SuiteContext) => Boolean(t.target.jwks || t.target.issuer);

export default defineSuite({
  name: 'issued-jwt',
  summary: 'JWT access and ID tokens: decode, signature, times, lifetime vs expires_in, issuer, audience.',
  async run(t) {
    if (!targetStatesJwtKeys(t) && FIELDS.every((f) => notJwt(t.spec, f))) {
      t.notApplicable(APPLICABLE, 'MAY', `the spec declares no JWT-typed token (${FIELDS.map((f) => notJwt(t.spec, f)).join('; ')}) and the target states no jwksUri or issuer`);
      return;
    }
    const tok = await t.step('obtain a token with the primary grant', () => obtainToken(t));

    const access = await checkCommon(t, tok, 'access_token', J.accessTokenJwtChecks);
    if (access) {
      const c = J.accessTokenJwtChecks.lifetimeMatchesExpiresIn;
      await t.check(c, { severity: 'SHOULD', needs: [tok, access] }, ({ body }) => [claimsOf(body.access_token), body.expires_in]);
    }

    const id = await checkCommon(t, tok, 'id_token', J.idTokenJwtChecks);
    if (id) {
      const c = J.idTokenJwtChecks;
      await t.check(c.requiredClaims, { severity: 'MUST', needs: [tok, id] }, ({ body }) => [claimsOf(body.id_token)]);
      await t.check(c.audienceIsClient, { severity: 'MUST', needs: [tok, id] }, ({ body }) =>
        t.spec.idToken?.audienceIsClientId === false ? abort('the spec says the ID token audience is not the client_id') : [claimsOf(body.id_token), t.target.clientId]);
    }
  },
});

/**
 * Runs the checks every JWT-typed `field` gets (decodes, signature, times, issuer), or records all of `checks` as
 * not applicable when the spec does not declare `field` a JWT or the response lacks an optional one. Returns the
 * prerequisite "the field decodes" for the field's own checks, or undefined when they do not apply.
 */
async function checkCommon(t: SuiteContext, tok: Prereq<IssuedToken>, field: J.JwtField, checks: J.JwtChecks & Record<string, CheckMeta>): Promise<Prereq<void> | undefined> {
  const { spec, target } = t;
  const all = Object.values(checks);
  const why = notJwt(spec, field);
  // A field the spec does not call a JWT is still checked when the target states keys or an issuer and the
  // issued value is a JWS by its shape.
  const byShape = why !== undefined && targetStatesJwtKeys(t);
  if (why && !byShape) {
    for (const c of all) t.notApplicable(c, 'MUST', why);
    return undefined;
  }
  const optional = !spec.tokenResponse.fields[field]?.required;
  const decodes = await t.check(checks.decodes, { severity: 'MUST', needs: [tok] }, ({ body }) => {
    if (optional && body[field] === undefined) return abort(`the response has no ${field} (optional in the spec)`);
    if (byShape && (typeof body[field] !== 'string' || !jwsParts(body[field]))) return abort(`${why}, and the issued ${field} is not a compact JWS either`);
    return [body[field]];
  });
  if (decodes.status === 'not_applicable') {
    for (const c of all.slice(1)) t.notApplicable(c, 'MUST', decodes.reason ?? 'not applicable');
    return undefined;
  }
  const decoded = passed(decodes);
  const needs = [tok, decoded] as const;
  const { jwks } = target;
  await t.check(checks.signatureVerifies, { severity: 'MUST', needs }, async ({ body }) =>
    jwks ? [await J.verifyJwtSignature(String(body[field]), jwks)] : abort('the target states no JWKS (target.jwks) to verify against'));
  await t.check(checks.timesCurrent, { severity: 'MUST', needs }, ({ body }) => [claimsOf(body[field]), target.now()]);
  const issuer = J.expectedIssuer(target.issuer, spec.idToken?.issuer);
  await t.check(checks.issuerMatches, { severity: 'MUST', needs }, ({ body }) =>
    issuer ? [claimsOf(body[field]), issuer] : abort('neither the target (issuer) nor the spec (idToken.issuer) states an issuer'));
  return decoded;
}

/** The claims of a token that the decodes check passed (an empty set should it not decode after all). */
function claimsOf(token: unknown): Record<string, unknown> {
  const d = J.decodeJwt(token);
  return typeof d === 'string' ? {} : d.claims;
}

/** Ends the running check as not applicable. */
function abort(reason: string): never {
  throw new CheckAbort(notApplicable(reason));
}
