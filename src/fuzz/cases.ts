/**
 * Arbitraries (fast-check) for generated requests, derived from a provider spec, and the mutations they apply to
 * what the pure request builders (src/steps/build.ts) produce — so a generated case differs from what the suites
 * send only where the case says.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
import fc from 'fast-check';
import type { ErrorCaseName, ProviderSpec } from '../spec/schema.ts';
import type { BuiltRequest } from '../steps/build.ts';
import { formEncodePair } from '../http/client.ts';

// ---------- junk values ----------

/** Values that break naive parsers: empty, huge, unicode, control characters, percent-encoding tricks. */
export const junkValue: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 40 }),
  // Any code points, lone surrogates included (built from integers: fc.string's 'binary' unit costs a second to set up).
  fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 }).map((cps) => cps.map((c) => (c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : String.fromCodePoint(c))).join('')),
  fc.string({ unit: fc.constantFrom('\u0000', '\r', '\n', '\t', '\u007f', '\u200b', '\ufeff', '\ud800', 'é', '𝄞'), minLength: 1, maxLength: 12 }),
  fc.constantFrom('%', '%00', '%zz', '%2', '%%41', '+', '&', '=', '&&==', '%0d%0aX-Injected: 1', '\\u0000', '${jndi:x}', '../../', '{"a":', '[]', 'null'),
  fc.integer({ min: 1024, max: 16_384 }).map((n) => 'A'.repeat(n)),
);

/** Content types a token endpoint may get by mistake. */
export const oddContentType = fc.constantFrom(
  'text/plain', 'application/json', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-16',
  'multipart/form-data; boundary=x', 'application/xml', '', '*/*', 'application/json; charset=ebcdic',
);

/** One change to a token request's parameters or framing. */
export type RequestMutation =
  | { kind: 'drop'; index: number }
  | { kind: 'repeat'; index: number }
  | { kind: 'set'; index: number; value: string }
  | { kind: 'add'; name: string; value: string }
  | { kind: 'content-type'; value: string }
  | { kind: 'raw-body'; value: string };

export const requestMutation: fc.Arbitrary<RequestMutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), index: fc.nat(8) }),
  fc.record({ kind: fc.constant('repeat' as const), index: fc.nat(8) }),
  fc.record({ kind: fc.constant('set' as const), index: fc.nat(8), value: junkValue }),
  fc.record({ kind: fc.constant('add' as const), name: fc.oneof(fc.constantFrom('grant_type', 'scope', 'client_id', 'foo', 'grant-type'), junkValue), value: junkValue }),
  fc.record({ kind: fc.constant('content-type' as const), value: oddContentType }),
  fc.record({ kind: fc.constant('raw-body' as const), value: junkValue }),
);

/** Grant types to send: the spec's own (at the token endpoint) and made-up or mis-cased ones. */
export function grantArbitrary(spec: ProviderSpec): fc.Arbitrary<string> {
  const own = (['client_credentials', 'password', 'refresh_token', 'authorization_code'] as const).filter((g) => spec.grants[g]);
  return fc.oneof(...[...own.map((g) => fc.constant<string>(g)), fc.constantFrom('CLIENT_CREDENTIALS', 'urn:oauthgate:made-up', 'implicit', ''), junkValue.filter((s) => s.length < 64)]);
}

/** Ordered name/value pairs of a request body, and whether the body is JSON (else a form). */
interface BodyParams {
  pairs: Array<[string, string]>;
  json: boolean;
  /** For a form written here: each pair as encoded in the body (`name=value`), so a next step encodes only its own. */
  parts?: string[];
}

/**
 * The parameters of the bodies {@link mutateRequest} wrote, as {@link paramsOf} would read them back, keyed by the
 * request written: a chain of mutations then parses its body once instead of once a step.
 */
const written = new WeakMap<BuiltRequest, BodyParams & { body: string }>();

/** The parameters of a built request, as ordered name/value pairs (form or JSON body). */
function paramsOf(req: BuiltRequest): BodyParams | undefined {
  const known = written.get(req);
  if (known !== undefined && known.body === req.body) return known;
  if (!req.body) return { pairs: [], json: false };
  if (req.body.startsWith('{')) {
    try {
      return { pairs: Object.entries(JSON.parse(req.body) as Record<string, string>), json: true };
    } catch {
      return undefined;
    }
  }
  return { pairs: [...new URLSearchParams(req.body)], json: false };
}

