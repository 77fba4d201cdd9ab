/**
 * Token endpoint behaviour (RFC 6749 §3.2, §5.1, §5.2).
 *
 * Obtain a token the way the spec says, then check the success response against the spec (contract) and
 * against RFC 6749 (deviations reported as such); then send each documented kind of bad request and check the
 * documented error: unknown client, wrong secret, missing grant_type, unsupported grant, missing parameter,
 * invalid scope, wrong Content-Type, client-auth methods the spec does not list, and required headers left out.
 */
import { defineSuite, passed, Unavailable, type Prereq } from '../src/runner/suite.ts';
import { CheckAbort, notApplicable } from '../src/checks/check.ts';
import * as C from '../src/checks/token-response.ts';
import { rejectedAsDocumented } from '../src/checks/rejection.ts';
import { UNKNOWN_SCOPE, unknownScopeNotRefused } from '../src/checks/scope.ts';
import { grantParams, joinScope, primaryGrant, successParams, tokenRequest } from '../src/steps/requests.ts';
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
      const ex = await tokenRequest(t, grant, { params: await successParams(t, grant) });
      if (ex.failure) throw new Error(`${ex.failure.code}: ${ex.failure.message}`);
      return ex;
    });
    const needs = [ok] as const;
    // Most success checks judge the token response alone.
    const theResponse = (ex: HttpExchange): [HttpExchange] => [ex];

    await t.check(C.tokenRequestSucceeds, { severity: 'MUST', needs }, theResponse);
    await t.check(C.contentTypeIsJson, { severity: 'MUST', needs }, theResponse);
    await t.check(C.cacheControlNoStore, { severity: 'MUST', needs }, theResponse);
    await t.check(C.pragmaNoCache, { severity: 'SHOULD', needs }, theResponse);
    await t.check(C.accessTokenPresent, { severity: 'MUST', needs }, theResponse);
    await t.check(C.fieldsMatchSpec, { severity: 'MUST', needs }, (ex) => [ex, spec]);
    await t.check(C.fieldValuesMatchSpec, { severity: 'MUST', needs }, (ex) => [ex, spec]);
    await t.check(C.tokenTypePresent, { severity: 'MUST', needs, deviation: 'token-type.absent' }, theResponse);
    // A request without a DPoP proof gets a Bearer token even where the profile allows DPoP (RFC 9449 §5).
    if (spec.tokenResponse.fields.token_type) await t.check(C.tokenTypeIsBearer, { severity: 'MUST', needs }, theResponse);
    else t.notApplicable(C.tokenTypeIsBearer, 'MUST', 'the spec documents no token_type');
    await t.check(C.expiresInIsNumber, { severity: 'SHOULD', needs, deviation: 'expires-in.string' }, theResponse);

    // ---- error cases ----
    const errors: HttpExchange[] = [];
    /** Sends the bad request `send` builds (or records why it can't be built) and judges it by the one rule. */
    const errorCase = (name: ErrorCaseName, title: string, send: () => Promise<HttpExchange> | string, notRefused?: (e: HttpExchange) => string | undefined) =>
      t.check(rejectedAsDocumented(name, title), { severity: 'MUST', needs }, async () => {
        const sent = send();
        if (typeof sent === 'string') throw new CheckAbort(notApplicable(sent));
        const e = await sent;
        // A behaviour another check owns (an ignored unknown scope): nothing of this check's to judge.
        const elsewhere = notRefused?.(e);
        if (elsewhere) throw new CheckAbort(notApplicable(elsewhere));
        errors.push(e);
        return [e, spec];
      });
    const params = grant ? grantParams(t, grant) : {};
    const bodyless = spec.request.encoding === 'empty' ? 'the token request has no body, so no grant parameters can be varied' : undefined;
    const wrongSecret = { id: t.target.clientId, secret: `${t.target.clientSecret}x` };

    await errorCase('unknown_client', 'An unknown client is rejected as invalid_client', () =>
      tokenRequest(t, grant, { params, auth: { id: `unknown-${t.target.clientId}`, secret: t.target.clientSecret } }));
    const wrongSecretRejected = await errorCase('wrong_secret', 'A wrong client secret is rejected as invalid_client', () =>
      t.target.clientSecret === undefined ? 'the client is public (RFC 6749 §2.1): it has no secret to get wrong' : tokenRequest(t, grant, { params, auth: wrongSecret }));
    await errorCase('missing_grant_type', 'A request without grant_type is rejected', () => bodyless ?? tokenRequest(t, grant, { params, omitGrantType: true }));
    await errorCase('unsupported_grant_type', 'An unknown grant type is rejected as unsupported_grant_type', () =>
      bodyless ?? tokenRequest(t, 'urn:oauthgate:unknown-grant', { params }));
    await errorCase('missing_parameter', 'A grant request missing a required parameter is rejected', () => {
      if (bodyless) return bodyless;
      if (!grant) return 'no usable grant';
      // One owner per behaviour: a request without a required scope is scope.missing-rejected's, unless the spec fixes
      // the scope value (T-Mobile v6), where the scope suite has nothing to vary and this check keeps it.
      const g = spec.grants[grant];
      const required = requiredParamOf(grant, (g?.scopeRequired ?? false) && g?.extraParams.scope !== undefined, params);
      if (!required) {
        return g?.scopeRequired ? `the ${grant} grant's only required parameter besides grant_type is scope; scope.missing-rejected judges a request without it` : `the ${grant} grant has no required parameter besides grant_type in this spec`;
      }
      return tokenRequest(t, grant, { params: { ...params, [required]: undefined } });
    });
    await errorCase('invalid_scope', 'An unknown scope value is rejected as invalid_scope', () => {
      if (bodyless) return bodyless;
      if (spec.scope.unknownScope === 'drop') return 'the spec documents that unknown scope values are dropped, not rejected';
      if (grant !== 'client_credentials' && grant !== 'password') return `scope is not sent with the ${grant} grant`;
      if (spec.grants[grant]?.extraParams.scope !== undefined) return 'the spec fixes the scope value';
      return tokenRequest(t, grant, { params: { ...params, scope: joinScope(t, [UNKNOWN_SCOPE]) } });
    }, unknownScopeNotRefused);
    await errorCase('unsupported_content_type', 'A token request with the wrong Content-Type is rejected', () => {
      const wrong = spec.request.encoding === 'form' ? { encoding: 'json' as const, contentType: 'application/json' } : { encoding: 'form' as const, contentType: 'application/x-www-form-urlencoded' };
      if (spec.request.encoding === 'empty') return tokenRequest(t, grant, { params, contentType: 'text/plain' });
      return tokenRequest(t, grant, { params, ...wrong });
    });

    // The error responses above, as this check's input and evidence.
    const collected: Prereq<HttpExchange[]> = { ok: true, value: errors, name: 'the error responses collected above', exchanges: errors };
    await t.check(C.errorBodyIsRfc6749Json, { severity: 'MUST', needs: [ok, collected] }, (_, errs) => errs);

    // ---- client authentication methods ----
    const methods = spec.clientAuth.methods;
    for (const m of ['client_secret_basic', 'client_secret_post'] as const) {
      const listed = methods.includes(m);
      const auth: 'basic' | 'post' = m === 'client_secret_basic' ? 'basic' : 'post';
      if (spec.clientAuth.bodyCredentialsAlsoRequired) {
        t.notApplicable(listed ? C.clientAuthAccepted(m) : C.clientAuthRejected(m), 'SHOULD', 'the spec requires Basic and body credentials together');
      } else if (listed && t.target.clientSecret === undefined) {
        t.notApplicable(C.clientAuthAccepted(m), 'MUST', `the target is a public client (no clientSecret), so ${m} cannot be tried`);
      } else if (listed) {
        await t.check(C.clientAuthAccepted(m), { severity: 'MUST', needs }, async () => [await tokenRequest(t, grant, { params: await successParams(t, grant), auth })]);
      } else {
        // A public client has no secret; an unlisted secret method is probed with one it was never given.
        const probe = t.target.clientSecret === undefined ? { id: t.target.clientId, secret: 'oauthgate-unregistered-secret', mode: auth } : auth;
        await t.check(C.clientAuthRejected(m), { severity: 'SHOULD', needs }, async () => [await tokenRequest(t, grant, { params: await successParams(t, grant), auth: probe }), spec]);
      }
    }
    // Judged only where the wrong secret was refused: a wrong secret that got a token is error.wrong-secret's failure.
    if (methods.includes('client_secret_basic')) {
      await t.check(C.basicChallengeOn401, { severity: 'SHOULD', needs: [ok, passed(wrongSecretRejected)] }, async () => [
        await tokenRequest(t, grant, { params, auth: { ...wrongSecret, mode: 'spec' } }),
      ]);
    } else t.notApplicable(C.basicChallengeOn401, 'SHOULD', 'the spec does not accept HTTP Basic');

    // ---- the RFC's own request form, where the spec documents another ----
    const quirks = spec.request.encoding !== 'form' || Object.keys(spec.request.paramNames).length > 0 || spec.clientAuth.bodyCredentialsAlsoRequired;
    if (!quirks) t.notApplicable(C.rfcFormRequestAccepted, 'MUST', 'the spec\'s token request is RFC 6749\'s own form; token.success-status-200 covers it');
    else {
      const deviation = ['request.empty-body', 'request.json-content-type', 'request.json-body', 'request.grant-type-hyphen', 'client-auth.basic-and-body'];
      // Standard parameter names, form encoding, Basic credentials only (RFC 6749 §2.3.1; the spec's own method
      // for a public client or one the spec gives no Basic); the PoP token is still attached where the spec
      // requires one, so that only the request form differs.
      const rfcAuth = t.target.clientSecret === undefined ? 'spec' : spec.clientAuth.methods.includes('client_secret_basic') ? 'basic' : 'post';
      await t.check(C.rfcFormRequestAccepted, { severity: 'MUST', needs, deviation }, async () => [
        await tokenRequest(t, grant, { params: await successParams(t, grant), encoding: 'form', contentType: 'application/x-www-form-urlencoded', auth: rfcAuth, rawParamNames: true }),
      ]);
    }

    // ---- required headers ----
    if (spec.requiredHeaders) {
      await t.check(C.requiredHeadersEnforced, { severity: 'SHOULD', needs }, async () => [await tokenRequest(t, grant, { params, omitRequiredHeaders: true }), spec]);
      await t.check(C.noExtraHeadersRequired, { severity: 'SHOULD', needs, deviation: 'headers.tenant-required' }, async () => [
        await tokenRequest(t, grant, { params: await successParams(t, grant), omitRequiredHeaders: true }),
      ]);
    } else {
      t.notApplicable(C.requiredHeadersEnforced, 'SHOULD', 'the spec requires no extra headers');
      t.notApplicable(C.noExtraHeadersRequired, 'SHOULD', 'the spec requires no extra headers');
    }
  },
});

/** The parameter whose absence must be rejected for `grant`, given the request's parameters (scope only where `scopeIsOurs`). */
function requiredParamOf(grant: string, scopeIsOurs: boolean, params: Record<string, string | undefined>): string | undefined {
  if (grant === 'password') return 'password';
  if (grant === 'client_credentials' && scopeIsOurs && params.scope !== undefined) return 'scope';
  const fixed = Object.keys(params).find((k) => k !== 'scope' && params[k] !== undefined);
  return fixed;
}
