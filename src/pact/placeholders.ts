/**
 * Placeholders: the values a contract carries where a real request carries a secret or a value that only exists
 * at run time (client credentials, tokens, authorization codes, tenant headers). A pact never holds a secret; the
 * verifier's request filter ({@link ./filter.ts}) swaps each placeholder for the target's real value per request.
 * Consumer teams writing their own pacts use the same placeholders (see the README's Pact section).
 * @see https://docs.pact.io/provider/handling_auth
 */
import type { ProviderSpec } from '../spec/schema.ts';

/** Placeholder values, chosen from the RFC 6750 token68 alphabet so they fit every header and body pattern. */
export const PLACEHOLDER = {
  clientId: 'oauthgate.client_id',
  clientSecret: 'oauthgate.client_secret',
  username: 'oauthgate.username',
  password: 'oauthgate.password',
  accessToken: 'oauthgate.access_token',
  refreshToken: 'oauthgate.refresh_token',
  code: 'oauthgate.code',
} as const;

/** Placeholder of a target header (Tangoe's `X-TNGO-TENANT`): `oauthgate.header.X-TNGO-TENANT`. */
export const headerPlaceholder = (name: string): string => `oauthgate.header.${name}`;

/** Values the request filter puts in place of the placeholders for one request. */
export interface RealValues {
  clientId: string;
  /** Absent for a public client (RFC 6749 §2.1). */
  clientSecret?: string;
  username?: string;
  password?: string;
  /** Target headers by name (Tangoe's tenant header). */
  headers: Record<string, string>;
  accessToken?: string;
  refreshToken?: string;
  code?: string;
}

/** The real value for `value` when it is a placeholder; `value` itself otherwise. */
export function substitute(value: string, real: RealValues): string {
  switch (value) {
    case PLACEHOLDER.clientId: return real.clientId;
    case PLACEHOLDER.clientSecret: return real.clientSecret ?? value;
    case PLACEHOLDER.username: return real.username ?? value;
    case PLACEHOLDER.password: return real.password ?? value;
    case PLACEHOLDER.accessToken: return real.accessToken ?? value;
    case PLACEHOLDER.refreshToken: return real.refreshToken ?? value;
    case PLACEHOLDER.code: return real.code ?? value;
    default: {
      if (value.startsWith('oauthgate.header.')) return real.headers[value.slice('oauthgate.header.'.length)] ?? value;
      return value;
    }
  }
}

/** Target headers as placeholders, from the spec's required headers (`${target.clientId}` becomes the client placeholder). */
export function placeholderHeaders(spec: ProviderSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of spec.requiredHeaders?.headers ?? []) {
    out[h.name] = h.value === '${target.clientId}' ? PLACEHOLDER.clientId : headerPlaceholder(h.name);
  }
  return out;
}
