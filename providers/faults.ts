/**
 * Faults a mock server can be told to commit, each a named patch of its behaviour ({@link MockBehaviour}):
 * a function that returns a copy with exactly one documented behaviour broken or weakened, like a Toxiproxy
 * toxic on a proxy. The kill matrix (test/kill-matrix/) proves that the check meant to notice each one does.
 */
import type { MockBehaviour } from './behaviour.ts';
import type { TaapErrorCode } from '../src/pop/taap.ts';

export const FAULTS = {
  // token endpoint
  'no-cache-control': 'Token responses omit Cache-Control: no-store.',
  'token-type-mac': 'token_type is "mac" instead of the documented value.',
  'no-access-token': 'Successful token responses lack access_token.',
  'no-token-type': 'Successful token responses lack token_type, also where the spec documents it.',
  'expires-in-string': 'expires_in is a JSON string even where the spec documents a number.',
  'expires-in-number': 'expires_in is a number even where the spec documents a string.',
  'expires-in-wrong': 'expires_in is 60 instead of the documented lifetime.',
  'no-expires-in': 'Successful token responses lack expires_in, also where the spec documents it.',
  'token-content-type-text': 'Successful token responses are labelled Content-Type: text/plain (the body is still JSON).',
  'no-basic-challenge': 'A 401 invalid_client after HTTP Basic authentication carries no WWW-Authenticate header.',
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
  'accept-expired-code': 'An authorization code can be redeemed after its lifetime.',
  'accept-any-client-auth': 'Client authentication methods the spec does not list are accepted.',
  'accept-query-credentials': 'client_id, client_secret, username and password in the token request\'s query string are honoured (RFC 6749 §2.3.1).',
  'accept-repeated-parameter': 'A repeated token-request parameter is accepted (the last value wins) instead of invalid_request (RFC 6749 §3.2).',
  'basic-no-form-decode': 'HTTP Basic client credentials are used as sent, not form-decoded, so a secret with ":", "%", "+" or a space fails (RFC 6749 §2.3.1).',
  'accept-two-client-auth-methods': 'HTTP Basic plus client_secret in the body is accepted (RFC 6749 §2.3).',
  'ignore-required-headers': 'Required headers (tenant, client_id) are not enforced.',
  'json-garbage': 'Successful token responses are not valid JSON.',
  'junk-500': 'A token request with a control character (raw or percent-encoded) or a body over 4 KiB gets HTTP 500 and an HTML page.',
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
  'no-refresh-token': 'No grant issues a refresh token, also where the spec documents one.',
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
  'redirect-extension-only': 'The registered redirect URI itself is refused; only extensions of it match (AT&T rule misread).',
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
  'refresh-same-access-token': 'A refresh answers with the access token being refreshed instead of a new one.',
  'refresh-new-refresh-unusable': 'The rotated refresh token a refresh returns is never stored, so it cannot be used.',
  'refresh-kills-refresh': 'A refresh invalidates the refresh token used although the spec says it stays usable.',
  // revocation
  'revoke-noop': 'Revocation answers 200 but revokes nothing.',
  'revoke-unknown-400': 'Revoking an unknown token answers 400.',
  'revoke-no-client-auth': 'Revocation does not require client authentication.',
  'revoke-refresh-keeps-access': 'Revoking a refresh token leaves the access tokens of its grant usable.',
  'revoke-valid-204': 'A successful revocation is answered 204 No Content instead of 200 (unknown tokens still get 200).',
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
  'pop-ignores-uri': 'A PoP token made for another of the server\'s endpoints is accepted (one verifier for every hop: the uri is matched against any path it serves).',
  'pop-ignores-query': 'The PoP uri is also accepted as the path without its query (a server that hashes the path, not the request target).',
  'pop-optional-part-content-type': 'The required ehts part Content-Type is not enforced.',
  'pop-optional-part-authorization': 'The required ehts part Authorization is not enforced.',
  'pop-optional-part-uri': 'The required ehts part uri is not enforced.',
  'pop-optional-part-http-method': 'The required ehts part http-method is not enforced.',
  'pop-optional-part-body': 'The required ehts part body is not enforced.',
  'pop-skip-malformed': 'A PoP header that is not a well-formed compact JWS is let through.',
  'pop-split-tolerant': 'edts is checked over the concatenation only, so re-split header/body values pass.',
  'dpop-skip-htm': 'DPoP htm is not checked.',
  'dpop-skip-htu': 'DPoP htu is not checked.',
  'dpop-skip-iat': 'DPoP iat freshness is not checked.',
  'dpop-skip-jti': 'A replayed DPoP jti is accepted.',
  'dpop-allow-none': 'alg "none" DPoP proofs are accepted.',
  'dpop-allow-private-jwk': 'A private key in the DPoP jwk header is accepted.',
  'dpop-skip-ath': 'Resource calls with a DPoP proof lacking ath are accepted.',
  'dpop-skip-ath-value': 'A DPoP proof at the resource must carry ath, but its value is not compared with the access token.',
  'dpop-not-bound': 'DPoP token requests get Bearer tokens with no cnf.jkt binding.',
  // issued JWTs
  'jwt-bad-signature': 'Issued JWTs are signed with a key that is not in the published JWKS.',
  'jwt-wrong-issuer': 'Issued JWTs name another issuer.',
  'jwt-wrong-audience': 'Issued JWTs are addressed to another audience.',
  'jwt-header-not-json': 'Issued JWTs have a JOSE header segment that is not JSON.',
  'jwt-expired-on-issue': 'Issued JWTs are expired when issued (exp equals iat).',
  'jwt-id-token-no-sub': 'ID tokens lack the sub claim.',
  // transport
  'hang': 'The server accepts connections and never answers.',
  'reset': 'The server resets every connection.',
  'garbage': 'The server answers with bytes that are not HTTP.',
} as const;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

