/**
 * Redirect-URI matching as a provider spec declares it.
 * - `exact`: simple string comparison (RFC 9700 §2.1, RFC 6749 §3.1.2.3).
 * - `extension`: AT&T's rule (att-faq line 122): the registered URI itself, or an extension of it. The safe
 *   reading implemented here: same scheme, host and port, no userinfo, no fragment, no dot-segments, and the
 *   path equal to the registered path or continuing it at a `/` segment boundary; any query is allowed.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1
 */
export type RedirectRule = 'exact' | 'extension';

/**
 * Ways a broken server loosens redirect-URI matching; a clean mock has none of them. Each mock fault sets one
 * (providers/faults.ts), so each breaks exactly one comparison.
 */
export interface RedirectLooseness {
  /** Only the exact registered URI matches (breaks the AT&T extension rule). */
  exactOnly?: boolean;
  /** The registered URI itself is refused; only its extensions match (a prefix check demanding more). */
  extensionOnly?: boolean;
  /** Plain string prefix, no path-segment boundary. */
  prefixMatch?: boolean;
  /** Any URI on the registered host. */
  anyExtension?: boolean;
  hostSuffix?: boolean;
  ignoreHost?: boolean;
  /** The authority compared as a string prefix, so userinfo can smuggle another host. */
  authorityPrefix?: boolean;
  ignoreUserinfo?: boolean;
  ignorePort?: boolean;
  /** http accepted for https. */
  ignoreScheme?: boolean;
  allowDotSegments?: boolean;
  allowFragment?: boolean;
}

function parse(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
}

/** True when `candidate` is acceptable for `registered` under `rule`, loosened as `loose` says (a clean mock: `{}`). */
export function redirectUriMatches(rule: RedirectRule, registered: string, candidate: string, loose: RedirectLooseness = {}): boolean {
  if (loose.exactOnly) return candidate === registered;
  if (loose.extensionOnly && candidate === registered) return false;
  const { extensionOnly: _refusesOnlyTheRegistered, ...loosened } = loose;
  if (loose.prefixMatch && candidate.startsWith(registered)) return true;
  const reg = parse(registered);
  const cand = parse(candidate);
  if (!reg || !cand) return false;
  if (loose.authorityPrefix && candidate.startsWith(`${reg.protocol}//${reg.host}`) && rawPath(candidate) === rawPath(registered)) return true;
  if (rule === 'exact' && !loose.anyExtension) {
    if (candidate === registered) return true;
    // Simple string comparison (RFC 6749 §3.1.2.3, RFC 9700 §2.1): no case folding of the host, no default port
    // dropped, nothing normalised — unless a fault loosens one component.
    if (!Object.values(loosened).some(Boolean)) return false;
    // Faults that loosen one component of an otherwise exact comparison; the rest stays exact (raw path, query, fragment).
    return looseEqual(reg, cand, loose) && rawPath(candidate) === rawPath(registered) && cand.search === reg.search
      && (!candidate.includes('#') || loose.allowFragment === true);
  }
  if (!looseEqual(reg, cand, loose)) return false;
  if (!loose.allowFragment && (cand.hash !== '' || candidate.includes('#'))) return false;
  if (!loose.allowDotSegments && hasDotSegments(candidate)) return false;
  if (loose.anyExtension) return true;
  const regPath = reg.pathname.replace(/\/$/, '');
  const path = rawPath(candidate);
  return path === reg.pathname || path === regPath || path.startsWith(`${regPath}/`);
}

function looseEqual(reg: URL, cand: URL, loose: RedirectLooseness): boolean {
  if (cand.protocol !== reg.protocol && !(loose.ignoreScheme && cand.protocol === 'http:')) return false;
  const hostOk = cand.hostname === reg.hostname || (loose.hostSuffix && cand.hostname.endsWith(reg.hostname)) || loose.ignoreHost;
  if (!hostOk) return false;
  if (cand.port !== reg.port && !loose.ignorePort) return false;
  if ((cand.username || cand.password) && !loose.ignoreUserinfo) return false;
  return true;
}

/** The path as written (the URL parser would resolve dot-segments away). */
function rawPath(u: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(u);
  return m?.[1] || '/';
}

function hasDotSegments(u: string): boolean {
  const p = rawPath(u);
  return /(^|\/)(\.|\.\.|%2e|%2e%2e|\.%2e|%2e\.)(\/|$)/i.test(p);
}