/** A JSON object body that keeps repeated names as repeated members (which JSON.stringify can't write). */
function encodeJson(pairs: Array<[string, string]>): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/**
 * What parsing a body written from `pairs` gives back, without parsing it: a JSON object keeps one member a name,
 * the last value at the first one's place (integer-like names first), as `JSON.parse` builds it. A form gives the
 * pairs back except that a lone surrogate arrives as U+FFFD, which encoding them again writes anyway: they stay.
 * @see https://tc39.es/ecma262/#sec-json.parse
 * @see https://url.spec.whatwg.org/#concept-urlencoded-parser
 */
function readBack(pairs: Array<[string, string]>, json: boolean): Array<[string, string]> {
  return json ? Object.entries(Object.fromEntries(pairs)) : pairs;
}

/** Applies one mutation to a built request (a copy; the input is untouched). */
export function mutateRequest(req: BuiltRequest, m: RequestMutation): BuiltRequest {
  const out: BuiltRequest = { ...req, headers: { ...req.headers } };
  if (m.kind === 'content-type') {
    out.headers['Content-Type'] = m.value;
    const known = written.get(req);
    if (known !== undefined) written.set(out, known);
    return out;
  }
  if (m.kind === 'raw-body') {
    out.body = m.value;
    return out;
  }
  const parsed = paramsOf(req);
  if (!parsed) return out;
  const { json } = parsed;
  const pairs = parsed.pairs.map(([k, v]) => [k, v] as [string, string]);
  // A form's encoded pairs change along with the pairs (JSON members are cheap to write whole).
  const parts = json ? [] : parsed.parts?.slice() ?? pairs.map(([k, v]) => formEncodePair(k, v));
  const at = pairs.length ? m.kind === 'add' ? 0 : (m as { index: number }).index % pairs.length : -1;
  if (m.kind === 'add') {
    pairs.push([m.name, m.value]);
    if (!json) parts.push(formEncodePair(m.name, m.value));
  } else if (at >= 0 && m.kind === 'drop') {
    pairs.splice(at, 1);
    parts.splice(at, 1);
  } else if (at >= 0 && m.kind === 'repeat') {
    pairs.splice(at + 1, 0, [pairs[at]![0], pairs[at]![1]]);
    if (!json) parts.splice(at + 1, 0, parts[at]!);
  } else if (at >= 0 && m.kind === 'set') {
    pairs[at] = [pairs[at]![0], m.value];
    if (!json) parts[at] = formEncodePair(pairs[at]![0], m.value);
  }
  out.body = json ? encodeJson(pairs) : parts.join('&');
  written.set(out, { body: out.body, pairs: readBack(pairs, json), json, ...(json ? {} : { parts }) });
  return out;
}

// ---------- invalid requests with a known reason ----------

/** A request that is wrong in one known way (the error case the spec names for it) plus unrelated noise. */
export interface InvalidCase {
  reason: ErrorCaseName;
  /** A made-up parameter the server must ignore (RFC 6749 §3.2: "MUST ignore unrecognized request parameters"). */
  noise?: { name: string; value: string };
  /** For unsupported grants: the grant type sent. */
  grant?: string;
}

/** The invalid cases the spec can express (a bodyless spec can only vary the client credentials). */
export function invalidCaseArbitrary(spec: ProviderSpec, publicClient: boolean): fc.Arbitrary<InvalidCase> | undefined {
  const reasons: ErrorCaseName[] = [];
  if (!publicClient) reasons.push('wrong_secret');
  reasons.push('unknown_client');
  if (spec.request.encoding !== 'empty') reasons.push('unsupported_grant_type', 'missing_grant_type');
  if (!reasons.length) return undefined;
  const noise = fc.option(fc.record({ name: fc.constantFrom('oauthgate_x', 'x-extra', 'utm_source'), value: junkValue.filter((v) => v.length < 200) }), { nil: undefined });
  return fc.record({
    reason: fc.constantFrom(...reasons),
    noise,
    grant: fc.constantFrom('urn:oauthgate:made-up', 'CLIENT_CREDENTIALS', 'client-credentials', 'implicit', 'token'),
  }).map((c) => (c.noise === undefined ? { reason: c.reason, grant: c.grant } : c));
}

// ---------- scope ----------

