/**
 * The protected resource, without waiting (RFC 6750 §3; RFC 9068 §4; provider required headers).
 *
 * Obtain a token with the primary grant and check that the resource accepts it: every refusal below is measured
 * against that baseline. Then, at once: a random bearer token that was never issued is refused with the spec's
 * invalid-token status and a Bearer challenge; malformed credentials built from the real token are refused, with one. When
 * the issued access token is a compact JWS (by its shape, whatever the spec calls it), forged copies are refused:
 * `alg: none`, re-signed with another key, and one claim (scope, exp, aud) changed under the original signature.
 * Where the spec requires headers on every call, a resource call missing each one, or carrying a wrong value, is
 * refused.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
import { defineSuite, passed, type Prereq, type SuiteContext } from '../src/runner/suite.ts';
import { CheckAbort, notApplicable } from '../src/checks/check.ts';
import { acceptedAtResource } from '../src/checks/resource.ts';
import * as R from '../src/checks/resource-probes.ts';
import { callResource, obtainToken, type IssuedToken } from '../src/steps/requests.ts';
import { algNoneCopy, bogusBearerToken, changedClaimCopies, jwsParts, malformedBearerProbes, reSignedCopy, type JwsParts } from '../src/steps/forged-tokens.ts';
import { resolveSpec } from '../src/spec/resolve.ts';

/** The baseline: the issued token works at the resource (RFC 6750 §2). */
const issuedTokenAccepted = acceptedAtResource({
  id: 'resource.issued-token-accepted',
  title: 'The issued access token is accepted at the protected resource (the baseline of every refusal)',
  requirement: 'RFC 6750 §2',
});

/** Calls the resource once per probe, each with its own bearer value. */
async function probe(t: SuiteContext, probes: ReadonlyArray<{ name: string; token: string }>): Promise<R.ResourceProbe[]> {
  const out: R.ResourceProbe[] = [];
  for (const p of probes) {
    t.redactor.add(p.token);
    out.push({ name: p.name, ex: await callResource(t, p.token) });
  }
  return out;
}

export default defineSuite({
  name: 'resource',
  summary: 'At once, without waiting: bogus and malformed bearer tokens refused with a Bearer challenge; forged JWS copies refused; required headers enforced at the resource.',
  async run(t) {
    const { spec } = t;
    const status = resolveSpec(spec).resource.invalidTokenStatus;
    const tok = await t.step('obtain a token with the primary grant', () => obtainToken(t));
    const baseline = await t.check(issuedTokenAccepted, { severity: 'MUST', needs: [tok] }, async (x) => [await callResource(t, x.accessToken)]);
    const accepted = passed(baseline);
    const needs = [tok, accepted] as const;

    // ---- a token that was never issued, and malformed credentials ----
    const bogus = await t.step('call the resource with a random bearer token that was never issued', () => callResource(t, bogusBearerToken()));
    const rejected = await t.check(R.bogusTokenRejected, { severity: 'MUST', needs: [bogus, ...needs] }, (ex) => [ex, status]);
    // The challenge is judged only on an actual refusal; an accepted bogus token already failed above.
    await t.check(R.bogusTokenChallenge, { severity: 'MUST', needs: [bogus, passed(rejected)] }, (ex) => [ex]);

    let malformedProbes: R.ResourceProbe[] = [];
    const malformed = await t.check(R.malformedTokenRejected, { severity: 'SHOULD', needs }, async (x) => {
      malformedProbes = await probe(t, malformedBearerProbes(x.accessToken).map((p) => ({ name: p.name, token: p.credentials })));
      return [malformedProbes, status];
    });
    // Judged on actual refusals only, as the bogus token's challenge is.
    await t.check(R.malformedTokenChallenge, { severity: 'MUST', needs: [passed(malformed)] }, () => [malformedProbes]);

    // ---- forged copies of a JWS access token ----
    await forgedJwsChecks(t, tok, accepted, status);

    // ---- required headers ----
    await requiredHeaderChecks(t, tok, accepted);
  },
});

/** The three forgery checks, on the issued access token when it is a compact JWS; not applicable otherwise. */
async function forgedJwsChecks(t: SuiteContext, tok: Prereq<IssuedToken>, accepted: Prereq<void>, status: number): Promise<void> {
  const checks = [R.algNoneCopyRejected, R.reSignedCopyRejected, R.claimChangedCopyRejected] as const;
  if (tok.ok && !jwsParts(tok.value.accessToken)) {
    for (const c of checks) t.notApplicable(c, 'MUST', 'the issued access token is opaque (not a compact JWS), so there is no signature to forge');
    return;
  }
  const parts: Prereq<JwsParts> = tok.ok ? { ok: true, value: jwsParts(tok.value.accessToken)!, name: tok.name, exchanges: tok.exchanges } : tok;
  const needs = [parts, accepted] as const;
  await t.check(R.algNoneCopyRejected, { severity: 'MUST', needs }, async (jws) => [await probe(t, [{ name: 'an alg "none" copy of the issued JWS', token: algNoneCopy(jws) }]), status]);
  await t.check(R.reSignedCopyRejected, { severity: 'MUST', needs }, async (jws) => {
    let token: string;
    try {
      token = await reSignedCopy(jws, { live: t.target.kind === 'live' });
    } catch (e) {
      throw new CheckAbort(notApplicable(`cannot generate a key for the token's alg ${JSON.stringify(jws.header.alg)}: ${(e as Error).message}`));
    }
    return [await probe(t, [{ name: `a copy of the issued JWS re-signed with a ${String(jws.header.alg)} key the server does not hold`, token }]), status];
  });
  await t.check(R.claimChangedCopyRejected, { severity: 'MUST', needs }, async (jws) => {
    const copies = changedClaimCopies(jws);
    if (!copies.length) throw new CheckAbort(notApplicable('the issued JWS carries none of scope, exp and aud to change'));
    return [await probe(t, copies.map((c) => ({ name: `a copy of the issued JWS with "${c.claim}" changed, signature as issued`, token: c.token }))), status];
  });
}

/** Resource calls missing each required header, and with each one's value changed. */
async function requiredHeaderChecks(t: SuiteContext, tok: Prereq<IssuedToken>, accepted: Prereq<void>): Promise<void> {
  const required = t.spec.requiredHeaders?.headers ?? [];
  if (!required.length) {
    t.notApplicable(R.requiredHeadersEnforcedAtResource, 'SHOULD', 'the spec requires no extra headers');
    return;
  }
  await t.check(R.requiredHeadersEnforcedAtResource, { severity: 'SHOULD', needs: [tok, accepted] }, async (x) => {
    const probes: R.ResourceProbe[] = [];
    for (const h of required) {
      const sent = Object.keys(t.target.headers).find((k) => k.toLowerCase() === h.name.toLowerCase());
      if (sent === undefined) throw new CheckAbort(notApplicable(`the target sends no ${h.name} header (target headers), so leaving it out proves nothing`));
      probes.push({ name: `the ${h.name} header left out`, ex: await callResource(t, x.accessToken, { omitHeaders: [sent] }) });
      probes.push({ name: `a wrong ${h.name} value`, ex: await callResource(t, x.accessToken, { headers: { [sent]: `${t.target.headers[sent]}-oauthgate-wrong` } }) });
    }
    return [probes, t.spec];
  });
}
