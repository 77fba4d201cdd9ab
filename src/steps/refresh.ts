/**
 * Steps around refresh tokens: which grant yields one for this spec, obtaining such a token, and the refresh
 * request itself (RFC 6749 §6). Shared by the expiry, rotation and revocation suites.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
import type { HttpExchange } from '../http/types.ts';
import { Unavailable, type SuiteContext } from '../runner/suite.ts';
import type { GrantType } from '../spec/schema.ts';
import { obtainToken, tokenRequest, type IssuedToken } from './requests.ts';

/**
 * The grant that yields a refresh token for this spec, in order of preference: client_credentials (AT&T),
 * password (Tangoe), authorization_code (auto-consent targets). Undefined when the spec has no refresh grant or
 * no grant issues refresh tokens.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-1.5
 */
export function refreshingGrant(t: SuiteContext): GrantType | undefined {
  const g = t.spec.grants;
  if (!g.refresh_token) return undefined;
  return (['client_credentials', 'password', 'authorization_code'] as const).find((name) => g[name]?.issuesRefreshToken);
}

/**
 * Obtains a token pair with a refresh token; throws with the reason (for named steps) when the spec has no
 * such grant or the response carries no refresh_token.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export async function obtainRefreshableToken(t: SuiteContext): Promise<IssuedToken & { refreshToken: string }> {
  const grant = refreshingGrant(t);
  if (!grant) throw new Unavailable('the spec declares no grant that issues a refresh token');
  const tok = await obtainToken(t, grant);
  if (!tok.refreshToken) throw new Error(`the ${grant} token response: expected a refresh_token, observed (absent)`);
  return { ...tok, refreshToken: tok.refreshToken };
}

/**
 * Sends a refresh request (grant_type=refresh_token) with the spec's client authentication.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function refreshRequest(t: SuiteContext, refreshToken: string): Promise<HttpExchange> {
  return tokenRequest(t, 'refresh_token', { params: { refresh_token: refreshToken } });
}
