import { createHash } from 'node:crypto';

/**
 * Keeps secrets out of every output. Known secrets (client secrets, passwords, tokens, keys) are registered as
 * they appear and replaced by a short fingerprint wherever they would be printed or written; values of
 * credential-bearing headers and JSON fields are masked even when they were never registered.
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

/** Registry of secrets seen during a run; {@link Redactor.redact} scrubs any text before it leaves the process. */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret. Values shorter than 4 characters are ignored (they would mask ordinary text). */
  add(secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length < 4) return;
    this.#secrets.add(secret);
    // Also catch the encodings a secret travels in.
    this.#secrets.add(encodeURIComponent(secret));
    this.#secrets.add(Buffer.from(secret).toString('base64'));
  }

  /** Registers every string value of credential fields in a parsed JSON or form body. */
  addFromFields(fields: unknown): void {
    if (!fields || typeof fields !== 'object') return;
    for (const [k, v] of Object.entries(fields as Record<string, unknown>)) {
      if (SECRET_FIELDS.has(k) && typeof v === 'string') this.add(v);
    }
  }

  /** Replaces every registered secret in `text` by its fingerprint, longest first. */
  redact(text: string): string {
    if (!text) return text;
    let out = text;
    const sorted = [...this.#secrets].sort((a, b) => b.length - a.length);
    for (const s of sorted) if (out.includes(s)) out = out.split(s).join(fingerprint(s));
    // Credential-looking material that was never registered: bearer/basic values, JWTs, PEM blocks.
    out = out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, (m) => fingerprint(m));
    out = out.replace(/\b(Basic|Bearer|DPoP)\s+([A-Za-z0-9._~+/=-]{8,})/g, (_m, scheme: string, v: string) => `${scheme} ${fingerprint(v)}`);
    out = out.replace(/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, (m) => fingerprint(m));
    return out;
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
