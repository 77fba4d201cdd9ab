/**
 * Issued tokens that are JWTs.
 *
 * Where the spec declares access_token or id_token as a JWT, obtain a token and check each: it decodes, its
 * signature verifies against the target's JWKS, iat and exp are current, the access token's exp - iat equals
 * expires_in (compared as a number, so T-Mobile's documented "3599" string counts by its value), iss is the
 * expected issuer (the target's, which overrides the spec's documented one), and an ID token names the client
 * in aud and carries the claims OpenID Connect requires. Opaque tokens are not applicable.
 * @see https://www.rfc-editor.org/rfc/rfc7519
 */
import { defineSuite, passed } from '../src/runner/suite.ts';
import { notApplicable } from '../src/checks/check.ts';
import * as J from '../src/checks/jwt.ts';
import { obtainToken } from '../src/steps/requests.ts';
import type { ProviderSpec } from '../src/spec/schema.ts';

const FIELDS: J.JwtField[] = ['access_token', 'id_token'];

/** Why `field` is not checked as a JWT under `spec`, or undefined when it is. */
function notJwt(spec: ProviderSpec, field: J.JwtField): string | undefined {
  const f = spec.tokenResponse.fields[field];
  if (!f) return `the spec declares no ${field} in token responses`;
  if (f.type !== 'jwt') return `the spec declares ${field} as an opaque ${f.type}, not a JWT`;
  return undefined;
}

export default defineSuite({
  name: 'issued-jwt',
  summary: 'JWT access and ID tokens: decode, signature, times, lifetime vs expires_in, issuer, audience.',
  appliesTo: (spec) => (FIELDS.some((f) => !notJwt(spec, f)) ? true : `the spec declares no JWT-typed token (${FIELDS.map((f) => notJwt(spec, f)).join('; ')})`),
  async run(t) {
    const { spec, target } = t;
    const tok = await t.step('obtain a token with the primary grant', () => obtainToken(t));
    const body = () => (tok.ok ? tok.value.body : {});

    for (const field of FIELDS) {
      const meta = (a: Parameters<typeof J.jwtMeta>[1]) => J.jwtMeta(field, a);
      const metas = [meta('decodes'), meta('signature-verifies'), meta('times-current'), meta('issuer-matches'),
        ...(field === 'access_token' ? [meta('lifetime-matches-expires-in')] : [meta('required-claims'), meta('audience-is-client')])];
      const why = notJwt(spec, field);
      if (why) {
        for (const m of metas) t.notApplicable(m, 'MUST', why);
        continue;
      }
      const optionalAbsent = () => !spec.tokenResponse.fields[field]!.required && body()[field] === undefined;
      const decodes = await t.judge(meta('decodes'), { severity: 'MUST', needs: [tok] }, () =>
        optionalAbsent() ? notApplicable(`the response has no ${field} (optional in the spec)`) : J.checkJwtDecodes(field, body()[field]));
      if (decodes.status === 'not_applicable') {
        for (const m of metas.slice(1)) t.notApplicable(m, 'MUST', decodes.reason ?? 'not applicable');
        continue;
      }
      const needs = [tok, passed(decodes)];
      const token = () => String(body()[field]);
      const claims = () => (J.decodeJwt(token()) as J.DecodedJwt).claims;

      await t.judge(meta('signature-verifies'), { severity: 'MUST', needs }, () =>
        target.jwks ? J.checkJwtSignatureVerifies(field, token(), target.jwks) : notApplicable('the target states no JWKS (target.jwks) to verify against'));
      await t.judge(meta('times-current'), { severity: 'MUST', needs }, () => J.checkJwtTimesCurrent(field, claims(), target.now()));
      const issuer = J.expectedIssuer(target.issuer, spec.idToken?.issuer);
      await t.judge(meta('issuer-matches'), { severity: 'MUST', needs }, () =>
        issuer ? J.checkJwtIssuerMatches(field, claims(), issuer) : notApplicable('neither the target (issuer) nor the spec (idToken.issuer) states an issuer'));
      if (field === 'access_token') {
        await t.judge(meta('lifetime-matches-expires-in'), { severity: 'MUST', needs }, () =>
          body().expires_in === undefined ? notApplicable('the token response has no expires_in') : J.checkJwtLifetimeMatchesExpiresIn(field, claims(), body().expires_in));
      } else {
        await t.judge(meta('required-claims'), { severity: 'MUST', needs }, () => J.checkIdTokenRequiredClaims(claims()));
        await t.judge(meta('audience-is-client'), { severity: 'MUST', needs }, () =>
          spec.idToken?.audienceIsClientId === false ? notApplicable('the spec says the ID token audience is not the client_id') : J.checkIdTokenAudienceIsClient(claims(), target.clientId));
      }
    }
  },
});

