/**
 * The registry of spec values each check judges a server by. Where such a value is only an assumption of the spec
 * (src/spec/provenance.ts), the runner caps the check's severity at SHOULD and names the assumption in its reason
 * (src/runner/suite.ts): a server that differs from an assumption has not broken a documented rule (issue 8 item 5).
 * Checks judging only the RFCs' own text are not listed: their basis is the RFC, whatever the spec says.
 *
 * A key is a check id; it also covers ids that extend it with a dot (`pop.taap.required-part-missing-rejected.body`).
 * @see https://www.rfc-editor.org/rfc/rfc2119
 */
export const JUDGED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  // What a refresh does to the old pair (RFC 6749 §6 leaves it to the provider).
  'rotation.new-refresh-token-issued': ['refresh.rotatesRefreshToken'],
  'rotation.old-access-token-rejected': ['refresh.invalidatesOldAccessToken'],
  'rotation.old-access-token-still-valid': ['refresh.invalidatesOldAccessToken'],
  'rotation.old-refresh-token-rejected': ['refresh.invalidatesOldRefreshToken'],
  'rotation.old-refresh-token-still-valid': ['refresh.invalidatesOldRefreshToken'],
  'rotation.reuse-revokes-active-refresh-token': ['refresh.reuseDetection'],
  // TAAP: the ehts parts a server requires (T-Mobile's come from one example token).
  'pop.taap.required-part-missing-rejected': ['pop.requiredParts'],
  // Scope handling the RFC leaves open (RFC 6749 §3.3: "MAY fully or partially ignore the scope requested").
  'scope.unknown-rejected': ['scope.unknownScope'],
  'scope.unknown-dropped': ['scope.unknownScope'],
  'scope.other-delimiter-not-split': ['scope.otherDelimiter'],
  'scope.echo-as-documented': ['scope.echo'],
  // Lifetimes the RFC does not fix.
  'expiry.expires-in-matches-documented': ['lifetimes.accessToken'],
  'expiry.refresh-token.accepted-before-expiry': ['lifetimes.refreshToken'],
  'expiry.refresh-token.rejected-after-expiry': ['lifetimes.refreshToken'],
};

/** The spec fields check `id` judges (empty when it judges only RFC text). */
export function judgedFields(id: string): readonly string[] {
  const exact = JUDGED_FIELDS[id];
  if (exact) return exact;
  for (const [key, fields] of Object.entries(JUDGED_FIELDS)) if (id.startsWith(`${key}.`)) return fields;
  return [];
}
