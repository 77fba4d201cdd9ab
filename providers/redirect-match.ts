/**
 * Redirect-URI matching as a provider spec declares it.
 * - `exact`: simple string comparison (RFC 9700 §2.1, RFC 6749 §3.1.2.3).
 * - `extension`: AT&T's rule (att-faq line 122): the registered URI itself, or an extension of it. The safe
 *   reading implemented here: same scheme, host and port, no userinfo, no fragment, no dot-segments, and the
 *   path equal to the registered path or continuing it at a `/` segment boundary; any query is allowed.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1
 */
import type { FaultName } from './faults.ts';

export type RedirectRule = 'exact' | 'extension';

function parse(u: string): URL | undefined {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
}

/** True when `candidate` is acceptable for `registered` under `rule`, given the mock's faults. */
export function redirectUriMatches(rule: RedirectRule, registered: string, candidate: string, faults: ReadonlySet<FaultName> = new Set()): boolean {
  if (faults.has('redirect-exact-only')) return candidate === registered;
  if (faults.has('redirect-prefix-match') && candidate.startsWith(registered)) return true;
  const reg = parse(registered);
  const cand = parse(candidate);
  if (!reg || !cand) return false;
  if (faults.has('redirect-authority-prefix') && candidate.startsWith(`${reg.protocol}//${reg.host}`) && rawPath(candidate) === rawPath(registered)) return true;
  if (rule === 'exact' && !faults.has('redirect-any-extension')) {
    if (candidate === registered) return true;
    // Simple string comparison (RFC 6749 §3.1.2.3, RFC 9700 §2.1): no case folding of the host, no default port
    // dropped, nothing normalised — unless a fault loosens one component.
    if (![...faults].some((f) => f.startsWith('redirect-'))) return false;
    // Faults that loosen one component of an otherwise exact comparison; the rest stays exact (raw path, query, fragment).
    return looseEqual(reg, cand, faults) && rawPath(candidate) === rawPath(registered) && cand.search === reg.search
      && (!candidate.includes('#') || faults.has('redirect-allow-fragment'));
  }
  if (!looseEqual(reg, cand, faults)) return false;
  if (!faults.has('redirect-allow-fragment') && (cand.hash !== '' || candidate.includes('#'))) return false;
  if (!faults.has('redirect-allow-dot-segments') && hasDotSegments(candidate)) return false;
  if (faults.has('redirect-any-extension')) return true;
  const regPath = reg.pathname.replace(/\/$/, '');
  const path = rawPath(candidate);
  return path === reg.pathname || path === regPath || path.startsWith(`${regPath}/`);
}

function looseEqual(reg: URL, cand: URL, faults: ReadonlySet<FaultName>): boolean {
  if (cand.protocol !== reg.protocol && !(faults.has('redirect-ignore-scheme') && cand.protocol === 'http:')) return false;
  const hostOk = cand.hostname === reg.hostname || (faults.has('redirect-host-suffix') && cand.hostname.endsWith(reg.hostname)) || faults.has('redirect-ignore-host');
  if (!hostOk) return false;
  if (cand.port !== reg.port && !faults.has('redirect-ignore-port')) return false;
  if ((cand.username || cand.password) && !faults.has('redirect-ignore-userinfo')) return false;
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
