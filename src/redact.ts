import { createHash } from 'node:crypto';
import { formComponent } from './http/client.ts';

/**
 * Keeps secrets out of every output. Known secrets (client secrets, passwords, tokens, keys) are registered as
 * they appear, in every encoding they travel in, and replaced by a short fingerprint wherever they would be
 * printed or written; values of credential-bearing headers and JSON fields are masked even when they were never
 * registered. Redact first, then cut: a cut secret no longer matches its registered form.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.3
 */

/** Header names whose values are credentials (compared lower-case). */
export const SECRET_HEADERS = new Set(['authorization', 'x-authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'dpop']);

/** JSON / form field names whose values are credentials. */
export const SECRET_FIELDS = new Set([
  'client_secret', 'password', 'access_token', 'refresh_token', 'id_token', 'code', 'assertion', 'client_assertion',
  'token', 'private_key', 'popPrivateKey', 'clientSecret',
]);

/** A short, stable, non-reversible label for a secret: `[redacted:1a2b3c4d]`. */
export function fingerprint(secret: string): string {
  return `[redacted:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}]`;
}

/** A string as it appears inside a JSON string literal (`"` and `\` escaped, control characters as `\uXXXX`). */
export function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** JSON-escaped with every non-ASCII character as `\uXXXX` (Python's `ensure_ascii`, Java's Jackson option). */
function jsonAsciiEscaped(value: string, upper: boolean): string {
  return jsonEscaped(value).replace(/[\u0080-\uffff]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${upper ? hex.toUpperCase() : hex}`;
  });
}

/**
 * Every form in which the harness sends `secret` or a server may echo it back: raw, form-urlencoded,
 * percent-encoded, JSON-escaped (once, twice, ASCII-only) and base64.
 * @see https://www.rfc-editor.org/rfc/rfc6749#appendix-B
 */
export function secretEncodings(secret: string): string[] {
  const forms = [secret, formComponent(secret), encodeURIComponent(secret), jsonEscaped(secret), jsonEscaped(jsonEscaped(secret)),
    jsonAsciiEscaped(secret, false), jsonAsciiEscaped(secret, true), Buffer.from(secret).toString('base64')];
  return [...new Set(forms)];
}

/** Credential values after an auth scheme: token68-like, not followed by `=` or `"` (that would be an auth-param). */
const SCHEME_VALUE = /\b(Basic|basic|BASIC|Bearer|bearer|BEARER|DPoP|dpop)(\s+)([A-Za-z0-9._~+/-]+=*)(?![A-Za-z0-9._~+/="-])/g;

/**
 * Whether a word after `Basic`/`Bearer`/`DPoP` is a credential rather than an ordinary word of a message
 * ("expected a Basic challenge"): at least 8 characters with a digit or token punctuation, mixed case, or
 * at least 24 characters.
 */
function looksLikeCredential(v: string): boolean {
  if (v.length < 8) return false;
  return /[0-9._~+/=-]/.test(v) || /[a-z][A-Z]|[A-Z]{2}/.test(v) || v.length >= 24;
}

/** Index of the first element of sorted `list` for which `after` holds (`list.length` when none does). */
function firstAfter(list: string[], after: (f: string) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after(list[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Compares `text` from `i` on with `f` in code-unit order (negative: the text sorts first). */
function compareAt(text: string, i: number, f: string): number {
  const n = Math.min(text.length - i, f.length);
  for (let k = 0; k < n; k++) {
    const d = text.charCodeAt(i + k) - f.charCodeAt(k);
    if (d !== 0) return d;
  }
  return text.length - i - f.length;
}

/** How many code units `text` from `i` on and `f` share at their start. */
function commonLength(text: string, i: number, f: string): number {
  const n = Math.min(text.length - i, f.length);
  let k = 0;
  while (k < n && text.charCodeAt(i + k) === f.charCodeAt(k)) k++;
  return k;
}

/** Shortest beginning of a registered secret that is masked on its own (a secret cut before redaction). */
export const PARTIAL_MATCH_CHARS = 16;

/** The first two UTF-16 code units of `s` at `i`, as one number (a cheap index into registered forms). */
const startKey = (s: string, i: number) => s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1);

/** Bits in the filter of registered forms' first four code units. */
const START4_BITS = 20;
/** A hash of the four UTF-16 code units of `s` at `i` into {@link START4_BITS} bits. */
const start4 = (s: string, i: number) =>
  (Math.imul(s.charCodeAt(i), 0x9e3779b1) ^ Math.imul(s.charCodeAt(i + 1), 0x85ebca77) ^ Math.imul(s.charCodeAt(i + 2), 0xc2b2ae3d) ^ Math.imul(s.charCodeAt(i + 3), 0x27d4eb2f)) >>> (32 - START4_BITS);

/** Shortest text whose redaction is remembered (shorter ones cost less than the lookup), and the most characters kept. */
const MEMO_MIN_CHARS = 32;
const MEMO_MAX_CHARS = 4 * 1024 * 1024;

/** Registry of secrets seen during a run; {@link Redactor.redact} scrubs any text before it leaves the process. */
export class Redactor {
  /** Encoded form → fingerprint of the secret it encodes. */
  readonly #forms = new Map<string, string>();
  /** Secrets whose encodings are registered already: every request re-registers the secrets it carries. */
  readonly #added = new Set<string>();
  /** Forms shorter than {@link PARTIAL_MATCH_CHARS}, by their first two UTF-16 code units, longest first. */
  readonly #short = new Map<number, string[]>();
  /** Longer forms in code-unit order: the one sharing the longest beginning with a text is a neighbour of it. */
  readonly #long: string[] = [];
  /** First two code units of every long form (a cheap filter before the binary search). */
  readonly #longStarts = new Set<number>();
  /**
   * A bit per hash of every form's first four code units (forms have at least four): a text position whose bit is
   * clear begins no form, which one array read tells, instead of two hash lookups for every character scanned.
   */
  readonly #starts4 = new Uint8Array(1 << (START4_BITS - 3));
  /**
   * Texts redacted since the last secret was registered, with their redaction: every reporter redacts the same
   * reasons and evidence again (~7% of a run without fuzzing went to redacting them four times). Emptied whenever a
   * form is registered, so a text is never served a redaction that misses a secret known now.
   */
  readonly #memo = new Map<string, string>();
  #memoChars = 0;

  /** Registers a secret in all its encodings. Values shorter than 4 characters are ignored (they would mask ordinary text). */
  add(secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length < 4 || this.#added.has(secret)) return;
    this.#added.add(secret);
    this.#register(secret, secretEncodings(secret));
  }

  /**
   * Registers a client secret with the HTTP Basic credentials built from it: base64 of `id:secret`, both as
   * RFC 6749 §2.3.1 sends it (each part form-urlencoded first) and as RFC 7617 alone would (raw).
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
   */
  addClientCredentials(clientId: string, secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length < 4) return;
    this.add(secret);
    const basic = [`${clientId}:${secret}`, `${formComponent(clientId)}:${formComponent(secret)}`].map((s) => Buffer.from(s).toString('base64'));
    this.#register(secret, basic);
  }

  #register(secret: string, forms: string[]): void {
    const label = fingerprint(secret);
    this.#memo.clear();
    this.#memoChars = 0;
    for (const f of forms) {
      if (f.length < 4 || this.#forms.has(f)) continue;
      this.#forms.set(f, label);
      const bit = start4(f, 0);
      this.#starts4[bit >>> 3]! |= 1 << (bit & 7);
      const key = startKey(f, 0);
      if (f.length >= PARTIAL_MATCH_CHARS) {
        this.#long.splice(firstAfter(this.#long, (g) => g > f), 0, f);
        this.#longStarts.add(key);
        continue;
      }
      const bucket = this.#short.get(key) ?? [];
      const at = bucket.findIndex((g) => g.length < f.length);
      bucket.splice(at < 0 ? bucket.length : at, 0, f);
      this.#short.set(key, bucket);
    }
  }

  /** Registers every string value of credential fields in a parsed JSON or form body. */
  addFromFields(fields: unknown): void {
    if (!fields || typeof fields !== 'object') return;
    for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
      if (SECRET_FIELDS.has(k) && typeof v === 'string') this.add(v);
    }
  }

  /**
   * Replaces registered forms in `text`, scanning once (cost grows with the text, not with the registry). A run of
   * at least {@link PARTIAL_MATCH_CHARS} characters that begins a registered form is masked too: a secret some
   * code cut before redacting it is still a leaked secret.
   */
  #replaceRegistered(text: string): string {
    if (!this.#forms.size) return text;
    let out = '';
    let last = 0;
    let i = 0;
    const starts = this.#starts4;
    while (i <= text.length - 4) {
      const bit = start4(text, i);
      if ((starts[bit >>> 3]! & (1 << (bit & 7))) === 0) {
        i++;
        continue;
      }
      const [form, length] = this.#longestAt(text, i);
      if (form) {
        out += text.slice(last, i) + this.#forms.get(form)!;
        i += length;
        last = i;
      } else i++;
    }
    return last === 0 ? text : out + text.slice(last);
  }

  /**
   * At `text[i]`: the long form sharing the longest beginning (at least {@link PARTIAL_MATCH_CHARS}) with the text,
   * found by binary search among the sorted long forms; else the longest short form matching whole.
   */
  #longestAt(text: string, i: number): [string | undefined, number] {
    const key = startKey(text, i);
    if (this.#longStarts.has(key)) {
      const next = firstAfter(this.#long, (f) => compareAt(text, i, f) < 0);
      let best: string | undefined;
      let bestLength = 0;
      for (const j of [next - 1, next]) {
        const f = this.#long[j];
        if (f === undefined) continue;
        const n = commonLength(text, i, f);
        if (n >= PARTIAL_MATCH_CHARS && n > bestLength) {
          best = f;
          bestLength = n;
        }
      }
      if (best) return [best, bestLength];
    }
    const hit = this.#short.get(key)?.find((f) => text.startsWith(f, i));
    return hit ? [hit, hit.length] : [undefined, 0];
  }

  /** Replaces every registered secret in `text` by its fingerprint, then credential-looking material it never saw. */
  redact(text: string): string {
    if (!text) return text;
    const known = this.#memo.get(text);
    if (known !== undefined) return known;
    const out = this.#redactNow(text);
    if (text.length >= MEMO_MIN_CHARS && this.#memoChars + text.length <= MEMO_MAX_CHARS) {
      this.#memo.set(text, out);
      this.#memoChars += text.length;
    }
    return out;
  }

  #redactNow(text: string): string {
    let out = this.#replaceRegistered(text);
    // Credential-looking material that was never registered: bearer/basic values, JWTs, PEM blocks.
    out = out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, (m) => fingerprint(m));
    out = out.replace(SCHEME_VALUE, (m, scheme: string, space: string, v: string) => (looksLikeCredential(v) ? `${scheme}${space}${fingerprint(v)}` : m));
    out = out.replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, (m) => fingerprint(m));
    return out;
  }

  /**
   * Redacts `text`, then cuts it to at most about `max` characters, saying how long it was: the only safe order,
   * since a cut secret no longer matches its registered form. A fingerprint is never split.
   */
  cut(text: string, max: number): string {
    const out = this.redact(text);
    if (out.length <= max) return out;
    let end = Math.max(0, max);
    const open = out.lastIndexOf('[redacted:', end);
    if (open >= 0 && open + 19 > end) end = open;
    return `${out.slice(0, end)}... (${out.length} characters)`;
  }

  /** Redacts a header map: credential headers are fingerprinted whole. */
  headers(h: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h ?? {})) out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? fingerprint(v) : this.redact(v);
    return out;
  }

  /**
   * Redacts a request or response body: registered secrets, then the values of credential fields in a JSON
   * object or a form body even when they were never registered.
   */
  redactBody(text: string): string {
    let out = this.redact(text);
    try {
      const parsed: unknown = JSON.parse(out);
      if (parsed && typeof parsed === 'object') {
        let changed = false;
        const walk = (o: unknown): void => {
          if (!o || typeof o !== 'object') return;
          for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
            if (SECRET_FIELDS.has(k) && typeof v === 'string' && !v.startsWith('[redacted:')) {
              (o as Record<string, unknown>)[k] = fingerprint(v);
              changed = true;
            } else walk(v);
          }
        };
        walk(parsed);
        if (changed) out = JSON.stringify(parsed);
      }
      return out;
    } catch {
      // not JSON: try form fields
    }
    return out.replace(/(^|&)([^=&]+)=([^&]*)/g, (m, lead: string, k: string, v: string) => {
      let name = k;
      try { name = decodeURIComponent(k.replace(/\+/g, ' ')); } catch { /* keep raw */ }
      return SECRET_FIELDS.has(name) && v && !v.startsWith('[redacted:') ? `${lead}${k}=${fingerprint(v)}` : m;
    });
  }

  /** Redacts a URL: registered secrets, and the values of credential query parameters. */
  redactUrl(url: string): string {
    const out = this.redact(url);
    const q = out.indexOf('?');
    if (q < 0) return out;
    const hash = out.indexOf('#', q);
    const query = hash < 0 ? out.slice(q + 1) : out.slice(q + 1, hash);
    return `${out.slice(0, q + 1)}${this.redactBody(query)}${hash < 0 ? '' : out.slice(hash)}`;
  }
}
