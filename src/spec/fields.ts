/**
 * Who reads each field of the provider-spec schema: the mock (providers/, through the resolved view) and the
 * suites (suites/, src/checks/, src/steps/, src/runner/, and the deviation registry). test/spec/fields.test.ts
 * walks the zod schema and fails on a field missing here, and on a field whose reader text is found on neither
 * side's files — a field nothing reads is a promise nobody keeps. A side may be `null` only with the reason.
 *
 * Paths: `grants.*` stands for every grant; `*.source`, `*.assumption`, `*.standard` for the traceability
 * fields of every section. Records and arrays are leaves.
 * @see ../../test/spec/fields.test.ts
 */

/** The text reading a field leaves on each side, or null and why that side has nothing to read. */
export interface FieldReaders {
  mock: string | null;
  suites: string | null;
  why?: string;
}

const META = (why: string): FieldReaders => ({ mock: null, suites: null, why });
const both = (mock: string, suites: string): FieldReaders => ({ mock, suites });

/** Every leaf of the schema and who reads it. */
export const SPEC_FIELD_READERS: Record<string, FieldReaders> = {
  '$schema': META('editor hint for the YAML language server'),
  'extends': META('read by the loader: the spec this file overlays (src/spec/overlay.ts); never part of a loaded spec'),
  'id': both('spec.id', 'spec.id'),
  'name': META('shown in listings and reports (src/cli, src/report)'),
  'description': META('documentation for readers of the spec'),
  'documents': META('the documents citations point into; test/spec/load.test.ts checks every quote against them'),
  '*.source': META('traceability; test/spec/load.test.ts checks every quote against its document line'),
  '*.assumption': META('traceability: what was assumed, for readers and reports'),
  '*.standard': META('traceability: the RFC section a value follows'),
  '*.assumed': META('traceability: which fields rest on the assumption; read by src/spec/provenance.ts, which caps the severity of checks judging them (src/runner/suite.ts)'),

  'endpoints.token.path': both('endpoints.token.path', 'endpoints[name]?.path'),
  'endpoints.token.method': both('endpoints.token.method', 'endpoints.token.method'),
  'endpoints.authorize.path': both('endpoints.authorize.path', 'endpoints[name]?.path'),
  'endpoints.authorize.method': { mock: 'endpoints.authorize.method', suites: null, why: 'always GET, which RFC 6749 §3.1 requires every authorization endpoint to support (the schema allows nothing else)' },
  'endpoints.revoke.path': both('endpoints.revoke.path', 'endpoints[name]?.path'),
  'endpoints.revoke.method': both('endpoints.revoke.method', 'endpoint.method'),

  'request.encoding': both('request.encoding', 'request.encoding'),
  'request.paramNames': both('request.paramNames', 'request.paramNames'),
  'request.contentType': both('request.contentType', 'request.contentType'),
  'request.acceptHeader': {
    mock: null, suites: 'request.acceptHeader',
    why: 'a header the client sends as documented; no provider documents how a request without it is answered, so the mock does not enforce it',
  },

  'clientAuth.methods': both('clientAuth.methods', 'clientAuth.methods'),
  'clientAuth.bodyCredentialsAlsoRequired': both('clientAuth.bodyCredentialsAlsoRequired', 'clientAuth.bodyCredentialsAlsoRequired'),

  'grants.*.scopeRequired': both('scopeRequired', 'scopeRequired'),
  'grants.*.issuesRefreshToken': both('issuesRefreshToken', 'issuesRefreshToken'),
  'grants.*.extraParams': both('extraParams', 'extraParams'),
  'grants.*.scope': { mock: null, suites: 'grants[grant]?.scope', why: 'what the harness asks for in each flow; the mock grants whatever catalogue values are asked' },
  'grants.*.pkce': both('verifyPkce', 'pkceSupport'),
  'grants.*.pkceMethods': both('pkceMethods', 'defaultPkceMethod'),

  'scope.delimiter': both('scope.delimiter', '.delimiter'),
  'scope.catalogue': both('scope.catalogue', '.catalogue'),
  'scope.default': both('scope.default', 'scope.default'),
  'scope.otherDelimiter': both('scope.otherDelimiter', '.otherDelimiter'),
  'scope.echo': both('scope.echo', '.echo'),
  'scope.unknownScope': both('scope.unknownScope', '.unknownScope'),

  'tokenResponse.fields': both('token.fields', 'tokenResponse.fields'),
  'tokenResponse.cacheControlNoStore': {
    mock: 'token.cacheControl', suites: 'cache-control.absent',
    why: 'the suites check RFC 6749 §5.1\'s MUST; false requires the registered deviation cache-control.absent, which turns that check into a deviation',
  },

  'lifetimes.accessToken': both('lifetimes.accessToken', 'lifetimes.accessToken'),
  'lifetimes.refreshToken': both('lifetimes.refreshToken', 'lifetimes.refreshToken'),
  'lifetimes.authorizationCode': both('lifetimes.authorizationCode', 'lifetimes.authorizationCode'),

  'refresh.rotatesRefreshToken': both('rotatesRefreshToken', 'rotatesRefreshToken'),
  'refresh.invalidatesOldRefreshToken': both('invalidatesOldRefreshToken', 'invalidatesOldRefreshToken'),
  'refresh.invalidatesOldAccessToken': both('invalidatesOldAccessToken', 'invalidatesOldAccessToken'),
  'refresh.reuseDetection': both('reuseDetection', 'reuseDetection'),

  'redirectUri.rule': both('rule.rule', 'rule.rule'),
  'redirectUri.registered': both('redirectUri.registered', '.registered'),
  'redirectUri.fallbackToRegistered': both('fallbackToRegistered', 'fallbackToRegistered'),

  'errors.cases': both('b.errors[name]', 'errors.cases'),

  'requiredHeaders.headers': both('requiredHeaders', 'requiredHeaders'),

  'pop.profile': both('pop.profile', 'pop?.profile'),
  'pop.required': both('pop.required', 'pop.required'),
  'pop.header': both('pop.header', 'pop.header'),
  'pop.maxLifetimeSeconds': both('maxLifetimeSeconds', 'maxLifetimeSeconds'),
  'pop.clockSkewSeconds': both('clockSkewSeconds', 'clockSkewSeconds'),
  'pop.requiredParts': both('requiredParts', 'requiredParts'),
  'pop.onResource': both('onResource', 'onResource'),

  'resource.method': both('resource.method', 'r.method'),
  'resource.path': both('resource.path', 'resource.path'),
  'resource.requiredScope': both('resource.requiredScope', 'resource.requiredScope'),
  'resource.body': { mock: null, suites: 'r.body', why: 'what the probe sends to the resource; the mock answers any body (it signs it only under TAAP)' },
  'resource.contentType': { mock: null, suites: 'r.contentType', why: 'the Content-Type the probe sends with its body; the mock does not parse the resource body' },

  'idToken.issuer': {
    mock: null, suites: 'idToken?.issuer',
    why: 'the issuer a live provider documents; a mock issues its own URL and its target always names it',
  },
  'idToken.audienceIsClientId': both('audienceIsClientId', 'audienceIsClientId'),

  'deviations': {
    mock: null, suites: 'deviations',
    why: 'reporting only: what the mock does is described by the fields a deviation explains (delimiter, expires_in type, …)',
  },
};
