import { z } from 'zod';

/**
 * The provider spec: a declarative, source-traced statement of one provider's OAuth 2.0 token-endpoint
 * contract. Suites read it to decide what to check; mock servers read it to decide how to behave.
 *
 * Traceability: every section carries `source` (one or more citations of a provider document line, with a
 * verbatim quote that a test checks against the document) or `assumption` (a plain statement of what was
 * assumed and why). A section with neither is rejected.
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */

/** A citation of one line of a provider document listed in `documents`. */
export const Citation = z
  .object({
    doc: z.string().min(1).describe('Key of the document in the spec\'s `documents` map.'),
    line: z.number().int().positive().describe('1-based line number in that document.'),
    quote: z.string().min(3).describe('Verbatim text that appears on that line (checked by the test suite).'),
  })
  .strict();
export type Citation = z.infer<typeof Citation>;

const traceFields = {
  source: z.array(Citation).min(1).optional().describe('Provider document lines this section comes from.'),
  assumption: z.string().min(10).optional().describe('What this section assumes where no document speaks, and why.'),
  standard: z.string().min(3).optional().describe('The standard this section follows where it is the normative source (e.g. "RFC 6749 §5.1").'),
  assumed: z.array(z.string().min(1)).min(1).optional().describe('Fields of this section that rest on `assumption` although the section also cites a `source` or `standard` (a section with only an assumption rests on it entirely). A check judging an assumed value fails at most as SHOULD, naming the assumption.'),
};

/** Adds `source`/`assumption` to a section and requires one of them. */
function traced<T extends z.ZodRawShape>(shape: T) {
  return z
    .object({ ...shape, ...traceFields })
    .strict()
    .refine((v: { source?: unknown; assumption?: unknown; standard?: unknown }) => v.source !== undefined || v.assumption !== undefined || v.standard !== undefined, {
      message: 'expected `source` (a citation), `standard` (an RFC section) or `assumption` (a stated assumption): every spec value must trace to a document',
    })
    .refine((v: { assumption?: unknown; assumed?: unknown }) => v.assumed === undefined || v.assumption !== undefined, {
      message: 'expected `assumption` beside `assumed`: the fields named there rest on it',
      path: ['assumed'],
    })
    .refine((v: { assumed?: unknown }) => !Array.isArray(v.assumed) || v.assumed.every((f) => typeof f === 'string' && f in shape), {
      message: `expected \`assumed\` to name fields of this section (${Object.keys(shape).join(', ')})`,
      path: ['assumed'],
    });
}

const Path = z.string().regex(/^\/[^\s]*$/, 'expected an absolute path starting with "/"');
const HttpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Client authentication methods, named as in the OAuth registry (RFC 7591 §2). */
export const ClientAuthMethod = z.enum(['client_secret_basic', 'client_secret_post', 'none']);
export type ClientAuthMethod = z.infer<typeof ClientAuthMethod>;

export const GrantType = z.enum(['client_credentials', 'authorization_code', 'refresh_token', 'password', 'implicit']);
export type GrantType = z.infer<typeof GrantType>;
export const GRANT_TYPES = GrantType.options;

const Endpoint = traced({
  path: Path.describe('Path of the endpoint relative to the target base URL.'),
  method: HttpMethod.default('POST').describe('HTTP method.'),
});

/** RFC 6749 §3.1: the authorization endpoint MUST support GET, which is what clients (and the suites) use. */
const AuthorizeEndpoint = traced({
  path: Path.describe('Path of the endpoint relative to the target base URL.'),
  method: z.literal('GET').default('GET').describe('HTTP method: GET, which RFC 6749 §3.1 requires every authorization endpoint to support.'),
});

const GrantSpec = traced({
  scopeRequired: z.boolean().default(false).describe('Whether a token request of this grant must carry `scope`.'),
  issuesRefreshToken: z.boolean().default(false).describe('Whether a successful response includes a refresh_token.'),
  extraParams: z.record(z.string(), z.string()).default({}).describe('Fixed extra body parameters this grant sends (e.g. T-Mobile v6 `scope: response_mode`).'),  scope: z.array(z.string()).optional().describe('Scope values this flow asks for (RFC 6749 §3.3): the authorization request of authorization_code and implicit, the token request of client_credentials and password (unless extraParams.scope is set). Default: scope.default. A target sets its own with overrides.'),
});

/** Whether a provider requires, supports or ignores PKCE (RFC 7636) for the authorization_code grant. */
export const PkceSupport = z.enum(['required', 'supported', 'none']);
export type PkceSupport = z.infer<typeof PkceSupport>;

/** The code_challenge_method values of RFC 7636 §4.3. */
export const PkceMethod = z.enum(['S256', 'plain']);
export type PkceMethod = z.infer<typeof PkceMethod>;

