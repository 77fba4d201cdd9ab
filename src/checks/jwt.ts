/**
 * Checks on issued tokens that are JWTs (spec `tokenResponse.fields[*].type: jwt`): they decode, their signature
 * verifies against the target's JWKS, their times are current, `exp - iat` agrees with `expires_in`, `iss` is the
 * expected issuer and an ID token names the client as audience and carries the claims OpenID Connect requires.
 *
 * Issuer: the target's `issuer` wins over the spec's `idToken.issuer` when both are known. The spec documents the
 * provider's production issuer (T-Mobile: https://apis.t-mobile.com/oauth2/v1), while a mock or a test
 * deployment issues its own; the target file is where the operator states what this deployment uses.
 * @see https://www.rfc-editor.org/rfc/rfc7519
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
import { compactVerify, createLocalJWKSet, type JWK } from 'jose';
import { defineCheck, fail, notApplicable, pass, show, type Outcome } from './check.ts';

/** The token-response members this module inspects. */
export type JwtField = 'access_token' | 'id_token';

/** A compact JWS with its header and claims decoded (signature not checked). */
export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** How far a JWT's `iat` may lie ahead of the target's clock, in seconds (clock differences on live targets). */
export const JWT_CLOCK_TOLERANCE_SECONDS = 60;
// The largest accepted difference between `exp - iat` and `expires_in` is the expiry checks' own
// (T-Mobile's example has exp - iat = 3600 with expires_in "3599", tmo lines 74-76).
import { LIFETIME_TOLERANCE_SECONDS } from './expiry.ts';
export { LIFETIME_TOLERANCE_SECONDS };

const slug = (f: JwtField) => f.replace(/_/g, '-');

/**
 * Decodes a compact JWS without verifying it; returns why it is not one instead of throwing.
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.2
 */
export function decodeJwt(value: unknown): DecodedJwt | string {
  if (typeof value !== 'string') return value === undefined ? '(absent)' : `a ${typeof value}, not a string`;
  const parts = value.split('.');
  if (parts.length !== 3) return `${parts.length} dot-separated segment(s), not 3`;
  if (!parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p))) return 'characters outside base64url';
  const json = (seg: string, what: string): Record<string, unknown> | string => {
    try {
      const v = JSON.parse(Buffer.from(seg, 'base64url').toString('utf8')) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : `a ${what} that is not a JSON object`;
    } catch {
      return `a ${what} that is not base64url JSON`;
    }
  };
  const header = json(parts[0]!, 'header');
  if (typeof header === 'string') return header;
  const claims = json(parts[1]!, 'claims segment');
  if (typeof claims === 'string') return claims;
  return { header, claims };
}

/** The issuer a JWT must name, and where that expectation comes from. */
export interface ExpectedIssuer {
  issuer: string;
  source: string;
}

/**
 * The target's issuer when it has one, else the spec's documented `idToken.issuer` (see the module documentation
 * for why the target wins); `undefined` when neither is known.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
export function expectedIssuer(targetIssuer: string | undefined, specIssuer: string | undefined): ExpectedIssuer | undefined {
  if (targetIssuer) {
    const note = specIssuer && specIssuer !== targetIssuer ? `, which overrides the spec's documented ${show(specIssuer)}` : '';
    return { issuer: targetIssuer, source: `the target's issuer${note}` };
  }
  if (specIssuer) return { issuer: specIssuer, source: 'the spec\'s idToken.issuer' };
  return undefined;
}

/** What the signature check judges: how a token fared against the target's JWKS (see {@link verifyJwtSignature}). */
export interface SignatureVerification {
  /** The token's header `alg` and `kid`, as presented. */
  alg: unknown;
  kid: unknown;
  /** The kids of the keys in the JWKS (`(none)` for a key without one). */
  kids: string[];
  /** Why it did not verify (jose's error code); absent when a key of the set verified it. */
  error?: string;
}

