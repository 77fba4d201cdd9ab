/**
 * Fuzz properties as checks: each judges a {@link PropertyRun} — how many generated cases held and, when one did
 * not, fast-check's shrunk counterexample with its seed and path, so the same command reproduces it.
 * @see https://fast-check.dev/docs/core-blocks/runners/
 */
import type { PropertyRun } from '../fuzz/property.ts';
import { defineCheck, fail, pass, show, skipped, type Check, type Outcome } from './check.ts';

/** Renders a generated case for a message (long strings shortened after redaction, by the recorder). */
function caseText(v: unknown): string {
  return show(v);
}

/**
 * Builds the check for one property: `expectation` says what every generated case must satisfy.
 * `evaluate(run, reproduce)` passes when every case held, fails with the counterexample otherwise.
 */
export function propertyCheck(id: string, title: string, requirement: string, expectation: string): Check<[PropertyRun<unknown>, string]> {
  return defineCheck({
    id,
    title,
    requirement,
    evaluate(run: PropertyRun<unknown>, reproduce: string): Outcome {
      if (run.runs === 0 && !run.failure) return skipped(`the fuzz request budget was spent before any case of this property ran (${reproduce})`);
      const f = run.failure;
      if (!f) {
        return pass(`${run.runs} generated cases held (${run.requests} requests, seed ${run.seed}${run.budgetExhausted ? ', stopped early: request budget spent' : ''})`);
      }
      const shown = f.shrunk !== undefined ? f.shrunk : f.original;
      const why = f.shrunkVerdict ?? f.verdict;
      const where = f.path !== undefined ? `, path "${f.path}"` : '';
      const shrunk = f.shrunk !== undefined ? `shrunk counterexample ${caseText(shown)}` : `counterexample ${caseText(shown)} (not shrunk)`;
      return fail(`property "${id}"`, expectation, `${shrunk}: ${why} (seed ${run.seed}${where}; reproduce with ${reproduce})`, requirement);
    },
  });
}

export const noServerError = propertyCheck(
  'fuzz.token.no-server-error',
  'No generated token request gets a 5xx, a hang, or an error body that is not RFC 6749 JSON',
  'RFC 6749 §5.2, RFC 9110 §15.5',
  'every malformed token request answered by a 2xx or a 4xx whose body is a JSON object with an "error" string',
);

export const invalidRequestRejected = propertyCheck(
  'fuzz.token.invalid-request-rejected',
  'Every generated invalid token request is rejected without a token, with an error code the spec or RFC 6749 allows for its case',
  'RFC 6749 §5.2',
  'a rejection as the spec documents the case (else a 4xx with one of RFC 6749 §5.2\'s codes for it) and no access_token',
);

export const grantedScopeWithinRequest = propertyCheck(
  'fuzz.scope.granted-within-request',
  'The scope granted for any generated scope list is within the requested one',
  'RFC 6749 §3.3, §5.1',
  'a granted "scope" whose values are all among the requested ones',
);

export const redirectDecisionMatchesRule = propertyCheck(
  'fuzz.redirect-uri.decision-matches-rule',
  'For every generated redirect URI the server redirects exactly when the spec\'s matching rule accepts it',
  'RFC 6749 §3.1.2.3, RFC 9700 §2.1 and provider spec redirectUri.rule',
  'a redirect to the URI exactly when the spec\'s rule accepts it (the mock\'s matcher is the oracle)',
);

export const mutatedBearerRejected = propertyCheck(
  'fuzz.resource.mutated-bearer-rejected',
  'Every mutated bearer token is rejected at the resource, and the unmutated one accepted',
  'RFC 6750 §3.1',
  'the spec\'s invalid-token status for a mutated token, a 2xx for the valid one',
);

export const mutatedPopRejected = propertyCheck(
  'fuzz.pop.mutated-or-replayed-rejected',
  'Every mutated or replayed TAAP PoP token is rejected, and every fresh valid one accepted',
  'T-Mobile TAAP (tmo lines 20-24: a PoP token is valid for one request) and RFC 6749 §5.2',
  'a 4xx without a token for a changed or replayed PoP token, HTTP 200 for a fresh one',
);

export const mutatedDpopRejected = propertyCheck(
  'fuzz.dpop.mutated-proof-rejected',
  'Every DPoP proof that breaks one RFC 9449 §4.3 rule is rejected at the token endpoint, and every fresh valid one accepted',
  'RFC 9449 §4.3 ("the receiving server MUST ensure" each rule), §5',
  'a 4xx without a token for a proof breaking one rule, HTTP 200 with a DPoP-bound token for a fresh one',
);