/**
 * The authorization_code grant: a grant plus its PKCE support (RFC 7636; RFC 9700 §2.1.1: authorization servers
 * MUST support PKCE, public clients MUST use it, confidential clients SHOULD).
 */
const AuthorizationCodeGrantSpec = traced({
  scopeRequired: z.boolean().default(false).describe('Whether a token request of this grant must carry `scope`.'),
  issuesRefreshToken: z.boolean().default(false).describe('Whether a successful response includes a refresh_token.'),
  extraParams: z.record(z.string(), z.string()).default({}).describe('Fixed extra body parameters this grant sends.'),
  scope: z.array(z.string()).optional().describe('Scope values this flow asks for (RFC 6749 §3.3): the authorization request of authorization_code and implicit, the token request of client_credentials and password (unless extraParams.scope is set). Default: scope.default. A target sets its own with overrides.'),
  pkce: PkceSupport.default('supported').describe('PKCE (RFC 7636): `required` (a code request without code_challenge is refused), `supported` (used when sent), `none` (the harness sends no PKCE and the pkce suite does not apply).'),
  pkceMethods: z.array(PkceMethod).min(1).default(['S256']).describe('code_challenge_method values accepted (RFC 7636 §4.2; RFC 9700 §2.1.1: S256 where possible; `plain` only where the provider documents it).'),
});

const FieldType = z.enum(['string', 'number', 'numeric-string', 'jwt', 'boolean']);

const ResponseField = z
  .object({
    type: FieldType.describe('Type on the wire. `numeric-string` is a JSON string holding digits; `jwt` a compact JWS string.'),
    required: z.boolean().default(false),
    value: z.union([z.string(), z.number()]).optional().describe('Exact value expected, when documented.'),
    caseInsensitive: z.boolean().default(false).describe('Compare `value` case-insensitively (RFC 6749 §7.1: token_type is case-insensitive).'),
  })
  .strict();

/** One named error case: what the provider answers when a request is wrong in that way. */
const ErrorCase = traced({
  status: z.number().int().min(400).max(599).describe('HTTP status.'),
  error: z.string().optional().describe('Value of the `error` member (RFC 6749 §5.2), when the body is JSON.'),
});

export const ERROR_CASES = [
  'unknown_client', 'wrong_secret', 'missing_grant_type', 'unsupported_grant_type', 'missing_parameter',
  'invalid_scope', 'invalid_grant', 'unsupported_content_type', 'invalid_token', 'insufficient_scope',
  'missing_required_header',
] as const;
export type ErrorCaseName = (typeof ERROR_CASES)[number];

const Deviation = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'expected a lower-case id like "scope.comma-delimited"'),
    rfc: z.string().describe('The requirement deviated from, e.g. "RFC 6749 §3.3".'),
    description: z.string(),
    source: z.array(Citation).min(1),
  })
  .strict();
export type Deviation = z.infer<typeof Deviation>;

const RequiredHeader = z
  .object({
    name: z.string().min(1),
    value: z.string().describe('Value, or a target placeholder `${target.headers.NAME}` / `${target.clientId}`.'),
  })
  .strict();

