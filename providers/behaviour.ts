/**
 * What a mock server does: the resolved view of its spec ({@link ResolvedSpec}) plus the few switches a broken
 * server could flip that no spec would document (accepting an unknown client, ignoring a PoP signature, …).
 * A clean mock runs on {@link cleanBehaviour}; each mock fault (providers/faults.ts) is a named function that
 * returns a patched copy, so the engine in mock-server.ts reads straight through one object.
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
import type { ResolvedSpec } from '../src/spec/resolve.ts';
import type { RedirectLooseness } from './redirect-match.ts';
import type { TaapErrorCode } from '../src/pop/taap.ts';

/** Requests a correct server rejects and a broken one lets through. All false on a clean mock. */
export interface Lenience {
  unknownClient: boolean;
  wrongSecret: boolean;
  /** Client-authentication methods the spec does not list. */
  anyClientAuth: boolean;
  /** Local switches of the pkce branch's faults (the mock reads them through `faults.has`). */
  queryCredentials: boolean; repeatedParameter: boolean; twoClientAuthMethods: boolean;
  pkceNotVerified: boolean; pkceVerifierOptional: boolean; pkceAllowPlain: boolean; pkceDowngrade: boolean; pkceNotRequired: boolean;
  anyContentType: boolean;
  unsupportedGrant: boolean;
  /** A request without grant_type is read as client_credentials. */
  missingGrantType: boolean;
  /** A missing required grant parameter is ignored (never a wrong value). */
  missingParameter: boolean;
  reusedCode: boolean;
  expiredCode: boolean;
  /** A code is redeemed whatever redirect_uri the token request carries (RFC 6749 §4.1.3). */
  codeIgnoresRedirectUri: boolean;
  /** Unknown scope values are granted. */
  unknownScope: boolean;
  revokeWithoutClientAuth: boolean;
  /** HTTP Basic user-id and password are used as sent, not form-decoded (RFC 6749 §2.3.1). */
  basicNoFormDecode: boolean;
}

/** How scope strings are read and granted. */
export interface ScopeHandling {
  /** `spec`: the spec's delimiter; `both`: spaces and commas; `space`: spaces only. */
  splitOn: 'spec' | 'both' | 'space';
  grantWholeCatalogue: boolean;
  rejectDuplicates: boolean;
  /** An empty item (doubled, leading or trailing delimiter) is read as every catalogue value. */
  emptyItemIsWildcard: boolean;
  /** A request without scope is rejected although the spec lets scope be omitted. */
  rejectMissing: boolean;
}

/** The shape of token and error responses. */
export interface ResponseShape {
  omitAccessToken: boolean;
  /** Successful token responses are cut-off JSON. */
  garbageTokenBody: boolean;
  /** token_type of a DPoP-bound token (RFC 9449 §5); undefined: left out. */
  boundTokenType: string | undefined;
  /** `error` code every error carries instead of its own, when set. */
  errorCode?: string;
  errorBody: 'json' | 'text';
  /** Status every error is sent with instead of its own, when set. */
  errorStatus?: number;
  /** Content-Type of successful token responses instead of application/json, when set. */
  tokenContentType?: string;
  /** WWW-Authenticate: Basic on a 401 invalid_client (RFC 6749 §5.2). */
  basicChallenge: boolean;
  /** A token request carrying a control character (raw or percent-encoded) or a body over 4 KiB gets a 500 HTML page, like a carrier gateway whose parser crashes on junk. */
  crashOnJunk: boolean;
}

/** Protected-resource behaviour beyond the spec's `resource` section. */
export interface ResourceHandling {
  rejectAll: boolean;
  ignoreExpiry: boolean;
  /** WWW-Authenticate on 401 (RFC 6750 §3). */
  challenge: boolean;
  /** The challenge names the error (RFC 6750 §3: "SHOULD include" error when the request carried a token). */
  challengeError: boolean;
  /** Any well-formed Bearer value is accepted, issued or not. */
  acceptAnyBearer: boolean;
  /** A refusal of a token that was never issued carries no WWW-Authenticate (expired ones still do). */
  noChallengeOnUnknown: boolean;
  /** The token is read as the first word after the scheme, so `Bearer <token> junk` passes (RFC 6750 §2.1 syntax). */
  lenientBearerSyntax: boolean;
  /** A JWT access token re-encoded with `alg: none` is accepted (matched to its original by jti). */
  acceptAlgNone: boolean;
  /** A JWT access token's signature is not verified: a copy re-signed or with changed claims is matched by jti. */
  skipSignature: boolean;
  /** Required headers (tenant, client_id) are enforced at the token endpoint but not at the resource. */
  ignoreRequiredHeaders: boolean;
}

export interface RefreshHandling {
  ignoreExpiry: boolean;
  /** A refresh answers with the access token being refreshed. */
  sameAccessToken: boolean;
  /** The rotated refresh token is returned but never stored. */
  forgetNewRefreshToken: boolean;
}

export interface AuthorizeHandling {
  redirectOnError: boolean;
  /** An authorization request without scope is refused with invalid_scope (RFC 6749 §3.3 allows this). */
  requireScope: boolean;
  /** Codes are granted the requested scope minus the resource's required scope (silently narrowed). */
  narrowScope: boolean;
  dropState: boolean;
  implicitInQuery: boolean;
  loose: RedirectLooseness;
}

