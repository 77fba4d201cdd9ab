/**
 * A fast-check arbitrary of valid provider specs across the schema: scope delimiters and their handling,
 * client-authentication methods (public clients included), request encodings and parameter names, grants,
 * refresh-token rotation policies, redirect-URI rules, lifetimes, required headers, error statuses, cache
 * headers, DPoP on or off. Every departure from an RFC that a variant makes is documented as the registered
 * deviation, exactly as a real spec must. Used by test/spec/variants.test.ts and scripts/variants.ts.
 * @see https://fast-check.dev/docs/core-blocks/arbitraries/
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseSpec } from '../../src/spec/load.ts';
import { resolveSpec } from '../../src/spec/resolve.ts';
import type { ProviderSpec, SpecInput } from '../../src/spec/schema.ts';
import type { DeviationId } from '../../src/spec/deviations.ts';
import { DEVIATIONS } from '../../src/spec/deviations.ts';
import type { FaultName } from '../../providers/faults.ts';

const CITE = [{ doc: 'gen', line: 1, quote: 'generated variant' }];
const STD = 'RFC 6749 (generated variant)';

function deviation(id: DeviationId) {
  return { id, rfc: DEVIATIONS[id].rfc, description: DEVIATIONS[id].description, source: CITE };
}

/** The choices a variant is made of (kept small, so that shrinking ends at a readable counterexample). */
export interface VariantChoices {
  delimiter: ' ' | ',';
  otherDelimiter: 'reject' | 'single-unknown' | 'accept';
  echo: 'always' | 'when-narrowed' | 'never';
  unknownScope: 'reject' | 'drop';
  catalogue: string[];
  methods: Array<'client_secret_basic' | 'client_secret_post' | 'none'>;
  encoding: 'form' | 'json';
  hyphenGrantType: boolean;
  primary: 'client_credentials' | 'password' | 'authorization_code';
  refresh: { rotates: boolean; invalidatesOldRefresh: boolean; invalidatesOldAccess: boolean; reuseDetection: boolean } | undefined;
  implicit: boolean;
  redirectRule: 'exact' | 'extension';
  fallbackToRegistered: boolean;
  accessTokenLifetime: number;
  refreshTokenLifetime: number | undefined;
  codeLifetime: number;
  requiredHeader: { status: 400 | 401 | 403 } | undefined;
  unknownClientStatus: 400 | 401;
  invalidScopeStatus: 400 | 403;
  cacheControlNoStore: boolean;
  tokenType: boolean;
  expiresIn: 'number' | 'numeric-string' | 'absent';
  jwtAccessToken: boolean;
  dpop: boolean;
  requiredScope: boolean;
  resourceMethod: 'GET' | 'POST';
}

const refreshPolicy = fc.record({ rotates: fc.boolean(), invalidatesOldRefresh: fc.boolean(), invalidatesOldAccess: fc.boolean(), reuseDetection: fc.boolean() })
  .map((r) => ({ ...r, invalidatesOldRefresh: r.rotates && r.invalidatesOldRefresh, reuseDetection: r.rotates && r.invalidatesOldRefresh && r.reuseDetection }));

