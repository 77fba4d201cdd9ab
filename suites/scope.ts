/**
 * Scope formatting (RFC 6749 §3.3, §5.1; RFC 6750 §3.1).
 *
 * Request two documented scope values joined with the spec's delimiter: they are granted, never more than
 * asked, and `scope` is echoed as the spec says. Then send what a server must not misread: the values joined
 * with the other delimiter, an unknown value, no scope at all, a repeated value and empty items. Finally take
 * a token without, and one with, the protected resource's required scope to the resource.
 *
 * Applicability comes from the spec: a bodyless token request, a fixed scope value (T-Mobile) or an empty
 * catalogue leave nothing to vary, and a resource without requiredScope leaves nothing to enforce; those
 * checks are recorded as not_applicable with the reason.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
import { defineSuite, type CheckOptions } from '../src/runner/suite.ts';
import { CheckAbort, isClientError, skipped, type Check } from '../src/checks/check.ts';
import * as S from '../src/checks/scope.ts';
import { callResource, expectToken, grantParams, obtainToken, primaryGrant, tokenRequest } from '../src/steps/requests.ts';
import type { GrantType } from '../src/spec/schema.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { fieldProvenance } from '../src/spec/provenance.ts';
import type { ProviderSpec } from '../src/spec/schema.ts';

/** Whether the spec value at `path` is a provider's documented statement or the user's own (not an RFC default or an assumption). */
const documented = (spec: ProviderSpec, path: string) => ['source', 'override'].includes(fieldProvenance(spec, path).kind);

