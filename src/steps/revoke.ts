/**
 * The revocation request (RFC 7009 §2.1): `token` and an optional `token_type_hint`, form-encoded, sent to the
 * spec's revoke endpoint with the client authentication the spec uses at the token endpoint. Like the other
 * request builders it returns the raw exchange; deciding what it means is the checks' job.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
import type { HttpExchange } from '../http/types.ts';
import type { SuiteContext } from '../runner/suite.ts';
import { attachTaap, sendBuilt } from './requests.ts';
import { buildRevokeRequest, type AuthMode } from './build.ts';

export interface RevokeRequestOptions {
  /**
   * `token_type_hint` to send (`access_token` or `refresh_token`, RFC 7009 §2.1); none by default, as the
   * parameter is OPTIONAL.
   */
  hint?: string;
  /** Client authentication: the spec's method by default; `'none'` sends no credentials. */
  auth?: AuthMode;
}

/**
 * Sends a revocation request for `token`. The body is always `application/x-www-form-urlencoded`
 * (RFC 7009 §2.1 fixes the format, whatever encoding the spec's token requests use); client credentials travel
 * the way the spec's token requests carry them (Basic, body, or both).
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export async function revokeRequest(t: SuiteContext, token: string, opts: RevokeRequestOptions = {}): Promise<HttpExchange> {
  const req = buildRevokeRequest(t, token, opts);
  if (t.spec.pop?.profile === 'taap') await attachTaap(t, req);
  return sendBuilt(t, req);
}