/** A fault: a pure function from a behaviour to the same behaviour with one thing broken. */
export type FaultPatch = (b: MockBehaviour) => MockBehaviour;

type Section = 'lenient' | 'scopeHandling' | 'response' | 'resourceHandling' | 'refreshHandling' | 'authorize' | 'revokeHandling' | 'dpop' | 'jwt';
/** A patch that sets one switch of one section. */
const set = <S extends Section>(section: S, patch: Partial<MockBehaviour[S]>): FaultPatch => (b) => ({ ...b, [section]: { ...b[section], ...patch } });
const lenient = (patch: Partial<MockBehaviour['lenient']>) => set('lenient', patch);
const loosenRedirect = (patch: MockBehaviour['authorize']['loose']): FaultPatch => (b) => ({ ...b, authorize: { ...b.authorize, loose: { ...b.authorize.loose, ...patch } } });
const ignoreTaap = (code: TaapErrorCode): FaultPatch => (b) => ({ ...b, taap: { ...b.taap, ignore: new Set([...b.taap.ignore, code]) } });
const taap = (patch: Partial<Omit<MockBehaviour['taap'], 'ignore'>>): FaultPatch => (b) => ({ ...b, taap: { ...b.taap, ...patch } });
/** A TAAP part the spec requires that the server stops enforcing (only where the spec requires it: else a no-op). */
const optionalPart = (part: string): FaultPatch => (b) =>
  (b.pop?.requiredParts.some((p) => p.toLowerCase() === part) ? { ...b, taap: { ...b.taap, optionalParts: new Set([...b.taap.optionalParts, part]) } } : b);
