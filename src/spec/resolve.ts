/**
 * The resolved view of a provider spec: what the spec means, computed once, with every default, derived value
 * and cross-field rule settled in one place. The mock server behaves as this view says and the suites expect
 * what it says, so the two can no longer read one field two ways.
 *
 * What is settled here, and nowhere else:
 * - error cases: every case has a status and an `error` code; a case the spec leaves out gets the RFC's answer
 *   and is marked `documented: false` (a value the spec only assumes never fails a MUST);
 * - client authentication: which methods carry a secret, whether a public client (`none`, RFC 6749 §2.1) is
 *   allowed, and the one status for failed client authentication (`errors.cases.unknown_client`);
 * - the token response: the Cache-Control directive a clean server sends (`no-store` unless the spec documents
 *   the `cache-control.absent` deviation), the token_type and expires_in the server sends;
 * - which grants issue refresh tokens (only where a refresh_token grant exists to use them);
 * - that every documented deviation is a registered one ({@link DEVIATIONS}).
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
import type { ClientAuthMethod, ErrorCaseName, GrantType, ProviderSpec } from './schema.ts';
import { ERROR_CASES } from './schema.ts';
import { closestDeviationId, isDeviationId, type DeviationId } from './deviations.ts';
import { overridesOf } from './overlay.ts';

/** A resolved error case: the status and `error` code a server answers (RFC 6749 §5.2). */
export interface ResolvedErrorCase {
  status: number;
  error: string;
  /** False when the spec does not document the case and the RFC's answer is assumed. */
  documented: boolean;
}

/**
 * The answer RFC 6749 (§5.2, §4.1.2.1) and RFC 6750 (§3.1) give each error case, used where a spec is silent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export const RFC_ERROR_CASES: Record<ErrorCaseName, { status: number; error: string }> = {
  unknown_client: { status: 401, error: 'invalid_client' },
  wrong_secret: { status: 401, error: 'invalid_client' },
  missing_grant_type: { status: 400, error: 'invalid_request' },
  unsupported_grant_type: { status: 400, error: 'unsupported_grant_type' },
  missing_parameter: { status: 400, error: 'invalid_request' },
  invalid_scope: { status: 400, error: 'invalid_scope' },
  invalid_grant: { status: 400, error: 'invalid_grant' },
  unsupported_content_type: { status: 400, error: 'invalid_request' },
  invalid_token: { status: 401, error: 'invalid_token' },
  insufficient_scope: { status: 403, error: 'insufficient_scope' },
  // RFC 6749 §5.2: a request missing a required parameter (here a required header) is invalid_request.
  missing_required_header: { status: 400, error: 'invalid_request' },
};

/** Client-authentication methods that carry a client secret. */
export type SecretMethod = Exclude<ClientAuthMethod, 'none'>;

export interface ResolvedGrant {
  scopeRequired: boolean;
  /** Whether a successful response carries a refresh_token (only where the spec declares the refresh_token grant). */
  issuesRefreshToken: boolean;
  extraParams: Record<string, string>;
}

export type FieldType = ProviderSpec['tokenResponse']['fields'][string]['type'];

/** The resolved view of one provider spec. Read-only by convention; mock faults patch copies of it. */
export interface ResolvedSpec {
  id: string;
  name: string;
  /** The validated spec it was resolved from (for reports and citations). */
  source: ProviderSpec;
  endpoints: {
    token: { path: string; method: string };
    authorize?: { path: string; method: string };
    revoke?: { path: string; method: string };
  };
  request: {
    encoding: 'form' | 'json' | 'empty';
    /** Standard parameter name -> wire name. */
    paramNames: Record<string, string>;
    /** Content-Type sent with token requests, and the one the server requires. */
    contentType: string;
    accept?: string;
  };
  clientAuth: {
    methods: ClientAuthMethod[];
    /** Methods that carry a secret, in the order a client prefers them. */
    secretMethods: SecretMethod[];
    /** A public client (RFC 6749 §2.1) may identify itself with client_id alone (§3.2.1). */
    allowsPublic: boolean;
    /** A client secret is needed to get a token (no `none` method). */
    secretRequired: boolean;
    bodyCredentialsAlsoRequired: boolean;
  };
  grants: Partial<Record<GrantType, ResolvedGrant>>;
  scope: {
    delimiter: ' ' | ',';
    otherDelimiter: 'reject' | 'single-unknown' | 'accept';
    catalogue: string[];
    default: string[];
    echo: 'always' | 'when-narrowed' | 'never';
    unknownScope: 'reject' | 'drop';
  };
  token: {
    fields: ProviderSpec['tokenResponse']['fields'];
    /** Cache-Control directive on token responses; undefined where the spec documents `cache-control.absent`. */
    cacheControl: 'no-store' | undefined;
    /** token_type the server sends, when the spec documents the field. */
    tokenType?: string;
    /** expires_in on the wire, when the spec documents the field. */
    expiresIn?: { type: 'number' | 'numeric-string'; seconds: number };
    accessTokenIsJwt: boolean;
    issuesIdToken: boolean;
  };
  lifetimes: { accessToken: number; refreshToken?: number; authorizationCode: number };
  refresh?: { rotatesRefreshToken: boolean; invalidatesOldRefreshToken: boolean; invalidatesOldAccessToken: boolean; reuseDetection: boolean };
  redirectUri?: { rule: 'exact' | 'extension'; registered: string; fallbackToRegistered: boolean };
  errors: Record<ErrorCaseName, ResolvedErrorCase>;
  requiredHeaders?: { headers: Array<{ name: string; value: string }> };
  pop?: {
    profile: 'taap' | 'dpop';
    required: boolean;
    header: string;
    maxLifetimeSeconds: number;
    clockSkewSeconds: number;
    requiredParts: string[];
    onResource: boolean;
  };
  resource: {
    method: string;
    path: string;
    requiredScope?: string;
    body?: string;
    contentType?: string;
    /** errors.cases.insufficient_scope (RFC 6750 §3.1: 403). */
    insufficientScopeStatus: number;
    /** errors.cases.invalid_token (RFC 6750 §3.1: 401). */
    invalidTokenStatus: number;
  };
  idToken?: { issuer?: string; audienceIsClientId: boolean };
  /** Documented deviations, each a registered id. */
  deviations: ProviderSpec['deviations'];
  /** Whether the spec documents deviation `id`. */
  documents(id: DeviationId): boolean;
  /** Dotted paths a target file's `overrides` or an `extends` overlay changed (see overlay.ts). */
  overrides: readonly string[];
}

