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
import type { Outcome } from '../src/checks/check.ts';
import { defineSuite } from '../src/runner/suite.ts';
import type { CheckMeta, Severity } from '../src/checks/check.ts';
import * as S from '../src/checks/scope.ts';
import { callResource, expectToken, grantParams, obtainToken, primaryGrant, tokenRequest } from '../src/steps/requests.ts';
import type { GrantType } from '../src/spec/schema.ts';

export default defineSuite({
  name: 'scope',
  summary: 'Scope delimiter, escalation, echo, unknown/missing/repeated/empty values, and scope enforcement at the resource.',
  async run(t) {
    const { spec } = t;
    const s = spec.scope;
    const d = s.delimiter;
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
    const checkOr = async (meta: CheckMeta, severity: Severity, reason: string | undefined, body: () => Outcome | Promise<Outcome>) =>
      reason ? t.notApplicable(meta, severity, reason) : t.judge(meta, { severity }, body);
    const scopeSource = s.source?.[0] ? `${s.source[0].doc} line ${s.source[0].line}` : (s.standard ?? 'RFC 6749 §3.3');

    // ---- delimiter, escalation, echo ----
    await checkOr(S.delimitedScopeAccepted, 'MUST', noPair, async () => S.checkDelimitedScopeAccepted(await request(join(pair)), join(pair), scopeSource));

    await checkOr(S.grantedScopeWithinRequest, 'SHOULD', noValues ?? (narrowValue ? undefined : 'the catalogue has no value besides the required scope'), async () =>
      S.checkGrantedScopeWithinRequest(await request(narrowValue), [narrowValue!], d));

    await checkOr(S.scopeEchoMatchesSpec, s.echo === 'when-narrowed' ? 'MUST' : 'SHOULD', primary ? undefined : 'the spec declares no grant that issues tokens at the token endpoint', async () => {
      if (!noValues && s.echo === 'when-narrowed' && s.unknownScope === 'drop') {
        // The unknown value is dropped, so the grant is narrowed and "scope" is REQUIRED (RFC 6749 §5.1).
        return S.checkScopeEchoMatchesSpec(await request(join([s.catalogue[0]!, S.UNKNOWN_SCOPE])), s.echo, true);
      }
      if (!noPair) return S.checkScopeEchoMatchesSpec(await request(join(pair)), s.echo);
      // Nothing to vary: the spec's own token request shows whether "scope" comes back.
      const g = primary!;
      const ex = g === 'authorization_code' ? (await obtainToken(t, g)).exchange : await tokenRequest(t, g, { params: grantParams(t, g) });
      return S.checkScopeEchoMatchesSpec(ex, s.echo);
    });

    // RFC 6749 §3.3: space-delimited values. Sent where the spec documents another delimiter, so that the
    // documented deviation is observed (or its disappearance noticed).
    const rfcForm = noPair ?? (d === ' ' ? 'the spec\'s delimiter is RFC 6749\'s space; scope.delimiter-accepted covers it' : undefined);
    if (rfcForm) t.notApplicable(S.rfcSpaceDelimiterAccepted, 'MUST', rfcForm);
    else await t.judge(S.rfcSpaceDelimiterAccepted, { severity: 'MUST', deviation: 'scope.comma-delimited' }, async () =>
      S.checkDelimitedScopeAccepted(await request(pair.join(' ')), pair.join(' '), 'RFC 6749 §3.3'));

    // ---- what must not be misread ----
    await checkOr(S.otherDelimiterHandled, 'SHOULD', noPair, async () =>
      S.checkOtherDelimiterHandled(await request(pair.join(S.otherDelimiter(d))), spec, pair));

    const unknownMeta = s.unknownScope === 'drop' ? S.unknownScopeDropped : S.unknownScopeRejected;
    await checkOr(unknownMeta, 'SHOULD', noValues, async () => {
      const raw = join([s.catalogue[0]!, S.UNKNOWN_SCOPE]);
      const ex = await request(raw);
      return s.unknownScope === 'drop' ? S.checkUnknownScopeDropped(ex, raw, [S.UNKNOWN_SCOPE], d) : S.checkUnknownScopeRejected(ex, spec, raw);
    });

    const scopeRequired = grant ? (spec.grants[grant]?.scopeRequired ?? false) : false;
    await checkOr(scopeRequired ? S.missingScopeRejected : S.missingScopeDefaulted, 'MUST', cannotSend, async () => {
      const ex = await request(undefined);
      return scopeRequired ? S.checkMissingScopeRejected(ex, spec) : S.checkMissingScopeDefaulted(ex, spec);
    });

    await checkOr(S.duplicateScopeAccepted, 'SHOULD', noValues, async () => {
      const v = pair[0]!;
      return S.checkDuplicateScopeAccepted(await request(join([v, v])), join([v, v]), [v], d);
    });

    await checkOr(S.emptyScopeItemsNotGranted, 'SHOULD', noPair, async () => {
      // Doubled, trailing and leading delimiter; the first that fails is reported.
      let last = S.checkEmptyScopeItemsNotGranted(await request(`${a}${d}${d}${b}`), `${a}${d}${d}${b}`, d);
      for (const raw of [`${a}${d}${b}${d}`, `${d}${a}${d}${b}`]) {
        if (last.status === 'failed') break;
        last = S.checkEmptyScopeItemsNotGranted(await request(raw), raw, d);
      }
      return last;
    });

    // ---- at the protected resource ----
    const noResource = noValues ?? (required ? undefined : 'the spec names no scope the protected resource requires (resource.requiredScope)');
    if (noResource) t.notApplicable(S.requiredScopeAccepted, 'MUST', noResource);
    else {
      const withRequired = await t.step(`obtain a token for scope "${required}"`, async () => expectToken(await request(required)));
      await t.judge(S.requiredScopeAccepted, { severity: 'MUST', needs: [withRequired] }, async () =>
        S.checkRequiredScopeAccepted(await callResource(t, withRequired.ok ? withRequired.value.accessToken : ''), required!));
    }

    const noInsufficient = noResource ?? (narrowValue ? undefined : 'the catalogue has no value besides the required scope');
    if (noInsufficient) {
      t.notApplicable(S.insufficientScopeRejected, 'MUST', noInsufficient);
      t.notApplicable(S.insufficientScopeChallenge, 'SHOULD', noInsufficient);
    } else {
      const without = await t.step(`obtain a token for scope "${narrowValue}" only`, async () => expectToken(await request(narrowValue)));
      const call = () => callResource(t, without.ok ? without.value.accessToken : '');
      let rejection: Awaited<ReturnType<typeof callResource>> | undefined;
      await t.judge(S.insufficientScopeRejected, { severity: 'MUST', needs: [without] }, async () =>
        S.checkInsufficientScopeRejected((rejection = await call()), required!, spec.resource.insufficientScopeStatus));
      await t.judge(S.insufficientScopeChallenge, { severity: 'SHOULD', needs: [without] }, async () => S.checkInsufficientScopeChallenge(rejection ?? (await call())));
    }
  },
});
