/**
 * Drift between two runs' observations, in plain words. A change that breaks clients is *breaking*: a token
 * response field removed or retyped, `token_type` changed, a lifetime shortened, an error case's status or error code
 * changed, Cache-Control losing no-store, a redirect-URI probe newly redirected. New fields, longer lifetimes and
 * newly observed cases are *additive*; the rest is *info*.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1
 */
import type { Observations, SpecObservations, TokenResponseObservation } from './observations.ts';

export type DriftKind = 'breaking' | 'additive' | 'info';

export interface DriftChange {
  spec: string;
  kind: DriftKind;
  text: string;
}

const q = (s: string | null | undefined): string => (s === null || s === undefined ? '(absent)' : JSON.stringify(s));
const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

function tokenResponseDrift(spec: string, a: TokenResponseObservation | undefined, b: TokenResponseObservation | undefined): DriftChange[] {
  const out: DriftChange[] = [];
  const add = (kind: DriftKind, text: string) => out.push({ spec, kind, text });
  if (!a && !b) return out;
  if (a && !b) return [{ spec, kind: 'info', text: 'no successful token response was observed in the new run (was observed before)' }];
  if (!a && b) return [{ spec, kind: 'additive', text: 'a successful token response was observed (none before)' }];
  const [o, n] = [a!, b!];
  for (const [f, t] of Object.entries(o.fields)) {
    const nt = n.fields[f];
    if (nt === undefined) add('breaking', `token response field "${f}" removed (was ${article(t)})`);
    else if (nt !== t) add('breaking', `token response field "${f}" retyped: was ${article(t)}, now ${article(nt)}`);
  }
  for (const [f, t] of Object.entries(n.fields)) if (!(f in o.fields)) add('additive', `token response field "${f}" added (${article(t)})`);
  if (o.tokenType !== undefined && n.tokenType !== undefined && o.tokenType.toLowerCase() !== n.tokenType.toLowerCase()) {
    add('breaking', `token_type changed from ${q(o.tokenType)} to ${q(n.tokenType)}`);
  }
  if (o.expiresIn !== undefined && n.expiresIn !== undefined && o.expiresIn !== n.expiresIn) {
    if (n.expiresIn < o.expiresIn) add('breaking', `access-token lifetime shortened: expires_in was ${o.expiresIn} s, now ${n.expiresIn} s`);
    else add('additive', `access-token lifetime lengthened: expires_in was ${o.expiresIn} s, now ${n.expiresIn} s`);
  }
  for (const h of ['cache-control', 'pragma', 'content-type'] as const) {
    const [x, y] = [o.headers[h], n.headers[h]];
    if (x === y) continue;
    const lostNoStore = h === 'cache-control' && /no-store/i.test(x ?? '') && !/no-store/i.test(y ?? '');
    const lostJson = h === 'content-type' && /json/i.test(x ?? '') && !/json/i.test(y ?? '');
    add(lostNoStore || lostJson ? 'breaking' : 'info', `token response header ${h} changed from ${q(x)} to ${q(y)}`);
  }
  if (o.scopeEcho !== n.scopeEcho) {
    const kind: DriftKind = n.scopeEcho === null ? 'info' : o.scopeEcho === null ? 'additive' : 'info';
    add(kind, `scope echo changed from ${q(o.scopeEcho)} to ${q(n.scopeEcho)}`);
  }
  return out;
}

function caseDrift(spec: string, a: SpecObservations, b: SpecObservations): DriftChange[] {
  const out: DriftChange[] = [];
  for (const [id, o] of Object.entries(a.cases)) {
    const n = b.cases[id];
    if (!n) continue;
    const isError = o.status >= 400 || n.status >= 400 || o.error !== undefined || n.error !== undefined;
    if (o.status !== n.status && isError) out.push({ spec, kind: 'breaking', text: `${id}: status changed from ${o.status} to ${n.status}` });
    else if (o.status !== n.status) out.push({ spec, kind: 'info', text: `${id}: success status changed from ${o.status} to ${n.status}` });
    if (o.error !== n.error) out.push({ spec, kind: 'breaking', text: `${id}: error code changed from ${q(o.error)} to ${q(n.error)}` });
  }
  const added = Object.keys(b.cases).filter((id) => !(id in a.cases));
  if (added.length) out.push({ spec, kind: 'additive', text: `newly observed: ${added.join(', ')}` });
  const gone = Object.keys(a.cases).filter((id) => !(id in b.cases));
  if (gone.length) out.push({ spec, kind: 'info', text: `not observed in the new run: ${gone.join(', ')}` });
  return out;
}

function redirectDrift(spec: string, a: SpecObservations, b: SpecObservations): DriftChange[] {
  const out: DriftChange[] = [];
  for (const [id, o] of Object.entries(a.redirects)) {
    const n = b.redirects[id];
    if (!n || n.decision === o.decision) continue;
    out.push(n.decision === 'redirected'
      ? { spec, kind: 'breaking', text: `${id}: redirect newly accepted (was rejected with ${o.status}, now redirected with ${n.status})` }
      : { spec, kind: 'info', text: `${id}: redirect newly rejected (was redirected, now ${n.status})` });
  }
  return out;
}

/** Every change from `old` to `now`, spec by spec. */
export function diffObservations(old: Observations, now: Observations): DriftChange[] {
  const out: DriftChange[] = [];
  for (const [spec, a] of Object.entries(old.specs)) {
    const b = now.specs[spec];
    if (!b) {
      out.push({ spec, kind: 'info', text: 'not in the new run' });
      continue;
    }
    out.push(...tokenResponseDrift(spec, a.tokenResponse, b.tokenResponse), ...caseDrift(spec, a, b), ...redirectDrift(spec, a, b));
  }
  for (const spec of Object.keys(now.specs)) if (!(spec in old.specs)) out.push({ spec, kind: 'info', text: 'new in this run (nothing to compare)' });
  return out;
}
