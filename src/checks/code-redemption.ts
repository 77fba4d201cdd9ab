/**
 * Checks on redeeming an authorization code (RFC 6749 §4.1.3): the scope a code was requested for is what its
 * token carries, and the redirect_uri of the token request must be the one the code was requested with.
 * Refusals are judged by the one rejection rule, {@link judgeRejection}.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
import type { HttpExchange } from '../http/types.ts';
import type { ProviderSpec } from '../spec/schema.ts';
import { bodyObject, defineCheck, fail, pass, show, type Outcome } from './check.ts';
import { judgeRejection, observedResponse } from './rejection.ts';
import { checkResourceAccepts } from './resource.ts';
import { grantedScopeWithinRequest, scopeItems } from './scope.ts';

/**
 * The token of a code requested for scope `requested` names no more than that scope when it echoes one (RFC 9700
 * §2.3; RFC 6749 §3.3), judged by the scope suite's own rule on this flow's response.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.3
 */
export const codeScopeWithinRequest = defineCheck({
  id: 'authorization-code.granted-scope-within-request',
  title: 'The token of a code requested for a scope names no more than that scope',
  requirement: 'RFC 9700 §2.3, RFC 6749 §3.3',
  evaluate: (token: HttpExchange, requested: string[], delimiter: string): Outcome => grantedScopeWithinRequest.evaluate(token, requested, delimiter),
});

/**
 * The token of a code requested for a scope that includes the resource's required scope works at the resource —
 * unless the token response says the grant was narrowed without it. RFC 6749 §3.3: "If the issued access token
 * scope is different from the one requested by the client, the authorization server MUST include the "scope"
 * response parameter to inform the client of the actual scope granted"; so a token with no `scope` member was
 * granted what was asked, and a resource that refuses it for lack of scope shows a silently narrowed grant.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export const codeScopeWorksAtResource = defineCheck({
  id: 'authorization-code.scope-works-at-resource',
  title: 'A code requested for the resource\'s scope yields a token the resource accepts (or one whose scope says it was narrowed)',
  requirement: 'RFC 6749 §3.3, §5.1 (scope MUST be returned when it differs from the request)',
  evaluate(token: HttpExchange, resource: HttpExchange, requested: string[], required: string, delimiter: string): Outcome {
    const echoed = bodyObject(token)?.scope;
    if (typeof echoed === 'string' && !scopeItems(echoed, delimiter).includes(required)) {
      return pass(`the token response says the grant was narrowed to ${show(echoed)}, without ${show(required)}; the resource's refusal is not the server's fault`);
    }
    if (checkResourceAccepts(resource).status === 'passed') return pass();
    const granted = typeof echoed === 'string' ? `scope ${show(echoed)}` : 'no "scope" member, so the requested scope';
    return fail(
      `resource call with the token of a code requested for scope ${show(requested.join(delimiter))} (granted: ${granted})`,
      `a 2xx (the resource requires ${show(required)})`,
      observedResponse(resource),
      'RFC 6749 §3.3',
    );
  },
});

/**
 * A code redeemed with a redirect_uri other than the one it was requested with is refused. RFC 6749 §4.1.3: the
 * server MUST "ensure that the "redirect_uri" parameter is present if the "redirect_uri" parameter was included in
 * the initial authorization request as described in Section 4.1.1, and if included ensure that their values are
 * identical"; §5.2 invalid_grant: "does not match the redirection URI used in the authorization request". When the
 * probe's URI is not one the client registered (`probeRegistered` false: under exact matching any other URI is
 * unregistered), a server may refuse it as a bad parameter value before it looks at the code, so §5.2's
 * invalid_request ("includes an invalid parameter value") is also accepted; an extension the provider's rule
 * registers leaves only invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export const redirectUriMismatchRejected = defineCheck({
  id: 'authorization-code.redirect-uri-mismatch-rejected',
  title: 'A code redeemed with another redirect_uri than the authorization request\'s is rejected',
  requirement: 'RFC 6749 §4.1.3 (MUST ensure the values are identical), §5.2',
  evaluate(ex: HttpExchange, spec: ProviderSpec, probeRegistered: boolean): Outcome {
    const what = 'redemption of a code with a redirect_uri other than the authorization request\'s';
    return probeRegistered ? judgeRejection(ex, spec, 'invalid_grant', what, REQ) : eitherRejection(ex, spec, what);
  },
});

const REQ = 'RFC 6749 §4.1.3, §5.2';

/**
 * Passes when the one rejection rule accepts `ex` as invalid_grant or as a request missing or misstating a
 * parameter (invalid_request); otherwise fails naming both expectations.
 */
function eitherRejection(ex: HttpExchange, spec: ProviderSpec, what: string): Outcome {
  const asGrant = judgeRejection(ex, spec, 'invalid_grant', what, REQ);
  if (asGrant.status === 'passed') return asGrant;
  const asRequest = judgeRejection(ex, spec, 'missing_parameter', what, REQ);
  if (asRequest.status === 'passed') return asRequest;
  const expected = [asGrant, asRequest].map((o) => (o.status === 'failed' ? o.expected : undefined)).filter(Boolean).join(', or ');
  return fail(what, expected, asGrant.status === 'failed' ? (asGrant.observed ?? '') : '', REQ);
}

/**
 * A code requested with a redirect_uri and redeemed without one is refused (RFC 6749 §4.1.3: MUST "ensure that
 * the "redirect_uri" parameter is present"). Either answer §5.2 gives fits: invalid_grant (the redemption does
 * not match the authorization request) or invalid_request ("missing a required parameter"); each is judged by
 * the one rejection rule with its own error case.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export const redirectUriAbsentRejected = defineCheck({
  id: 'authorization-code.redirect-uri-absent-rejected',
  title: 'A code requested with a redirect_uri is not redeemed without one',
  requirement: 'RFC 6749 §4.1.3 (MUST ensure redirect_uri is present), §5.2',
  evaluate: (ex: HttpExchange, spec: ProviderSpec): Outcome => eitherRejection(ex, spec, 'redemption without redirect_uri of a code requested with one'),
});
