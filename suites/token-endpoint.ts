/**
 * Token endpoint behaviour (RFC 6749 §3.2, §5.1, §5.2).
 *
 * Obtain a token the way the spec says, then check the success response against the spec (contract) and
 * against RFC 6749 (deviations reported as such); then send each documented kind of bad request and check the
 * documented error: unknown client, wrong secret, missing grant_type, unsupported grant, missing parameter,
 * invalid scope, wrong Content-Type, client-auth methods the spec does not list, and required headers left out.
 */
import { defineSuite, Unavailable } from '../src/runner/suite.ts';
import { notApplicable, pass } from '../src/checks/check.ts';
import * as C from '../src/checks/token-response.ts';
import { grantParams, joinScope, primaryGrant, tokenRequest } from '../src/steps/requests.ts';
import type { HttpExchange } from '../src/http/types.ts';
import type { ErrorCaseName } from '../src/spec/schema.ts';

export default defineSuite({
  name: 'token-endpoint',
  summary: 'Success and error responses of the token endpoint, per spec and per RFC 6749.',
  async run(t) {
    const { spec } = t;
    const grant = primaryGrant(t);
    const ok = await t.step('obtain a token with the primary grant', async () => {
      if (!grant) throw new Unavailable('no grant usable at the token endpoint');
      const ex = await tokenRequest(t, grant, { params: grantParams(t, grant) });
      if (ex.failure) throw new Error(`${ex.failure.code}: ${ex.failure.message}`);
      return ex;
    });
    const needs = [ok];
    const ex = () => (ok.ok ? ok.value : (undefined as never));

    await t.judge(C.tokenRequestSucceeds, { severity: 'MUST', needs }, () => C.checkTokenRequestSucceeds(ex()));
    await t.judge(C.contentTypeIsJson, { severity: 'MUST', needs }, () => C.checkContentTypeIsJson(ex()));
    await t.judge(C.cacheControlNoStore, { severity: 'MUST', needs }, () => C.checkCacheControlNoStore(ex()));
    await t.judge(C.pragmaNoCache, { severity: 'SHOULD', needs }, () => C.checkPragmaNoCache(ex()));
    await t.judge(C.accessTokenPresent, { severity: 'MUST', needs }, () => C.checkAccessTokenPresent(ex()));
    await t.judge(C.fieldsMatchSpec, { severity: 'MUST', needs }, () => C.checkFieldsMatchSpec(ex(), spec));
    await t.judge(C.fieldValuesMatchSpec, { severity: 'MUST', needs }, () => C.checkFieldValuesMatchSpec(ex(), spec));
    await t.judge(C.tokenTypePresent, { severity: 'MUST', needs, deviation: 'token-type.absent' }, () => C.checkTokenTypePresent(ex()));
    // A request without a DPoP proof gets a Bearer token even where the profile allows DPoP (RFC 9449 §5).
    if (spec.tokenResponse.fields.token_type) {
      await t.judge(C.tokenTypeIsBearer, { severity: 'MUST', needs }, () => C.checkTokenTypeIsBearer(ex()));
    } else t.notApplicable(C.tokenTypeIsBearer, 'MUST', 'the spec documents no token_type');
    await t.judge(C.expiresInIsNumber, { severity: 'SHOULD', needs, deviation: 'expires-in.string' }, () => C.checkExpiresInIsNumber(ex()));

    // ---- error cases ----
    const errors: HttpExchange[] = [];
    const errorCheck = async (name: ErrorCaseName, title: string, send: () => Promise<HttpExchange> | undefined | string) => {
      const meta = C.errorCaseMeta(name, title);
      await t.judge(meta, { severity: 'MUST', needs }, async () => {
        const sent = send();
        if (typeof sent === 'string') return notApplicable(sent);
        if (!sent) return notApplicable('not expressible for this spec');
        const e = await sent;
        errors.push(e);
        return C.checkErrorCase(e, spec, name);
      });
    };
    const params = grant ? grantParams(t, grant) : {};
    const bodyless = spec.request.encoding === 'empty' ? 'the token request has no body, so no grant parameters can be varied' : undefined;

    await errorCheck('unknown_client', 'An unknown client is rejected as invalid_client', () =>
      tokenRequest(t, grant, { params, auth: { id: `unknown-${t.target.clientId}`, secret: t.target.clientSecret } }));
    await errorCheck('wrong_secret', 'A wrong client secret is rejected as invalid_client', () =>
      tokenRequest(t, grant, { params, auth: { id: t.target.clientId, secret: `${t.target.clientSecret}x` } }));
    await errorCheck('missing_grant_type', 'A request without grant_type is rejected', () => bodyless ?? tokenRequest(t, grant, { params, omitGrantType: true }));
    await errorCheck('unsupported_grant_type', 'An unknown grant type is rejected as unsupported_grant_type', () =>
      bodyless ?? tokenRequest(t, 'urn:oauthgate:unknown-grant', { params }));
    await errorCheck('missing_parameter', 'A grant request missing a required parameter is rejected', () => {
      if (bodyless) return bodyless;
      if (!grant) return 'no usable grant';
      const required = requiredParamOf(grant, spec.grants[grant]?.scopeRequired ?? false, params);
      if (!required) return `the ${grant} grant has no required parameter besides grant_type in this spec`;
      return tokenRequest(t, grant, { params: { ...params, [required]: undefined } });
    });
    await errorCheck('invalid_scope', 'An unknown scope value is rejected as invalid_scope', () => {
      if (bodyless) return bodyless;
      if (spec.scope.unknownScope === 'drop') return 'the spec documents that unknown scope values are dropped, not rejected';
      if (grant !== 'client_credentials' && grant !== 'password') return `scope is not sent with the ${grant} grant`;
      if (spec.grants[grant]?.extraParams.scope !== undefined) return 'the spec fixes the scope value';
      return tokenRequest(t, grant, { params: { ...params, scope: joinScope(t, ['oauthgate-unknown-scope']) } });
    });
    await errorCheck('unsupported_content_type', 'A token request with the wrong Content-Type is rejected', () => {
      const wrong = spec.request.encoding === 'form' ? { encoding: 'json' as const, contentType: 'application/json' } : { encoding: 'form' as const, contentType: 'application/x-www-form-urlencoded' };
      if (spec.request.encoding === 'empty') return tokenRequest(t, grant, { params, contentType: 'text/plain' });
      return tokenRequest(t, grant, { params, ...wrong });
    });

    await t.judge(C.errorBodyIsRfc6749Json, { severity: 'MUST', needs }, () => {
      const bad = errors.filter((e) => e.status !== 200).map((e) => ({ e, o: C.checkErrorBodyIsRfc6749Json(e) })).find((x) => x.o.status === 'failed');
      if (errors.length === 0) return notApplicable('no error response was collected');
      return bad ? bad.o : pass(`${errors.length} error responses checked`);
    });

    // ---- client authentication methods ----
    const methods = spec.clientAuth.methods;
    for (const m of ['client_secret_basic', 'client_secret_post'] as const) {
      const meta = {
        id: `token.client-auth.${m.replace(/_/g, '-')}-${methods.includes(m) ? 'accepted' : 'rejected'}`,
        title: `${m} client authentication is ${methods.includes(m) ? 'accepted' : 'rejected'}, as the spec says`,
        requirement: 'RFC 6749 §2.3.1 and provider spec clientAuth.methods',
      };
      if (spec.clientAuth.bodyCredentialsAlsoRequired) {
        t.notApplicable(meta, 'SHOULD', 'the spec requires Basic and body credentials together');
        continue;
      }
      const mode = m === 'client_secret_basic' ? 'basic' : 'post';
      await t.judge(meta, { severity: methods.includes(m) ? 'MUST' : 'SHOULD', needs }, async () => {
        const e = await tokenRequest(t, grant, { params, auth: mode });
        return methods.includes(m) ? C.checkTokenRequestSucceeds(e) : C.checkRejected(e, `token request with ${m} (not listed by the spec)`, 'provider spec clientAuth.methods');
      });
    }
    if (methods.includes('client_secret_basic')) {
      await t.judge(C.basicChallengeOn401, { severity: 'SHOULD', needs }, async () =>
        C.checkBasicChallengeOn401(await tokenRequest(t, grant, { params, auth: { id: t.target.clientId, secret: `${t.target.clientSecret}x`, mode: 'spec' } })));
    } else t.notApplicable(C.basicChallengeOn401, 'SHOULD', 'the spec does not accept HTTP Basic');

    // ---- the RFC's own request form, where the spec documents another ----
    const quirks = spec.request.encoding !== 'form' || Object.keys(spec.request.paramNames).length > 0 || spec.clientAuth.bodyCredentialsAlsoRequired;
    if (!quirks) t.notApplicable(C.rfcFormRequestAccepted, 'MUST', 'the spec\'s token request is RFC 6749\'s own form; token.success-status-200 covers it');
    else {
      await t.judge(C.rfcFormRequestAccepted, { severity: 'MUST', needs, deviation: ['request.empty-body', 'request.json-content-type', 'request.json-body', 'request.grant-type-hyphen', 'client-auth.basic-and-body'] }, async () => {
        // Standard parameter names, form encoding, Basic credentials only; the PoP token is still attached where
        // the spec requires one, so that only the request form differs.
        const e = await tokenRequest(t, 'client_credentials', { params: { scope: params.scope }, encoding: 'form', contentType: 'application/x-www-form-urlencoded', auth: 'basic', rawParamNames: true });
        return C.checkTokenRequestSucceeds(e);
      });
    }

    // ---- required headers ----
    const rh = { id: 'token.required-headers-enforced', title: 'A token request without the required headers is rejected', requirement: 'provider spec requiredHeaders' };
    if (spec.requiredHeaders) {
      await t.judge(rh, { severity: 'SHOULD', needs }, async () =>
        C.checkRejected(await tokenRequest(t, grant, { params, omitRequiredHeaders: true }), 'token request without the required headers', 'provider spec requiredHeaders'));
    } else t.notApplicable(rh, 'SHOULD', 'the spec requires no extra headers');
    if (spec.requiredHeaders) {
      await t.judge(C.noExtraHeadersRequired, { severity: 'MUST', needs, deviation: 'headers.tenant-required' }, async () =>
        C.checkTokenRequestSucceeds(await tokenRequest(t, grant, { params, omitRequiredHeaders: true })));
    } else t.notApplicable(C.noExtraHeadersRequired, 'MUST', 'the spec requires no extra headers');
  },
});

/** The parameter whose absence must be rejected for `grant`, given the request's parameters. */
function requiredParamOf(grant: string, scopeRequired: boolean, params: Record<string, string | undefined>): string | undefined {
  if (grant === 'password') return 'password';
  if (grant === 'client_credentials' && scopeRequired && params.scope !== undefined) return 'scope';
  const fixed = Object.keys(params).find((k) => k !== 'scope' && params[k] !== undefined);
  return fixed;
}