/** A problem found while resolving: the field (dotted path) and the message. */
export interface ResolveProblem {
  field: string;
  message: string;
}

const cache = new WeakMap<ProviderSpec, ResolvedSpec>();

/**
 * The resolved view of `spec`, computed once per spec object. Throws {@link SpecResolveError} on a
 * cross-field problem (the loader turns it into a one-line spec error naming the file and field).
 */
export function resolveSpec(spec: ProviderSpec): ResolvedSpec {
  let r = cache.get(spec);
  if (!r) {
    const problems = resolveProblems(spec);
    if (problems.length) throw new SpecResolveError(problems);
    r = buildView(spec);
    cache.set(spec, r);
  }
  return r;
}

/** Cross-field problems of a spec, as field/message pairs (empty when it resolves). */
export class SpecResolveError extends Error {
  constructor(readonly problems: ResolveProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('\n'));
    this.name = 'SpecResolveError';
  }
}

/** The rules the schema cannot express, checked before a view is built. */
export function resolveProblems(spec: ProviderSpec): ResolveProblem[] {
  const out: ResolveProblem[] = [];
  spec.deviations.forEach((d, i) => {
    if (isDeviationId(d.id)) return;
    const near = closestDeviationId(d.id);
    out.push({ field: `deviations[${i}].id`, message: `unknown deviation id "${d.id}"${near ? ` (did you mean "${near}"?)` : ''}; registered ids are listed in src/spec/deviations.ts` });
  });
  const documented = new Set(spec.deviations.map((d) => d.id));
  if (!spec.tokenResponse.cacheControlNoStore && !documented.has('cache-control.absent')) {
    out.push({ field: 'tokenResponse.cacheControlNoStore', message: 'false departs from RFC 6749 §5.1 (the server MUST send Cache-Control: no-store): document it as deviation "cache-control.absent"' });
  }
  if (spec.tokenResponse.cacheControlNoStore && documented.has('cache-control.absent')) {
    out.push({ field: 'deviations', message: 'deviation "cache-control.absent" contradicts tokenResponse.cacheControlNoStore: true' });
  }
  const issuers = (Object.keys(spec.grants) as GrantType[]).filter((g) => g !== 'refresh_token' && spec.grants[g]?.issuesRefreshToken);
  if (spec.grants.refresh_token && issuers.length === 0) {
    out.push({ field: 'grants.refresh_token', message: 'declared, but no other grant has issuesRefreshToken: true, so no refresh token could ever be used' });
  }
  const r = spec.refresh;
  if (r && r.invalidatesOldRefreshToken && !r.rotatesRefreshToken) {
    out.push({ field: 'refresh.invalidatesOldRefreshToken', message: 'true needs rotatesRefreshToken: true (otherwise a refresh leaves the client without a usable refresh token)' });
  }
  if (r?.reuseDetection && !r.invalidatesOldRefreshToken) {
    out.push({ field: 'refresh.reuseDetection', message: 'true needs invalidatesOldRefreshToken: true (reuse of a token that stays valid is not a replay)' });
  }
  if (spec.clientAuth.bodyCredentialsAlsoRequired && !spec.clientAuth.methods.includes('client_secret_basic')) {
    out.push({ field: 'clientAuth.bodyCredentialsAlsoRequired', message: 'true needs client_secret_basic among clientAuth.methods' });
  }
  return out;
}