/**
 * Verifies `token`'s signature with a key of `jwks` (jose `createLocalJWKSet`, no network): `alg` "none" and keys
 * outside the set do not verify. Only the signature is checked; times and issuer have their own checks.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export async function verifyJwtSignature(token: string, jwks: { keys: JWK[] }): Promise<SignatureVerification> {
  const d = decodeJwt(token);
  const header = typeof d === 'string' ? {} : d.header;
  const seen = { alg: header.alg, kid: header.kid, kids: jwks.keys.map((k) => k.kid ?? '(none)') };
  try {
    await compactVerify(token, createLocalJWKSet(jwks));
    return seen;
  } catch (e) {
    return { ...seen, error: (e as { code?: string }).code ?? (e as Error).name };
  }
}

/** Accepts a numeric `expires_in` or a numeric string (T-Mobile's "3599"); `undefined` otherwise. */
function expiresInSeconds(expiresIn: unknown): number | undefined {
  if (typeof expiresIn === 'number') return expiresIn;
  return typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : undefined;
}

/**
 * The checks every JWT-typed token in a token response gets, for the member `field`: it decodes, its signature
 * verifies, its times are current and its issuer is the expected one. Ids are `jwt.<field>.<assertion>`
 * (`jwt.id-token.times-current`).
 * @see https://www.rfc-editor.org/rfc/rfc7519
 */
export function jwtChecks(field: JwtField) {
  const id = (assertion: string) => `jwt.${slug(field)}.${assertion}`;
  return {
    /**
     * The token-response member is a compact JWS with a JSON header and a JSON-object claims set.
     * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.2
     */
    decodes: defineCheck({
      id: id('decodes'),
      title: `${field} is a compact JWS with JSON header and claims`,
      requirement: 'RFC 7519 §7.2',
      evaluate(value: unknown): Outcome {
        const d = decodeJwt(value);
        if (typeof d === 'string') return fail(`"${field}" in token response`, 'a JWT (compact JWS with JSON header and claims)', d, 'provider spec tokenResponse.fields, RFC 7519 §7.2');
        return pass();
      },
    }),
    /**
     * The JWT's signature verified with a key of the target's JWKS ({@link verifyJwtSignature}).
     * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
     */
    signatureVerifies: defineCheck({
      id: id('signature-verifies'),
      title: `${field} signature verifies against the target's JWKS`,
      requirement: 'RFC 7515 §5.2, RFC 8725 §3.1',
      evaluate(v: SignatureVerification): Outcome {
        if (v.error === undefined) return pass();
        return fail(`signature of ${field}`, `a valid signature by a key in the target's JWKS (kids ${show(v.kids)})`, `alg ${show(v.alg)}, kid ${show(v.kid)}: ${v.error}`, 'RFC 7515 §5.2');
      },
    }),
    /**
     * `iat` and `exp` are numbers, `iat` is not ahead of the target's clock by more than the tolerance, `exp` is
     * after both `iat` and now: a token just issued is current.
     * @param now the target's clock (`target.now()`), epoch seconds
     * @see https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4
     */
    timesCurrent: defineCheck({
      id: id('times-current'),
      title: `${field} has numeric iat and exp, issued now and not yet expired`,
      requirement: 'RFC 7519 §4.1.4, §4.1.6',
      evaluate(claims: Record<string, unknown>, now: number): Outcome {
        const tolerance = JWT_CLOCK_TOLERANCE_SECONDS;
        const { iat, exp } = claims;
        if (typeof iat !== 'number' || typeof exp !== 'number') return fail(`"iat" and "exp" in ${field}`, 'NumericDate numbers', `iat ${show(iat)}, exp ${show(exp)}`, 'RFC 7519 §4.1.4, §4.1.6');
        if (iat > now + tolerance) return fail(`"iat" in ${field}`, `at most now (${now}) + ${tolerance} s`, `${iat} (${iat - now} s in the future)`, 'RFC 7519 §4.1.6');
        if (exp <= iat) return fail(`"exp" in ${field}`, `later than iat (${iat})`, String(exp), 'RFC 7519 §4.1.4');
        if (exp <= now) return fail(`"exp" in ${field}`, `later than now (${now}) for a token just issued`, `${exp} (${now - exp} s ago)`, 'RFC 7519 §4.1.4');
        return pass();
      },
    }),
    /**
     * `iss` equals the expected issuer exactly (no normalisation: OpenID Connect compares issuers as strings).
     * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
     */
    issuerMatches: defineCheck({
      id: id('issuer-matches'),
      title: `${field} iss is the expected issuer`,
      requirement: field === 'id_token' ? 'OpenID Connect Core §2, provider spec idToken.issuer' : 'RFC 9068 §2.2, provider spec idToken.issuer',
      evaluate(claims: Record<string, unknown>, expected: ExpectedIssuer): Outcome {
        if (claims.iss === expected.issuer) return pass();
        return fail(`"iss" in ${field}`, `${show(expected.issuer)} (${expected.source})`, show(claims.iss), 'OpenID Connect Core §3.1.3.7 step 2');
      },
    }),
  };
}