/** The arbitrary of choices; {@link specOf} turns them into a spec. */
export const variantChoices: fc.Arbitrary<VariantChoices> = fc.record({
  delimiter: fc.constantFrom<' ' | ','>(' ', ','),
  otherDelimiter: fc.constantFrom<'reject' | 'single-unknown' | 'accept'>('reject', 'single-unknown', 'accept'),
  echo: fc.constantFrom<'always' | 'when-narrowed' | 'never'>('always', 'when-narrowed', 'never'),
  unknownScope: fc.constantFrom<'reject' | 'drop'>('reject', 'drop'),
  catalogue: fc.subarray(['read', 'write', 'admin', 'sms'], { minLength: 0 }),
  methods: fc.subarray<'client_secret_basic' | 'client_secret_post' | 'none'>(['client_secret_basic', 'client_secret_post', 'none'], { minLength: 1 }),
  encoding: fc.constantFrom<'form' | 'json'>('form', 'json'),
  hyphenGrantType: fc.boolean(),
  primary: fc.constantFrom<'client_credentials' | 'password' | 'authorization_code'>('client_credentials', 'password', 'authorization_code'),
  refresh: fc.option(refreshPolicy, { nil: undefined }),
  implicit: fc.boolean(),
  redirectRule: fc.constantFrom<'exact' | 'extension'>('exact', 'extension'),
  fallbackToRegistered: fc.boolean(),
  accessTokenLifetime: fc.constantFrom(60, 3599, 3600, 172800),
  refreshTokenLifetime: fc.option(fc.constantFrom(7200, 86400, 1209600), { nil: undefined }),
  codeLifetime: fc.constantFrom(30, 60, 600),
  requiredHeader: fc.option(fc.record({ status: fc.constantFrom<400 | 401 | 403>(400, 401, 403) }), { nil: undefined }),
  unknownClientStatus: fc.constantFrom<400 | 401>(400, 401),
  invalidScopeStatus: fc.constantFrom<400 | 403>(400, 403),
  cacheControlNoStore: fc.boolean(),
  tokenType: fc.boolean(),
  expiresIn: fc.constantFrom<'number' | 'numeric-string' | 'absent'>('number', 'numeric-string', 'absent'),
  jwtAccessToken: fc.boolean(),
  dpop: fc.boolean(),
  requiredScope: fc.boolean(),
  resourceMethod: fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
});

/** The spec (as a file's content) a set of choices describes, with every RFC departure documented. */
export function specInputOf(c: VariantChoices, id = 'variant'): SpecInput {
  const deviations: DeviationId[] = [];
  const grants: NonNullable<SpecInput['grants']> = {};
  const issuesRefresh = c.refresh !== undefined;
  grants[c.primary] = { issuesRefreshToken: issuesRefresh, standard: STD };
  if (issuesRefresh) grants.refresh_token = { issuesRefreshToken: true, standard: STD };
  if (c.implicit) grants.implicit = { standard: STD };
  const redirectBased = c.primary === 'authorization_code' || c.implicit;
  if (c.delimiter === ',') deviations.push('scope.comma-delimited');
  if (c.encoding === 'json') deviations.push('request.json-body');
  if (c.hyphenGrantType) deviations.push('request.grant-type-hyphen');
  if (redirectBased && c.redirectRule === 'extension') deviations.push('redirect-uri.extension-match');
  if (c.requiredHeader) deviations.push('headers.tenant-required');
  if (c.unknownClientStatus === 400 && c.methods.includes('client_secret_basic')) deviations.push('invalid-client.400-after-basic');
  if (!c.cacheControlNoStore) deviations.push('cache-control.absent');
  if (!c.tokenType) deviations.push('token-type.absent');
  if (c.expiresIn === 'numeric-string') deviations.push('expires-in.string');
  if (c.expiresIn === 'absent') deviations.push('expires-in.absent');
  const fields: NonNullable<SpecInput['tokenResponse']>['fields'] = {
    access_token: { type: c.jwtAccessToken ? 'jwt' : 'string', required: true },
  };
  if (c.tokenType) fields.token_type = { type: 'string', required: true, value: 'Bearer', caseInsensitive: true };
  if (c.expiresIn !== 'absent') fields.expires_in = { type: c.expiresIn, required: false };
  if (issuesRefresh) fields.refresh_token = { type: 'string', required: false };
  fields.scope = { type: 'string', required: false };
  const catalogue = c.catalogue;
  return {
    id,
    name: `generated variant ${id}`,
    documents: { gen: { file: 'generated.txt', title: 'generated variant' } },
    endpoints: {
      token: { path: '/token', method: 'POST', standard: STD },
      ...(redirectBased ? { authorize: { path: '/authorize', method: 'GET', standard: STD } } : {}),
      revoke: { path: '/revoke', method: 'POST', standard: STD },
    },
    request: {
      encoding: c.encoding,
      ...(c.hyphenGrantType ? { paramNames: { grant_type: 'grant-type' } } : {}),
      standard: STD,
    },
    clientAuth: { methods: c.methods, standard: STD },
    grants,
    scope: {
      delimiter: c.delimiter,
      catalogue,
      default: catalogue.slice(0, 2),
      otherDelimiter: c.otherDelimiter,
      echo: c.echo,
      unknownScope: c.unknownScope,
      standard: STD,
    },
    tokenResponse: { fields, cacheControlNoStore: c.cacheControlNoStore, standard: STD },
    lifetimes: {
      accessToken: c.accessTokenLifetime,
      ...(issuesRefresh && c.refreshTokenLifetime ? { refreshToken: c.refreshTokenLifetime } : {}),
      authorizationCode: c.codeLifetime,
      standard: STD,
    },
    ...(c.refresh ? {
      refresh: {
        rotatesRefreshToken: c.refresh.rotates,
        invalidatesOldRefreshToken: c.refresh.invalidatesOldRefresh,
        invalidatesOldAccessToken: c.refresh.invalidatesOldAccess,
        reuseDetection: c.refresh.reuseDetection,
        // A provider document states the policy (as AT&T's does): RFC 6749 §6 alone would make it a MAY, which the
        // rotation suite does not fail for confidential clients.
        source: CITE,
      },
    } : {}),
    ...(redirectBased ? { redirectUri: { rule: c.redirectRule, registered: 'https://client.example.org/cb', fallbackToRegistered: c.fallbackToRegistered, standard: STD } } : {}),
    errors: {
      cases: {
        unknown_client: { status: c.unknownClientStatus, error: 'invalid_client', standard: STD },
        wrong_secret: { status: c.unknownClientStatus, error: 'invalid_client', standard: STD },
        invalid_scope: { status: c.invalidScopeStatus, error: 'invalid_scope', standard: STD },
        ...(c.requiredHeader ? { missing_required_header: { status: c.requiredHeader.status, error: 'invalid_request', standard: STD } } : {}),
      },
      standard: STD,
    },
    ...(c.requiredHeader ? {
      requiredHeaders: {
        headers: [{ name: 'X-Tenant', value: '${target.headers.X-Tenant}' }],
        standard: STD,
      },
    } : {}),
    ...(c.dpop ? { pop: { profile: 'dpop', required: false, maxLifetimeSeconds: 300, clockSkewSeconds: 5, onResource: true, standard: STD } } : {}),
    resource: {
      method: c.resourceMethod,
      path: '/resource',
      ...(c.requiredScope && catalogue.length ? { requiredScope: catalogue[0]! } : {}),
      standard: STD,
    },
    deviations: deviations.map(deviation),
  };
}