export default defineSuite({
  name: 'scope',
  summary: 'Scope delimiter, escalation, echo, unknown/missing/repeated/empty values, and scope enforcement at the resource.',
  async run(t) {
    const { spec } = t;
    const s = spec.scope;
    const d: string = s.delimiter;
    const join = (values: string[]) => values.join(d);

    // ---- what can be varied ----
    const primary = primaryGrant(t);
    const grant: GrantType | undefined = primary === 'client_credentials' || primary === 'password' ? primary : undefined;
    const cannotSend =
      !grant ? `scope is sent at the token endpoint only with client_credentials or password; the spec's grant is ${primary ?? 'none'}`
      : spec.request.encoding === 'empty' ? 'the token request has no body, so no scope can be sent'
      : spec.grants[grant]?.extraParams.scope !== undefined ? `the spec fixes the scope value (${JSON.stringify(spec.grants[grant]!.extraParams.scope)})`
      : undefined;
    const noValues = cannotSend ?? (s.catalogue.length === 0 ? 'the spec documents no scope values (scope.catalogue is empty)' : undefined);
    const pair = [...new Set([...s.default, ...s.catalogue])].slice(0, 2);
    const noPair = noValues ?? (pair.length < 2 ? 'the spec documents fewer than two scope values' : undefined);
    const [a, b] = pair as [string, string];
    const required = spec.resource.requiredScope;
    const narrowValue = s.catalogue.find((v) => v !== required);

    const request = (scope: string | undefined) => tokenRequest(t, grant!, { params: { ...grantParams(t, grant!), scope } });
    /** Runs `check` on what `inputs` produces, or records it as not applicable when `reason` is given. */
    const checkOr = async <A extends unknown[]>(check: Check<A>, opts: CheckOptions<[]>, reason: string | undefined, inputs: () => A | Promise<A>) =>
      reason ? t.notApplicable(check, opts.severity, reason) : t.check(check, opts, inputs);

    // ---- delimiter, escalation, echo ----
    await checkOr(S.delimitedScopeAccepted, { severity: 'MUST' }, noPair, async () => [await request(join(pair)), join(pair), spec]);

    await checkOr(S.grantedScopeWithinRequest, { severity: 'SHOULD' }, noValues ?? (narrowValue ? undefined : 'the catalogue has no value besides the required scope'), async () =>
      [await request(narrowValue), [narrowValue!], d]);

    await checkOr(S.scopeEchoMatchesSpec, { severity: s.echo === 'when-narrowed' ? 'MUST' : 'SHOULD' }, primary ? undefined : 'the spec declares no grant that issues tokens at the token endpoint', async () => {
      if (!noValues && s.echo === 'when-narrowed' && s.unknownScope === 'drop') {
        // The unknown value is dropped, so the grant is narrowed and "scope" is REQUIRED (RFC 6749 §5.1).
        return [await request(join([s.catalogue[0]!, S.UNKNOWN_SCOPE])), s.echo, true];
      }
      if (!noPair) return [await request(join(pair)), s.echo, false];
      // Nothing to vary: the spec's own token request shows whether "scope" comes back.
      const g = primary!;
      const ex = g === 'authorization_code' ? (await obtainToken(t, g)).exchange : await tokenRequest(t, g, { params: grantParams(t, g) });
      return [ex, s.echo, false];
    });

    // RFC 6749 §3.3: space-delimited values. Sent where the spec documents another delimiter, so that the
    // documented deviation is observed (or its disappearance noticed).
    const rfcForm = noPair ?? (d === ' ' ? 'the spec\'s delimiter is RFC 6749\'s space; scope.delimiter-accepted covers it' : undefined);
    await checkOr(S.rfcSpaceDelimiterAccepted, { severity: 'MUST', deviation: 'scope.comma-delimited' }, rfcForm, async () => [await request(pair.join(' ')), pair.join(' ')]);

    // ---- what must not be misread ----
    await checkOr(S.otherDelimiterHandled, { severity: 'SHOULD' }, noPair, async () => [await request(pair.join(S.otherDelimiter(d))), spec, pair]);

    const unknownRaw = join([s.catalogue[0]!, S.UNKNOWN_SCOPE]);
    if (s.unknownScope === 'drop') await checkOr(S.unknownScopeDropped, { severity: 'SHOULD' }, noValues, async () => [await request(unknownRaw), unknownRaw, [S.UNKNOWN_SCOPE], d]);
    // The one owner of "unknown scope refused": a MUST only where a provider document (or the user's overlay) says so;
    // RFC 6749 §3.3 lets a server ignore unknown values, and an assumed rejection is capped by the runner anyway.
    else await checkOr(S.unknownScopeRejected, { severity: documented(spec, 'scope.unknownScope') ? 'MUST' : 'SHOULD' }, noValues, async () => [await request(unknownRaw), unknownRaw]);

    const scopeRequired = grant ? (spec.grants[grant]?.scopeRequired ?? false) : false;
    const missing = scopeRequired ? S.missingScopeRejected : S.missingScopeDefaulted;
    await checkOr(missing, { severity: 'MUST' }, cannotSend, async () => [await request(undefined), spec]);

    const twice = join([pair[0]!, pair[0]!]);
    await checkOr(S.duplicateScopeAccepted, { severity: 'SHOULD' }, noValues, async () => [await request(twice), twice, [pair[0]!], d]);

    // Doubled, trailing and leading delimiter; the first that fails is reported.
    await checkOr(S.emptyScopeItemsNotGranted, { severity: 'SHOULD' }, noPair, async () => {
      const attempts: S.ScopeAttempt[] = [];
      for (const raw of [`${a}${d}${d}${b}`, `${a}${d}${b}${d}`, `${d}${a}${d}${b}`]) attempts.push({ raw, ex: await request(raw) });
      return [attempts, d];
    });

    // ---- at the protected resource ----
    const noResource = noValues ?? (required ? undefined : 'the spec names no scope the protected resource requires (resource.requiredScope)');
    if (noResource) t.notApplicable(S.requiredScopeAccepted, 'MUST', noResource);
    else {
      const withRequired = await t.step(`obtain a token for scope "${required}"`, async () => expectToken(await request(required)));
      await t.check(S.requiredScopeAccepted, { severity: 'MUST', needs: [withRequired] }, async (token) => [await callResource(t, token.accessToken), required!]);
    }

    const noInsufficient = noResource ?? (narrowValue ? undefined : 'the catalogue has no value besides the required scope');
    if (noInsufficient) {
      t.notApplicable(S.insufficientScopeRejected, 'MUST', noInsufficient);
      t.notApplicable(S.insufficientScopeChallenge, 'SHOULD', noInsufficient);
    } else {
      // One call, judged twice: its status, then its challenge.
      const refusal = await t.step(`obtain a token for scope "${narrowValue}" only and call the protected resource with it`, async () =>
        callResource(t, expectToken(await request(narrowValue)).accessToken));
      const rejected = await t.check(S.insufficientScopeRejected, { severity: 'MUST', needs: [refusal] }, (ex) => [ex, required!, resolveSpec(spec).resource.insufficientScopeStatus]);
      // One owner per behaviour: a token that was served has no challenge to inspect (that is the check above's failure).
      await t.check(S.insufficientScopeChallenge, { severity: 'SHOULD', needs: [refusal] }, (ex) => {
        if (!isClientError(ex.status)) throw new CheckAbort(skipped(`the resource did not refuse the token (HTTP ${ex.status ?? 'no response'}; see ${rejected.id})`));
        return [ex, 'Bearer'];
      });
    }
  },
});