/** The provider spec. */
export const ProviderSpec = z
  .object({
    $schema: z.string().optional(),
    extends: z.string().optional().describe('Bundled spec id or path this spec overlays: only the fields given here change (objects merge, arrays and values replace, null turns an optional part off).'),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a lower-case id like "att"'),
    name: z.string().min(1),
    description: z.string().optional(),
    documents: z
      .record(z.string(), z.object({ file: z.string(), title: z.string() }).strict())
      .describe('Provider documents cited by this spec, keyed by a short name; `file` is relative to specs/sources/.'),
    endpoints: z
      .object({
        token: Endpoint,
        authorize: AuthorizeEndpoint.optional(),
        revoke: Endpoint.optional(),
      })
      .strict(),
    request: traced({
      encoding: z.enum(['form', 'json', 'empty']).describe('How token request parameters travel: form body, JSON body, or no body (credentials in headers only).'),
      paramNames: z.record(z.string(), z.string()).default({}).describe('Renamed parameters, standard name -> wire name (T-Mobile v6: grant_type -> grant-type).'),
      contentType: z.string().optional().describe('Content-Type sent with token requests (default from encoding; T-Mobile sends application/json with an empty body).'),
      acceptHeader: z.string().optional().describe('Accept header sent with token requests.'),
    }),
    clientAuth: traced({
      methods: z.array(ClientAuthMethod).min(1).describe('Client authentication methods the token endpoint accepts; `none` is a public client that sends only client_id (RFC 6749 §2.1, §3.2.1). The status of failed client authentication is errors.cases.unknown_client.'),
      bodyCredentialsAlsoRequired: z.boolean().default(false).describe('Whether client_id/client_secret must ALSO be in the body when Basic is used (T-Mobile v6).'),
    }),
    grants: z
      .object({
        client_credentials: GrantSpec.optional(),
        authorization_code: AuthorizationCodeGrantSpec.optional(),
        refresh_token: GrantSpec.optional(),
        password: GrantSpec.optional(),
        implicit: GrantSpec.optional(),
      })
      .strict()
      .refine((g) => Object.keys(g).length > 0, { message: 'expected at least one grant' }),
    scope: traced({
      delimiter: z.enum([' ', ',']).describe('Separator between scope values (RFC 6749 §3.3: space).'),
      catalogue: z.array(z.string().min(1)).default([]).describe('Scope values the provider documents.'),
      default: z.array(z.string()).default([]).describe('Scopes requested by default in positive tests.'),
      otherDelimiter: z.enum(['reject', 'single-unknown', 'accept']).default('reject').describe('How a value joined with the other delimiter is handled.'),
      echo: z.enum(['always', 'when-narrowed', 'never']).default('when-narrowed').describe('When the token response carries `scope` (RFC 6749 §5.1: required when it differs from the request).'),
      unknownScope: z.enum(['reject', 'drop']).default('reject').describe('Unknown scope values: rejected with invalid_scope, or silently dropped.'),
    }),
    tokenResponse: traced({
      fields: z.record(z.string(), ResponseField).describe('Fields of a successful token response and their types.'),
      cacheControlNoStore: z.boolean().default(true).describe('Whether the response carries Cache-Control: no-store (RFC 6749 §5.1 MUST; false needs the documented deviation "cache-control.absent").'),
    }),
    lifetimes: traced({
      accessToken: z.number().int().positive().describe('Default access-token lifetime in seconds (expires_in).'),
      refreshToken: z.number().int().positive().optional().describe('Refresh-token lifetime in seconds.'),
      authorizationCode: z.number().int().positive().default(600).describe('Authorization-code lifetime in seconds.'),
    }),
    refresh: traced({
      rotatesRefreshToken: z.boolean().describe('A refresh returns a new refresh token.'),
      invalidatesOldRefreshToken: z.boolean().describe('The refresh token used is no longer accepted afterwards.'),
      invalidatesOldAccessToken: z.boolean().describe('The access token of the old pair stops working after a refresh.'),
      reuseDetection: z.boolean().default(false).describe('Replaying a rotated refresh token revokes the active one (RFC 9700 §4.14.2).'),
    }).optional(),
    redirectUri: traced({
      rule: z.enum(['exact', 'extension']).describe('`exact`: simple string comparison (RFC 9700 §2.1). `extension`: AT&T\'s rule, the registered URI or an extension of it.'),
      registered: z.string().url().describe('Redirect URI registered for the test client (mock) or expected in the target file.'),
      fallbackToRegistered: z.boolean().default(false).describe('Whether an absent redirect_uri falls back to the registered one.'),
    }).optional(),
    errors: traced({
      cases: z.partialRecord(z.enum(ERROR_CASES), ErrorCase).describe('Status and error code per error case.'),
    }),
    requiredHeaders: traced({
      headers: z.array(RequiredHeader).min(1).describe('Headers every call must carry. How a call without them is answered is errors.cases.missing_required_header.'),
    }).optional(),
    pop: traced({
      profile: z.enum(['taap', 'dpop']),
      required: z.boolean().default(true).describe('Whether every token request must carry a proof (TAAP) or proofs are optional (DPoP alongside Bearer).'),
      header: z.string().default('X-Authorization').describe('Request header carrying the PoP token (TAAP).'),
      maxLifetimeSeconds: z.number().int().positive().describe('Longest allowed exp - iat.'),
      clockSkewSeconds: z.number().int().nonnegative().default(5),
      requiredParts: z.array(z.string()).default([]).describe('ehts parts the server requires (TAAP).'),
      onResource: z.boolean().default(false).describe('Whether resource calls need a PoP too.'),
    }).optional(),
    /** The protected resource probed with issued tokens; its error statuses are errors.cases.invalid_token and insufficient_scope. */
    resource: traced({
      method: HttpMethod,
      path: Path,
      requiredScope: z.string().optional(),
      body: z.string().optional().describe('Body sent with the probe (JSON text).'),
      contentType: z.string().optional(),
    }),
    idToken: traced({
      issuer: z.string().optional(),
      audienceIsClientId: z.boolean().default(true),
    }).optional(),
    deviations: z.array(Deviation).default([]).describe('Documented deviations from the RFCs, each reported as a deviation rather than a failure. `id` must be registered in src/spec/deviations.ts.'),
  })
  .strict();

export type ProviderSpec = z.infer<typeof ProviderSpec>;
export type SpecInput = z.input<typeof ProviderSpec>;