/** The validated spec for `c`, loaded exactly as a spec file is. */
export function specOf(c: VariantChoices, id = 'variant'): ProviderSpec {
  return parseSpec(stringify(specInputOf(c, id)), `variant:${id}`);
}

/** A fault, the suite that must notice it, and the check that must fail. */
export type FaultProbe = { fault: FaultName; suite: string; check: string };

/**
 * Faults that break a behaviour this spec actually has, each with the check meant to catch it: the sample the
 * variants property uses to show that checks still bite on every variant.
 */
export function faultProbesFor(spec: ProviderSpec): FaultProbe[] {
  const v = resolveSpec(spec);
  const out: FaultProbe[] = [
    { fault: 'accept-unknown-client', suite: 'token-endpoint', check: 'error.unknown-client' },
    { fault: 'no-access-token', suite: 'token-endpoint', check: 'token.access-token-present' },
  ];
  // The fault reads a missing grant_type as client_credentials, so only a spec with that grant shows it.
  if (v.grants.client_credentials) out.push({ fault: 'accept-missing-grant-type', suite: 'token-endpoint', check: 'error.missing-grant-type' });
  if (v.token.cacheControl) out.push({ fault: 'no-cache-control', suite: 'token-endpoint', check: 'token.cache-control-no-store' });
  if (v.clientAuth.secretRequired) out.push({ fault: 'accept-wrong-secret', suite: 'token-endpoint', check: 'error.wrong-secret' });
  if (v.token.tokenType) out.push({ fault: 'token-type-mac', suite: 'token-endpoint', check: 'token.token-type-bearer' });
  if (v.refresh?.invalidatesOldRefreshToken) out.push({ fault: 'refresh-keeps-old-refresh', suite: 'rotation', check: 'rotation.old-refresh-token-rejected' });
  if (v.endpoints.revoke) out.push({ fault: 'revoke-noop', suite: 'revocation', check: 'revocation.access-token-rejected' });
  if (v.grants.authorization_code) out.push({ fault: 'accept-reused-code', suite: 'grant-types', check: 'grant.authorization-code.reuse-rejected' });
  return out;
}