/** Non-empty lists of catalogue values (repeats allowed), to be joined with the spec's delimiter. */
export function scopeListArbitrary(spec: ProviderSpec): fc.Arbitrary<string[]> | undefined {
  const cat = spec.scope.catalogue;
  if (!cat.length) return undefined;
  return fc.array(fc.constantFrom(...cat), { minLength: 1, maxLength: Math.min(6, cat.length + 2) });
}

// ---------- redirect URIs ----------

/** A candidate redirect URI derived from the registered one, and how it was made. */
export interface RedirectCandidate {
  how: string;
  uri: string;
}

const seg = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);

/** Candidates: true extensions (which AT&T's rule accepts and exact matching rejects) and near misses. */
export function redirectCandidateArbitrary(registered: string): fc.Arbitrary<RedirectCandidate> {
  const r = new URL(registered);
  const base = `${r.protocol}//${r.host}`;
  const path = r.pathname === '/' ? '' : r.pathname.replace(/\/$/, '');
  const withPath = (p: string, q = r.search) => `${base}${p}${q}`;
  const otherPort = r.port === '8443' ? '9443' : '8443';
  const defaultPort = r.protocol === 'https:' ? '443' : '80';
  return fc.oneof(
    fc.constant({ how: 'registered', uri: registered }),
    fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => ({ how: 'path extension', uri: withPath(`${path}/${s.join('/')}`) })),
    fc.tuple(seg, seg).map(([k, v]) => ({ how: 'added query', uri: `${withPath(path || '/', '')}${r.search ? `${r.search}&` : '?'}${k}=${v}` })),
    seg.map((s) => ({ how: 'segment boundary', uri: withPath(`${path}${s}`) })),
    seg.map((s) => ({ how: 'host suffix', uri: `${r.protocol}//${s}${r.hostname}${r.port ? `:${r.port}` : ''}${r.pathname}${r.search}` })),
    fc.constant({ how: 'host case', uri: `${r.protocol}//${r.hostname.toUpperCase()}${r.port ? `:${r.port}` : ''}${r.pathname}${r.search}` }),
    fc.constant({ how: 'other port', uri: `${r.protocol}//${r.hostname}:${otherPort}${r.pathname}${r.search}` }),
    fc.constant({ how: 'default port written out', uri: `${r.protocol}//${r.hostname}:${defaultPort}${r.pathname}${r.search}` }),
    fc.constant({ how: 'other scheme', uri: `${r.protocol === 'https:' ? 'http:' : 'https:'}//${r.host}${r.pathname}${r.search}` }),
    seg.map((u) => ({ how: 'userinfo', uri: `${r.protocol}//${u}@${r.host}${r.pathname}${r.search}` })),
    seg.map((s) => ({ how: 'dot-segments', uri: withPath(`${path}/../${s}`) })),
    seg.map((s) => ({ how: 'encoded dot-segments', uri: withPath(`${path}/%2e%2e/${s}`) })),
    seg.map((s) => ({ how: 'fragment', uri: `${registered.split('#')[0]}#${s}` })),
    fc.constant({ how: 'trailing ?', uri: r.search ? registered : `${registered}?` }),
    fc.constant({ how: 'percent-encoded path', uri: withPath(path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`) || '/%61') }),
  );
}

// ---------- tokens ----------

/** One change to a bearer token (or a PoP token's segment); `keep` sends it unchanged. */
export type TokenMutation =
  | { kind: 'keep' }
  | { kind: 'flip'; at: number; with: number }
  | { kind: 'truncate'; by: number }
  | { kind: 'append'; char: number }
  | { kind: 'insert'; at: number; char: number }
  | { kind: 'case' };

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const tokenMutation: fc.Arbitrary<TokenMutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'keep' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(4096), with: fc.nat(63) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), by: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), char: fc.nat(63) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(4096), char: fc.nat(63) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'case' as const }) },
);

/**
 * Applies a mutation to a token. Never changes the last character of a dot-separated segment (its low bits may
 * be padding a base64url decoder ignores, which would leave the token valid); returns the token unchanged only
 * for `keep`, or when no other change is possible (the caller then skips the case).
 */
export function mutateToken(token: string, m: TokenMutation): string {
  if (m.kind === 'keep') return token;
  if (m.kind === 'truncate') return token.slice(0, Math.max(0, token.length - m.by));
  if (m.kind === 'append') return token + ALPHABET[m.char]!;
  if (m.kind === 'case') {
    const swapped = token.replace(/[a-z]/gi, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
    return swapped;
  }
  const positions = [...token].map((_, i) => i).filter((i) => i + 1 < token.length && token[i + 1] !== '.' && token[i] !== '.');
  if (!positions.length) return token + ALPHABET[0]!;
  const i = positions[m.at % positions.length]!;
  if (m.kind === 'insert') return token.slice(0, i) + ALPHABET[m.char]! + token.slice(i);
  let c = ALPHABET[m.with]!;
  if (c === token[i]) c = ALPHABET[(m.with + 1) % ALPHABET.length]!;
  return token.slice(0, i) + c + token.slice(i + 1);
}

/** A PoP proof mutation: replay a valid one, change one character of one segment, or send a fresh valid one. */
export type PopMutation = { kind: 'fresh' } | { kind: 'replay' } | { kind: 'flip'; segment: 0 | 1 | 2; at: number; with: number };

export const popMutation: fc.Arbitrary<PopMutation> = fc.oneof(
  fc.constant({ kind: 'fresh' as const }),
  fc.constant({ kind: 'replay' as const }),
  fc.record({ kind: fc.constant('flip' as const), segment: fc.constantFrom(0 as const, 1 as const, 2 as const), at: fc.nat(4096), with: fc.nat(63) }),
);

/** Changes one character of one segment of a compact JWS (never a segment's last character). */
export function flipJwsSegment(jws: string, segment: 0 | 1 | 2, at: number, withChar: number): string {
  const parts = jws.split('.');
  const s = parts[segment] ?? '';
  if (s.length < 2) return jws;
  const i = at % (s.length - 1);
  let c = ALPHABET[withChar]!;
  if (c === s[i]) c = ALPHABET[(withChar + 1) % ALPHABET.length]!;
  parts[segment] = s.slice(0, i) + c + s.slice(i + 1);
  return parts.join('.');
}

/**
 * A DPoP proof mutation (RFC 9449 §4.3): one validation rule broken at a time — a changed claim or header, another
 * key's signature, one character of one segment changed — or a fresh valid proof (the control).
 * - `htm`: another method; `htu-path` / `htu-scheme` / `htu-port`: another URI (never only the query or fragment,
 *   which §4.3 ignores); `iat-past` / `iat-future`: a day away, outside any "acceptable window" (§11.1 speaks of
 *   seconds or minutes); `no-jti`: a required claim left out (§4.2); `typ`: not "dpop+jwt"; `alg-none`: unsigned;
 *   `other-key`: signed by a key other than the one in the `jwk` header.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export type DpopMutation =
  | { kind: 'fresh' }
  | { kind: 'claim'; rule: 'htm' | 'htu-path' | 'htu-scheme' | 'htu-port' | 'iat-past' | 'iat-future' | 'no-jti' | 'typ' | 'alg-none' | 'other-key' }
  | { kind: 'flip'; segment: 0 | 1 | 2; at: number; with: number };

export const DPOP_RULES = ['htm', 'htu-path', 'htu-scheme', 'htu-port', 'iat-past', 'iat-future', 'no-jti', 'typ', 'alg-none', 'other-key'] as const;

export const dpopMutation: fc.Arbitrary<DpopMutation> = fc.oneof(
  fc.constant({ kind: 'fresh' as const }),
  fc.record({ kind: fc.constant('claim' as const), rule: fc.constantFrom(...DPOP_RULES) }),
  fc.record({ kind: fc.constant('flip' as const), segment: fc.constantFrom(0 as const, 1 as const, 2 as const), at: fc.nat(4096), with: fc.nat(63) }),
);

/** The `htu` a `htu-*` mutation puts in the proof instead of `url` (always a different URI, not just another query). */
export function mutatedHtu(url: string, rule: 'htu-path' | 'htu-scheme' | 'htu-port'): string {
  const u = new URL(url);
  if (rule === 'htu-path') u.pathname = `${u.pathname.replace(/\/$/, '')}/other`;
  else if (rule === 'htu-scheme') {
    const port = u.port;
    const text = `${u.protocol === 'https:' ? 'http:' : 'https:'}//${u.hostname}${port ? `:${port}` : ''}${u.pathname}`;
    return text;
  } else u.port = String(((Number(u.port) || (u.protocol === 'https:' ? 443 : 80)) % 65535) + 1);
  u.search = '';
  u.hash = '';
  return u.toString();
}

/** A method other than `method` for a `htm` mutation. */
export const otherMethod = (method: string) => (method.toUpperCase() === 'POST' ? 'PUT' : 'POST');
