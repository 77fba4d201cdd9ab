/**
 * The registry of deviations a provider spec may document. A documented deviation turns the failure of the
 * checks listed here into the status `deviation`: the server departs from the RFC exactly where the provider
 * says it does. A spec naming an id that is not registered here is a spec error, because no check would ever
 * report it (a typo would silently leave the RFC check failing, or a real deviation unreported).
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */

/** One registered deviation: the RFC requirement departed from and the checks it turns into a deviation. */
export interface DeviationDef {
  /** The requirement departed from, as a spec's `rfc` field would name it. */
  rfc: string;
  /** What the provider does instead. */
  description: string;
  /** Ids of the checks whose failure becomes a deviation when a spec documents this id (empty: not observable). */
  checks: readonly string[];
}

/** Every deviation id a spec may document. */
export const DEVIATIONS = {
  'cache-control.absent': {
    rfc: 'RFC 6749 §5.1',
    description: 'Token responses do not carry Cache-Control: no-store (the RFC says the server MUST include it).',
    checks: ['token.cache-control-no-store', 'token.pragma-no-cache'],
  },
  'scope.comma-delimited': {
    rfc: 'RFC 6749 §3.3',
    description: 'Scope values are joined with commas instead of spaces.',
    checks: ['scope.rfc6749.space-delimiter-accepted'],
  },
  'scope.not-echoed': {
    rfc: 'RFC 6749 §5.1',
    description: 'The token response never carries "scope", even when the granted scope differs from the request.',
    // The mock never narrows a grant, so no check can observe the missing echo (README, Known limits).
    checks: [],
  },
  'redirect-uri.extension-match': {
    rfc: 'RFC 9700 §2.1',
    description: 'A redirect URI matches when it extends the registered one, not only on exact string comparison.',
    checks: ['redirect-uri.exact.path-extension-rejected', 'redirect-uri.exact.query-extension-rejected'],
  },
  'expires-in.string': {
    rfc: 'RFC 6749 §5.1',
    description: 'expires_in is sent as a JSON string, not a number.',
    checks: ['token.rfc6749.expires-in-number'],
  },
  'expires-in.absent': {
    rfc: 'RFC 6749 §5.1',
    description: 'The token response has no expires_in member (the RFC RECOMMENDS it).',
    checks: ['expiry.expires-in-present'],
  },
  'token-type.absent': {
    rfc: 'RFC 6749 §5.1',
    description: 'The token response has no token_type member.',
    checks: ['token.rfc6749.token-type-present'],
  },
  'request.empty-body': {
    rfc: 'RFC 6749 §4.4.2',
    description: 'The token request has no body; credentials travel in headers only.',
    checks: ['token.rfc6749.form-request-accepted'],
  },
  'request.json-content-type': {
    rfc: 'RFC 6749 §4.4.2',
    description: 'The token request is sent with Content-Type application/json instead of a form.',
    checks: ['token.rfc6749.form-request-accepted'],
  },
  'request.json-body': {
    rfc: 'RFC 6749 §4.4.2',
    description: 'Token request parameters travel as a JSON body instead of application/x-www-form-urlencoded.',
    checks: ['token.rfc6749.form-request-accepted'],
  },
  'request.grant-type-hyphen': {
    rfc: 'RFC 6749 §4.4.2',
    description: 'The grant parameter is named "grant-type" instead of "grant_type".',
    checks: ['token.rfc6749.form-request-accepted'],
  },
  'client-auth.basic-and-body': {
    rfc: 'RFC 6749 §2.3',
    description: 'Client credentials are sent both in HTTP Basic and in the body.',
    checks: ['token.rfc6749.form-request-accepted'],
  },
  'invalid-client.400-after-basic': {
    rfc: 'RFC 6749 §5.2',
    description: 'Failed client authentication with HTTP Basic is answered 400, not 401 with WWW-Authenticate (the RFC says MUST).',
    checks: ['error.invalid-client-www-authenticate'],
  },
  'headers.tenant-required': {
    rfc: 'RFC 6749 §4.4.2',
    description: 'Every call, token requests included, must carry extra headers.',
    checks: ['token.rfc6749.no-extra-headers-required'],
  },
} as const satisfies Record<string, DeviationDef>;

export type DeviationId = keyof typeof DEVIATIONS;
export const DEVIATION_IDS = Object.keys(DEVIATIONS) as DeviationId[];

/** Whether `id` is a registered deviation id. */
export function isDeviationId(id: string): id is DeviationId {
  return Object.hasOwn(DEVIATIONS, id);
}

/** Ids of the registered deviations that turn a failure of `checkId` into a deviation. */
export function deviationsForCheck(checkId: string): DeviationId[] {
  return DEVIATION_IDS.filter((id) => (DEVIATIONS[id].checks as readonly string[]).includes(checkId));
}

/** The registered id closest to `id` (edit distance at most a third of its length), for "did you mean". */
export function closestDeviationId(id: string): DeviationId | undefined {
  let best: { id: DeviationId; d: number } | undefined;
  for (const known of DEVIATION_IDS) {
    const d = editDistance(id, known);
    if (!best || d < best.d) best = { id: known, d };
  }
  return best && best.d <= Math.max(2, Math.floor(id.length / 3)) ? best.id : undefined;
}

/** Levenshtein distance between two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