const token = (patch: Partial<MockBehaviour['token']>): FaultPatch => (b) => ({ ...b, token: { ...b.token, ...patch } });
const refreshPolicy = (patch: Partial<NonNullable<MockBehaviour['refresh']>>): FaultPatch => (b) => (b.refresh ? { ...b, refresh: { ...b.refresh, ...patch } } : b);
const redirectPolicy = (patch: Partial<NonNullable<MockBehaviour['redirectUri']>>): FaultPatch => (b) => (b.redirectUri ? { ...b, redirectUri: { ...b.redirectUri, ...patch } } : b);
const everyGrant = (patch: Partial<NonNullable<MockBehaviour['grants']['client_credentials']>>): FaultPatch => (b) => ({
  ...b, grants: Object.fromEntries(Object.entries(b.grants).map(([k, g]) => [k, { ...g, ...patch }])),
});
const popPolicy = (patch: Partial<NonNullable<MockBehaviour['pop']>>): FaultPatch => (b) => (b.pop ? { ...b, pop: { ...b.pop, ...patch } } : b);

/**
 * Every fault as a patch. Where the broken behaviour is one a spec could state (no Cache-Control, no rotation,
 * PoP optional) the patch changes that field of the resolved view; otherwise it flips one mock switch.
 */
export const FAULT_PATCHES: Record<FaultName, FaultPatch> = {
  // The pkce branch's faults: one lenient switch each (the mock still reads them through `faults.has`).
  'accept-query-credentials': lenient({ queryCredentials: true }),
  'accept-repeated-parameter': lenient({ repeatedParameter: true }),
  'basic-no-form-decode': (b) => (b.clientAuth.methods.includes('client_secret_basic') ? lenient({ basicNoFormDecode: true })(b) : b),
  'accept-two-client-auth-methods': lenient({ twoClientAuthMethods: true }),
  'pkce-not-verified': lenient({ pkceNotVerified: true }),
  'pkce-verifier-optional': lenient({ pkceVerifierOptional: true }),
  'pkce-allow-plain': lenient({ pkceAllowPlain: true }),
  'pkce-downgrade': lenient({ pkceDowngrade: true }),
  'pkce-not-required': lenient({ pkceNotRequired: true }),
  'no-cache-control': token({ cacheControl: undefined }),
  'token-type-mac': (b) => ({ ...b, token: { ...b.token, tokenType: 'mac' }, response: { ...b.response, boundTokenType: 'mac' } }),
  'no-access-token': set('response', { omitAccessToken: true }),
  'no-token-type': (b) => ({ ...b, token: { ...b.token, tokenType: undefined }, response: { ...b.response, boundTokenType: undefined } }),
  'error-code-changed': set('response', { errorCode: 'server_error' }),
  'junk-500': set('response', { crashOnJunk: true }),
  'expires-in-string': (b) => token({ expiresIn: { type: 'numeric-string', seconds: b.token.expiresIn?.seconds ?? b.lifetimes.accessToken } })(b),
  'expires-in-number': (b) => (b.token.expiresIn ? token({ expiresIn: { ...b.token.expiresIn, type: 'number' } })(b) : b),
  'expires-in-wrong': (b) => (b.token.expiresIn ? token({ expiresIn: { ...b.token.expiresIn, seconds: 60 } })(b) : b),
  'no-expires-in': token({ expiresIn: undefined }),
  'token-content-type-text': set('response', { tokenContentType: 'text/plain;charset=UTF-8' }),
  'no-basic-challenge': set('response', { basicChallenge: false }),
  'error-not-json': set('response', { errorBody: 'text' }),
  'error-200': set('response', { errorStatus: 200 }),
  'accept-unknown-client': lenient({ unknownClient: true }),
  'accept-wrong-secret': lenient({ wrongSecret: true }),
  'accept-any-content-type': lenient({ anyContentType: true }),
  'accept-unsupported-grant': lenient({ unsupportedGrant: true }),
  'accept-missing-grant-type': lenient({ missingGrantType: true }),
  'accept-missing-parameter': lenient({ missingParameter: true }),
  'accept-reused-code': lenient({ reusedCode: true }),
  'accept-expired-code': lenient({ expiredCode: true }),
  'accept-any-client-auth': lenient({ anyClientAuth: true }),
  'ignore-required-headers': (b) => { const { requiredHeaders: _dropped, ...rest } = b; return rest; },
  'json-garbage': set('response', { garbageTokenBody: true }),
  'accept-unknown-scope': lenient({ unknownScope: true }),
  'scope-escalation': set('scopeHandling', { grantWholeCatalogue: true }),
  'scope-other-delimiter': set('scopeHandling', { splitOn: 'both' }),
  'scope-not-required': everyGrant({ scopeRequired: false }),
  'scope-echo-missing': (b) => ({ ...b, scope: { ...b.scope, echo: 'never' } }),
  'scope-rfc-delimiter-only': set('scopeHandling', { splitOn: 'space' }),
  'scope-duplicate-rejected': set('scopeHandling', { rejectDuplicates: true }),
  'scope-empty-item-wildcard': set('scopeHandling', { emptyItemIsWildcard: true }),
  'scope-missing-rejected': set('scopeHandling', { rejectMissing: true }),
  'resource-ignores-scope': (b) => { const { requiredScope: _dropped, ...resource } = b.resource; return { ...b, resource }; },
  'resource-rejects-all': set('resourceHandling', { rejectAll: true }),
  'no-refresh-token': everyGrant({ issuesRefreshToken: false }),
  'refresh-token-issued': everyGrant({ issuesRefreshToken: true }),
  'redirect-prefix-match': loosenRedirect({ prefixMatch: true }),
  'redirect-any-extension': loosenRedirect({ anyExtension: true }),
  'redirect-host-suffix': loosenRedirect({ hostSuffix: true }),
  'redirect-ignore-host': loosenRedirect({ ignoreHost: true }),
  'redirect-authority-prefix': loosenRedirect({ authorityPrefix: true }),
  'redirect-ignore-userinfo': loosenRedirect({ ignoreUserinfo: true }),
  'redirect-ignore-port': loosenRedirect({ ignorePort: true }),
  'redirect-ignore-scheme': loosenRedirect({ ignoreScheme: true }),
  'redirect-allow-dot-segments': loosenRedirect({ allowDotSegments: true }),
  'redirect-allow-fragment': loosenRedirect({ allowFragment: true }),
  'redirect-on-error': set('authorize', { redirectOnError: true }),
  'redirect-no-fallback': redirectPolicy({ fallbackToRegistered: false }),
  'redirect-absent-fallback': redirectPolicy({ fallbackToRegistered: true }),
  'state-dropped': set('authorize', { dropState: true }),
  'implicit-in-query': set('authorize', { implicitInQuery: true }),
  'redirect-extension-only': (b) => (b.redirectUri?.rule === 'extension' ? loosenRedirect({ extensionOnly: true })(b) : b),
  'redirect-exact-only': loosenRedirect({ exactOnly: true }),
  'never-expire': set('resourceHandling', { ignoreExpiry: true }),
  'refresh-never-expire': set('refreshHandling', { ignoreExpiry: true }),
  'no-www-authenticate': set('resourceHandling', { challenge: false }),
  'refresh-expires-early': (b) => ({ ...b, lifetimes: { ...b.lifetimes, refreshToken: b.lifetimes.accessToken } }),
  'refresh-keeps-old-refresh': refreshPolicy({ invalidatesOldRefreshToken: false }),
  'refresh-keeps-old-access': refreshPolicy({ invalidatesOldAccessToken: false }),
  'refresh-no-rotation': refreshPolicy({ rotatesRefreshToken: false }),
  'no-reuse-detection': refreshPolicy({ reuseDetection: false }),
  'refresh-same-access-token': set('refreshHandling', { sameAccessToken: true }),
  'refresh-new-refresh-unusable': set('refreshHandling', { forgetNewRefreshToken: true }),
  'refresh-kills-access': refreshPolicy({ invalidatesOldAccessToken: true }),
  'refresh-kills-refresh': refreshPolicy({ invalidatesOldRefreshToken: true }),
  'revoke-noop': set('revokeHandling', { noop: true }),
  'revoke-unknown-400': set('revokeHandling', { unknownIs400: true }),
  'revoke-no-client-auth': lenient({ revokeWithoutClientAuth: true }),
  'revoke-refresh-keeps-access': set('revokeHandling', { keepsAccessOfRefresh: true }),
  'revoke-valid-204': set('revokeHandling', { successStatus: 204 }),
  'revoke-hint-strict': set('revokeHandling', { hintStrict: true }),
  'pop-not-required': popPolicy({ required: false }),
  'pop-skip-signature': ignoreTaap('bad_signature'),
  'pop-allow-none': taap({ allowNone: true }),
  'pop-allow-hs256': taap({ allowHs256: true }),
  'pop-skip-exp': ignoreTaap('expired'),
  'pop-skip-iat': ignoreTaap('future_iat'),
  'pop-skip-lifetime': ignoreTaap('lifetime_too_long'),
  'pop-skip-jti': ignoreTaap('replayed'),
  'pop-skip-edts': ignoreTaap('edts_mismatch'),
  'pop-edts-case-insensitive': taap({ edtsCaseInsensitive: true }),
  'pop-skip-required-parts': ignoreTaap('missing_part'),
  'pop-skip-resource': popPolicy({ onResource: false }),
  'pop-ignores-uri': taap({ anyOwnPath: true }),
  'pop-ignores-query': taap({ ignoreQuery: true }),
  'pop-optional-part-content-type': optionalPart('content-type'),
  'pop-optional-part-authorization': optionalPart('authorization'),
  'pop-optional-part-uri': optionalPart('uri'),
  'pop-optional-part-http-method': optionalPart('http-method'),
  'pop-optional-part-body': optionalPart('body'),
  'pop-skip-malformed': ignoreTaap('malformed'),
  'pop-split-tolerant': taap({ splitTolerant: true }),
  'dpop-skip-htm': set('dpop', { skipHtm: true }),
  'dpop-skip-htu': set('dpop', { skipHtu: true }),
  'dpop-skip-iat': set('dpop', { skipIat: true }),
  'dpop-skip-jti': set('dpop', { skipJti: true }),
  'dpop-allow-none': set('dpop', { allowNone: true }),
  'dpop-allow-private-jwk': set('dpop', { allowPrivateJwk: true }),
  'dpop-skip-ath': set('dpop', { skipAth: true }),
  'dpop-skip-ath-value': set('dpop', { skipAthValue: true }),
  'dpop-not-bound': set('dpop', { notBound: true }),
  'jwt-bad-signature': set('jwt', { signWithForeignKey: true }),
  'jwt-wrong-issuer': set('jwt', { issuer: 'https://issuer.invalid/' }),
  'jwt-wrong-audience': set('jwt', { audience: 'someone-else' }),
  'jwt-header-not-json': set('jwt', { headerNotJson: true }),
  'jwt-expired-on-issue': set('jwt', { expiredOnIssue: true }),
  'jwt-id-token-no-sub': set('jwt', { idTokenWithoutSub: true }),
  'hang': (b) => ({ ...b, transport: 'hang' }),
  'reset': (b) => ({ ...b, transport: 'reset' }),
  'garbage': (b) => ({ ...b, transport: 'garbage' }),
};

/** `base` with every fault in `faults` applied, in order. */
export function applyFaults(base: MockBehaviour, faults: Iterable<FaultName>): MockBehaviour {
  let b = base;
  for (const f of faults) b = FAULT_PATCHES[f](b);
  return b;
}

/** Validates fault names from user input; returns the unknown ones. */
export function unknownFaults(names: string[]): string[] {
  return names.filter((n) => !(n in FAULTS));
}