/** The check objects {@link jwtChecks} makes for one field. */
export type JwtChecks = ReturnType<typeof jwtChecks>;

/** The checks on a JWT access token: {@link jwtChecks} plus `exp - iat` against `expires_in`. */
export const accessTokenJwtChecks = {
  ...jwtChecks('access_token'),
  /**
   * `exp - iat` agrees with `expires_in` within {@link LIFETIME_TOLERANCE_SECONDS}. `expires_in` is compared as a
   * number: a numeric string (T-Mobile's "3599", a deviation the token-endpoint suite reports) counts by its value.
   * Without `expires_in` (RFC 6749 §5.1 only RECOMMENDS it) there is nothing to compare: not applicable. Judged as a
   * SHOULD: §5.1 defines `expires_in` as "The lifetime in seconds of the access token" with no MUST, and neither
   * RFC 7519 nor RFC 9068 ties `exp` to it.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
   */
  lifetimeMatchesExpiresIn: defineCheck({
    id: 'jwt.access-token.lifetime-matches-expires-in',
    title: 'access_token exp - iat equals expires_in',
    requirement: 'RFC 6749 §5.1 (expires_in is the lifetime of the access token)',
    evaluate(claims: Record<string, unknown>, expiresIn: unknown): Outcome {
      const tolerance = LIFETIME_TOLERANCE_SECONDS;
      if (expiresIn === undefined) return notApplicable('the token response has no expires_in');
      const seconds = expiresInSeconds(expiresIn);
      if (seconds === undefined) return fail('"expires_in" in token response', 'a number of seconds (or a numeric string)', show(expiresIn), 'RFC 6749 §5.1');
      const { iat, exp } = claims;
      if (typeof iat !== 'number' || typeof exp !== 'number') return fail('"iat" and "exp" in access_token', 'NumericDate numbers', `iat ${show(iat)}, exp ${show(exp)}`, 'RFC 7519 §4.1.4');
      const lifetime = exp - iat;
      if (Math.abs(lifetime - seconds) > tolerance) {
        return fail('"exp" - "iat" in access_token', `expires_in ${show(expiresIn)} (${seconds} s) give or take ${tolerance} s`, `${lifetime} s`, 'RFC 6749 §5.1');
      }
      return pass();
    },
  }),
};

/** The checks on an ID token: {@link jwtChecks} plus the claims OpenID Connect requires and the audience. */
export const idTokenJwtChecks = {
  ...jwtChecks('id_token'),
  /**
   * An ID token carries the claims OpenID Connect Core §2 makes REQUIRED: iss, sub, aud, exp, iat.
   * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
   */
  requiredClaims: defineCheck({
    id: 'jwt.id-token.required-claims',
    title: 'id_token carries iss, sub, aud, exp and iat',
    requirement: 'OpenID Connect Core §2',
    evaluate(claims: Record<string, unknown>): Outcome {
      const missing = ['iss', 'sub', 'aud', 'exp', 'iat'].filter((c) => claims[c] === undefined);
      if (missing.length === 0) return pass();
      return fail('id_token claims', 'iss, sub, aud, exp and iat', `no ${missing.map((c) => `"${c}"`).join(', ')} among ${show(Object.keys(claims))}`, 'OpenID Connect Core §2');
    },
  }),
  /**
   * An ID token's `aud` is the client_id or an array containing it.
   * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
   */
  audienceIsClient: defineCheck({
    id: 'jwt.id-token.audience-is-client',
    title: 'id_token aud contains the client_id',
    requirement: 'OpenID Connect Core §2 (aud MUST contain the client_id), provider spec idToken.audienceIsClientId',
    evaluate(claims: Record<string, unknown>, clientId: string): Outcome {
      const aud = claims.aud;
      if (aud === clientId || (Array.isArray(aud) && aud.includes(clientId))) return pass();
      return fail('"aud" in id_token', `the client_id ${show(clientId)} or an array containing it`, show(aud), 'OpenID Connect Core §2');
    },
  }),
};