function buildView(spec: ProviderSpec): ResolvedSpec {
  const methods = [...spec.clientAuth.methods];
  const secretMethods = methods.filter((m): m is SecretMethod => m !== 'none');
  const grants: ResolvedSpec['grants'] = {};
  for (const [name, g] of Object.entries(spec.grants) as Array<[GrantType, NonNullable<ProviderSpec['grants'][GrantType]>]>) {
    grants[name] = { scopeRequired: g.scopeRequired, issuesRefreshToken: g.issuesRefreshToken && spec.grants.refresh_token !== undefined, extraParams: { ...g.extraParams } };
  }
  const fields = spec.tokenResponse.fields;
  const errors = {} as Record<ErrorCaseName, ResolvedErrorCase>;
  for (const name of ERROR_CASES) {
    const c = spec.errors.cases[name];
    errors[name] = { status: c?.status ?? RFC_ERROR_CASES[name].status, error: c?.error ?? RFC_ERROR_CASES[name].error, documented: c !== undefined };
  }
  const documented = new Set(spec.deviations.map((d) => d.id));
  const ep = (e: { path: string; method: string } | undefined) => (e ? { path: e.path, method: e.method } : undefined);
  const view: ResolvedSpec = {
    id: spec.id,
    name: spec.name,
    source: spec,
    endpoints: { token: ep(spec.endpoints.token)!, ...optional('authorize', ep(spec.endpoints.authorize)), ...optional('revoke', ep(spec.endpoints.revoke)) },
    request: {
      encoding: spec.request.encoding,
      paramNames: { ...spec.request.paramNames },
      contentType: spec.request.contentType ?? (spec.request.encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json'),
      ...optional('accept', spec.request.acceptHeader),
    },
    clientAuth: {
      methods,
      secretMethods,
      allowsPublic: methods.includes('none'),
      secretRequired: !methods.includes('none'),
      bodyCredentialsAlsoRequired: spec.clientAuth.bodyCredentialsAlsoRequired,
    },
    grants,
    scope: {
      delimiter: spec.scope.delimiter,
      otherDelimiter: spec.scope.otherDelimiter,
      catalogue: [...spec.scope.catalogue],
      default: [...spec.scope.default],
      // A required scope field is echoed whatever the echo rule says.
      echo: fields.scope?.required ? 'always' : spec.scope.echo,
      unknownScope: spec.scope.unknownScope,
    },
    token: {
      fields,
      cacheControl: spec.tokenResponse.cacheControlNoStore ? 'no-store' : undefined,
      ...optional('tokenType', fields.token_type ? String(fields.token_type.value ?? 'Bearer') : undefined),
      ...optional('expiresIn', fields.expires_in
        ? { type: fields.expires_in.type === 'numeric-string' ? 'numeric-string' as const : 'number' as const, seconds: spec.lifetimes.accessToken }
        : undefined),
      accessTokenIsJwt: fields.access_token?.type === 'jwt',
      issuesIdToken: fields.id_token !== undefined,
    },
    lifetimes: { accessToken: spec.lifetimes.accessToken, ...optional('refreshToken', spec.lifetimes.refreshToken), authorizationCode: spec.lifetimes.authorizationCode },
    ...optional('refresh', spec.refresh ? {
      rotatesRefreshToken: spec.refresh.rotatesRefreshToken,
      invalidatesOldRefreshToken: spec.refresh.invalidatesOldRefreshToken,
      invalidatesOldAccessToken: spec.refresh.invalidatesOldAccessToken,
      reuseDetection: spec.refresh.reuseDetection,
    } : undefined),
    ...optional('redirectUri', spec.redirectUri ? { rule: spec.redirectUri.rule, registered: spec.redirectUri.registered, fallbackToRegistered: spec.redirectUri.fallbackToRegistered } : undefined),
    errors,
    ...optional('requiredHeaders', spec.requiredHeaders ? { headers: spec.requiredHeaders.headers.map((h) => ({ name: h.name, value: h.value })) } : undefined),
    ...optional('pop', spec.pop ? {
      profile: spec.pop.profile,
      required: spec.pop.required,
      header: spec.pop.header,
      maxLifetimeSeconds: spec.pop.maxLifetimeSeconds,
      clockSkewSeconds: spec.pop.clockSkewSeconds,
      requiredParts: [...spec.pop.requiredParts],
      onResource: spec.pop.onResource,
    } : undefined),
    resource: {
      method: spec.resource.method,
      path: spec.resource.path,
      ...optional('requiredScope', spec.resource.requiredScope),
      ...optional('body', spec.resource.body),
      ...optional('contentType', spec.resource.contentType),
      insufficientScopeStatus: errors.insufficient_scope.status,
      invalidTokenStatus: errors.invalid_token.status,
    },
    ...optional('idToken', spec.idToken ? { ...optional('issuer', spec.idToken.issuer), audienceIsClientId: spec.idToken.audienceIsClientId } : undefined),
    deviations: spec.deviations,
    documents: (id) => documented.has(id),
    overrides: overridesOf(spec),
  };
  return view;
}

/** `{ [key]: value }` when value is defined, else `{}` (keeps exactOptionalPropertyTypes happy). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
