/**
 * Faults a mock server can be told to commit. Each one breaks or weakens exactly one documented behaviour,
 * so the kill matrix (test/kill-matrix.test.ts) can prove that the check meant to notice it does.
 */
export const FAULTS = {
  // token endpoint
  'no-cache-control': 'Token responses omit Cache-Control: no-store.',
  'token-type-mac': 'token_type is "mac" instead of the documented value.',
  'no-access-token': 'Successful token responses lack access_token.',
  'no-token-type': 'Successful token responses lack token_type, also where the spec documents it.',
  'expires-in-string': 'expires_in is a JSON string even where the spec documents a number.',
  'expires-in-number': 'expires_in is a number even where the spec documents a string.',
  'expires-in-wrong': 'expires_in is 60 instead of the documented lifetime.',
  'error-not-json': 'Error responses are text/plain instead of an RFC 6749 §5.2 JSON body.',
  'error-200': 'Errors are sent with status 200 and an error body.',
  'error-code-changed': 'Error responses carry error "server_error" instead of the documented code (same status).',
  'accept-unknown-client': 'An unknown client_id still gets a token.',
  'accept-wrong-secret': 'A wrong client secret still gets a token.',
  'accept-any-content-type': 'The token endpoint ignores Content-Type.',
  'accept-unsupported-grant': 'Unknown grant types are answered with a token.',
  'accept-missing-grant-type': 'A request without grant_type is treated as client_credentials.',
  'accept-missing-parameter': 'A missing required grant parameter is ignored.',
  'accept-reused-code': 'An authorization code can be redeemed more than once.',
  'accept-any-client-auth': 'Client authentication methods the spec does not list are accepted.',
  'ignore-required-headers': 'Required headers (tenant, client_id) are not enforced.',
  'json-garbage': 'Successful token responses are not valid JSON.',
  // scope
  'accept-unknown-scope': 'Unknown scope values are granted instead of rejected.',
  'scope-escalation': 'The granted scope includes every catalogue value, not just those requested.',
  'scope-other-delimiter': 'Scopes joined with the other delimiter are split and granted.',
  'scope-not-required': 'A missing scope is accepted where the spec requires it.',
  'scope-echo-missing': 'The scope member is left out of token responses.',
  'scope-rfc-delimiter-only': 'Scopes are split on spaces only, whatever the spec\'s delimiter (breaks AT&T\'s comma lists).',
  'scope-duplicate-rejected': 'A scope value repeated in the request is rejected with invalid_scope.',
  'scope-empty-item-wildcard': 'An empty scope item (doubled, leading or trailing delimiter) is read as every catalogue value.',
  'scope-missing-rejected': 'A token request without scope is rejected with invalid_request although the spec lets scope be omitted.',
  'resource-ignores-scope': 'The protected resource does not check the token\'s scope.',
  'resource-rejects-all': 'The protected resource rejects every token.',
  'refresh-token-issued': 'Every grant issues a refresh token, also where the spec says none.',
  // PKCE (RFC 7636, RFC 9700 §2.1.1)
  'pkce-not-verified': 'code_verifier is never checked: a code requested with a challenge is redeemed with any verifier or none.',
  'pkce-verifier-optional': 'A code requested with a challenge is redeemed without code_verifier (a wrong one is still refused).',
  'pkce-allow-plain': 'A verifier equal to the S256 challenge itself is accepted (the challenge read as plain).',
  'pkce-downgrade': 'A code_verifier sent for a code requested without code_challenge is accepted (RFC 9700 §2.1.1 downgrade).',
  'pkce-not-required': 'An authorization request without code_challenge gets a code although the spec requires PKCE.',
  // redirect URIs
  'redirect-prefix-match': 'Redirect URIs are matched as plain string prefixes (no path-segment boundary).',
  'redirect-any-extension': 'Any redirect URI on the registered host is accepted.',
  'redirect-host-suffix': 'A host that merely ends with the registered host is accepted.',
  'redirect-ignore-host': 'The host is not compared (only scheme, port and path).',
  'redirect-authority-prefix': 'The authority is matched as a string prefix, so userinfo can smuggle another host (https://registered.host@evil.test/).',
  'redirect-ignore-userinfo': 'Userinfo in the redirect URI is ignored.',
  'redirect-ignore-port': 'The port is not compared.',
  'redirect-ignore-scheme': 'The scheme is not compared (http accepted for https).',
  'redirect-allow-dot-segments': 'Dot-segments in the path are accepted.',
  'redirect-allow-fragment': 'A fragment in the redirect URI is accepted.',
  'redirect-on-error': 'A rejected redirect URI is still redirected to (with an error).',
  'redirect-no-fallback': 'An absent redirect_uri is rejected although the spec documents a fallback.',
  'redirect-absent-fallback': 'An absent redirect_uri falls back to the registered URI although the spec says it is required.',
  'state-dropped': 'state is not returned on the redirect.',
  'implicit-in-query': 'Implicit-grant tokens are sent in the query instead of the fragment.',
  'redirect-exact-only': 'Only the exact registered URI matches (breaks the AT&T extension rule).',
  // expiry
  'never-expire': 'Access tokens never expire at the resource.',
  'refresh-never-expire': 'Refresh tokens never expire.',
  'no-www-authenticate': 'The resource answers 401 without WWW-Authenticate.',
  'refresh-expires-early': 'Refresh tokens expire with the access token instead of after the refresh-token lifetime.',
  // rotation
  'refresh-keeps-old-refresh': 'A refresh leaves the old refresh token usable.',
  'refresh-keeps-old-access': 'A refresh leaves the old access token usable.',
  'refresh-no-rotation': 'A refresh returns no new refresh token.',
  'no-reuse-detection': 'Replaying a rotated refresh token does not revoke the active one.',
  'refresh-kills-access': 'A refresh invalidates the old access token although the spec says it stays valid.',
  'refresh-kills-refresh': 'A refresh invalidates the refresh token used although the spec says it stays usable.',
  // revocation
  'revoke-noop': 'Revocation answers 200 but revokes nothing.',
  'revoke-unknown-400': 'Revoking an unknown token answers 400.',
  'revoke-no-client-auth': 'Revocation does not require client authentication.',
  'revoke-refresh-keeps-access': 'Revoking a refresh token leaves the access tokens of its grant usable.',
  'revoke-hint-strict': 'A token is looked up only among the type token_type_hint names, so a wrong hint revokes nothing.',
  // PoP (TAAP and DPoP)
  'pop-not-required': 'Token requests without a PoP token are accepted.',
  'pop-skip-signature': 'The PoP signature is not verified.',
  'pop-allow-none': 'alg "none" PoP tokens are accepted.',
  'pop-allow-hs256': 'HS256 PoP tokens keyed with the public key are accepted (algorithm confusion).',
  'pop-skip-exp': 'Expired PoP tokens are accepted.',
  'pop-skip-iat': 'PoP tokens issued in the future are accepted.',
  'pop-skip-lifetime': 'PoP tokens living longer than allowed are accepted.',
  'pop-skip-jti': 'A replayed PoP jti is accepted.',
  'pop-skip-edts': 'edts is not recomputed from the request.',
  'pop-edts-case-insensitive': 'edts is compared case-insensitively.',
  'pop-skip-required-parts': 'Required ehts parts are not enforced.',
  'pop-skip-resource': 'Resource calls do not check PoP.',
  'pop-split-tolerant': 'edts is checked over the concatenation only, so re-split header/body values pass.',
  'dpop-skip-htm': 'DPoP htm is not checked.',
  'dpop-skip-htu': 'DPoP htu is not checked.',
  'dpop-skip-iat': 'DPoP iat freshness is not checked.',
  'dpop-skip-jti': 'A replayed DPoP jti is accepted.',
  'dpop-allow-none': 'alg "none" DPoP proofs are accepted.',
  'dpop-allow-private-jwk': 'A private key in the DPoP jwk header is accepted.',
  'dpop-skip-ath': 'Resource calls with a DPoP proof lacking ath are accepted.',
  'dpop-not-bound': 'DPoP token requests get Bearer tokens with no cnf.jkt binding.',
  // issued JWTs
  'jwt-bad-signature': 'Issued JWTs are signed with a key that is not in the published JWKS.',
  'jwt-wrong-issuer': 'Issued JWTs name another issuer.',
  'jwt-wrong-audience': 'Issued JWTs are addressed to another audience.',
  // transport
  'hang': 'The server accepts connections and never answers.',
  'reset': 'The server resets every connection.',
  'garbage': 'The server answers with bytes that are not HTTP.',
} as const;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

/** Validates fault names from user input; returns the unknown ones. */
export function unknownFaults(names: string[]): string[] {
  return names.filter((n) => !(n in FAULTS));
}