export interface RevokeHandling {
  noop: boolean;
  unknownIs400: boolean;
  /** Revoking a refresh token leaves the access tokens of its grant usable. */
  keepsAccessOfRefresh: boolean;
  /** A token is looked up only among the type token_type_hint names. */
  hintStrict: boolean;
  /** Status of a revocation that revoked something (RFC 7009 §2.2: 200). */
  successStatus: number;
}

/** TAAP PoP verification switches. */
export interface TaapHandling {
  /** Verification failures that are ignored. */
  ignore: ReadonlySet<TaapErrorCode>;
  allowNone: boolean;
  allowHs256: boolean;
  edtsCaseInsensitive: boolean;
  /** edts over the concatenation only; no pinned method/uri, no strict part syntax. */
  splitTolerant: boolean;
  /** The uri is also hashed without its query (a server that hashes the path, not the request target). */
  ignoreQuery: boolean;
  /** The uri is also hashed as any path this server serves (one verifier for every hop). */
  anyOwnPath: boolean;
  /** Required parts (lower-case) that are not enforced. */
  optionalParts: ReadonlySet<string>;
}

/** DPoP verification switches (RFC 9449). */
export interface DpopHandling {
  skipHtm: boolean;
  skipHtu: boolean;
  skipIat: boolean;
  skipJti: boolean;
  skipAth: boolean;
  /** ath is required but its value is not compared. */
  skipAthValue: boolean;
  allowNone: boolean;
  allowPrivateJwk: boolean;
  notBound: boolean;
  /** token_type "DPoP" is answered, but the token is not bound (no cnf.jkt; usable as a Bearer token). */
  typeWithoutBinding: boolean;
}

export interface JwtIssuing {
  signWithForeignKey: boolean;
  /** Issuer claim instead of the mock's own. */
  issuer?: string;
  /** Audience claim instead of the client. */
  audience?: string;
  /** The JOSE header segment is not JSON. */
  headerNotJson?: boolean;
  /** exp equals iat: expired when issued. */
  expiredOnIssue?: boolean;
  /** ID tokens lack sub. */
  idTokenWithoutSub?: boolean;
}

/** Everything a mock does. */
export interface MockBehaviour extends ResolvedSpec {
  transport: 'http' | 'hang' | 'reset' | 'garbage';
  lenient: Lenience;
  scopeHandling: ScopeHandling;
  response: ResponseShape;
  resourceHandling: ResourceHandling;
  refreshHandling: RefreshHandling;
  authorize: AuthorizeHandling;
  revokeHandling: RevokeHandling;
  taap: TaapHandling;
  dpop: DpopHandling;
  jwt: JwtIssuing;
}

/** The behaviour of a clean mock: exactly what the resolved spec says. */
export function cleanBehaviour(spec: ResolvedSpec): MockBehaviour {
  return {
    ...spec,
    transport: 'http',
    lenient: {
      unknownClient: false, wrongSecret: false, anyClientAuth: false,
      queryCredentials: false, repeatedParameter: false, twoClientAuthMethods: false,
      pkceNotVerified: false, pkceVerifierOptional: false, pkceAllowPlain: false, pkceDowngrade: false, pkceNotRequired: false, anyContentType: false, unsupportedGrant: false,
      missingGrantType: false, missingParameter: false, reusedCode: false, expiredCode: false, codeIgnoresRedirectUri: false, unknownScope: false, revokeWithoutClientAuth: false, basicNoFormDecode: false,
    },
    scopeHandling: { splitOn: 'spec', grantWholeCatalogue: false, rejectDuplicates: false, emptyItemIsWildcard: false, rejectMissing: false },
    response: { omitAccessToken: false, garbageTokenBody: false, boundTokenType: 'DPoP', errorBody: 'json', basicChallenge: true, crashOnJunk: false },
    resourceHandling: {
      rejectAll: false, ignoreExpiry: false, challenge: true, challengeError: true,
      acceptAnyBearer: false, noChallengeOnUnknown: false, lenientBearerSyntax: false, acceptAlgNone: false, skipSignature: false, ignoreRequiredHeaders: false,
    },
    refreshHandling: { ignoreExpiry: false, sameAccessToken: false, forgetNewRefreshToken: false },
    authorize: { redirectOnError: false, requireScope: false, narrowScope: false, dropState: false, implicitInQuery: false, loose: {} },
    revokeHandling: { noop: false, unknownIs400: false, keepsAccessOfRefresh: false, hintStrict: false, successStatus: 200 },
    taap: { ignore: new Set(), allowNone: false, allowHs256: false, edtsCaseInsensitive: false, splitTolerant: false, ignoreQuery: false, anyOwnPath: false, optionalParts: new Set() },
    dpop: { skipHtm: false, skipHtu: false, skipIat: false, skipJti: false, skipAth: false, skipAthValue: false, allowNone: false, allowPrivateJwk: false, notBound: false, typeWithoutBinding: false },
    jwt: { signWithForeignKey: false },
  };
}
