import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fingerprint, Redactor } from '../src/redact.ts';

describe('Redactor', () => {
  it('replaces registered secrets and their encodings by a fingerprint', () => {
    const r = new Redactor();
    r.add('s3cr3t/value+x');
    const out = r.redact(`a s3cr3t/value+x b ${encodeURIComponent('s3cr3t/value+x')} c ${Buffer.from('s3cr3t/value+x').toString('base64')}`);
    expect(out).not.toMatch(/s3cr3t|czNjcjN0/);
    expect(out).toContain(fingerprint('s3cr3t/value+x'));
  });

  it('masks bearer and basic credentials, JWTs and PEM private keys it never saw', () => {
    const r = new Redactor();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const out = r.redact(`Authorization: Bearer abcdefgh12345678 Basic dXNlcjpwYXNzd29yZA== ${jwt} -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----`);
    expect(out).not.toContain('abcdefgh12345678');
    expect(out).not.toContain('dXNlcjpwYXNzd29yZA');
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('MIIE');
  });

  it('registers credential fields of a token response', () => {
    const r = new Redactor();
    r.addFromFields({ access_token: 'tok-1234567', refresh_token: 'ref-1234567', scope: 'read' });
    expect(r.redact('tok-1234567 ref-1234567 read')).toBe(`${fingerprint('tok-1234567')} ${fingerprint('ref-1234567')} read`);
  });

  it('fingerprints credential headers whole', () => {
    expect(new Redactor().headers({ 'X-Authorization': 'whatever', Accept: 'json' })).toEqual({ 'X-Authorization': fingerprint('whatever'), Accept: 'json' });
  });

  it('never leaves a registered secret in any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 4, maxLength: 40 }), fc.string(), fc.string(), (secret, a, b) => {
        const r = new Redactor();
        r.add(secret);
        fc.pre(!fingerprint(secret).includes(secret));
        expect(r.redact(`${a}${secret}${b}`).includes(secret)).toBe(false);
      }),
    );
  });

  it('never leaves any of many registered secrets sharing beginnings in a text made of their pieces (property)', () => {
    // A two-letter alphabet: secrets share their first characters and texts are full of near misses, so the scan's
    // start filter and the sorted search are both exercised.
    const word = (min: number, max: number) => fc.array(fc.constantFrom('a', 'b', 'A'), { minLength: min, maxLength: max }).map((c) => c.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(word(4, 24), { minLength: 1, maxLength: 30 }), fc.array(fc.tuple(fc.nat(), word(0, 6)), { maxLength: 12 }), (secrets, pieces) => {
        const r = new Redactor();
        for (const s of secrets) r.add(s);
        const text = pieces.map(([k, noise]) => `${noise}${secrets[k % secrets.length]}`).join('');
        const out = r.redact(text).replace(/\[redacted:[0-9a-f]{8}\]/g, '|');
        for (const s of secrets) if (text.includes(s)) expect(out.includes(s), `${s} left in ${out}`).toBe(false);
      }),
      { numRuns: 300, seed: 20261128 },
    );
  });
});

/** Every encoding in which the harness sends a secret or a server may echo it. */
function encodings(secret: string): Record<string, string> {
  const form = new URLSearchParams([['', secret]]).toString().slice(1);
  const json = JSON.stringify(secret).slice(1, -1);
  return {
    raw: secret,
    form,
    percent: encodeURIComponent(secret),
    json,
    jsonAscii: json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    jsonTwice: JSON.stringify(json).slice(1, -1),
    base64: Buffer.from(secret).toString('base64'),
  };
}

describe('Redactor: every encoding of a secret (issue 9 item 5)', () => {
  const secret = `pa ss!'()~"\\ é€-*`;

  it.each(Object.entries(encodings(secret)))('masks the %s form', (_name, encoded) => {
    const r = new Redactor();
    r.add(secret);
    const out = r.redact(`before ${encoded} after`);
    expect(out).toBe(`before ${fingerprint(secret)} after`);
  });

  it('masks Basic credentials built from id and secret, raw and form-urlencoded before base64 (RFC 6749 §2.3.1)', () => {
    const r = new Redactor();
    r.addClientCredentials('client id:1', secret);
    const raw = Buffer.from(`client id:1:${secret}`).toString('base64');
    const form = Buffer.from(`${new URLSearchParams([['', 'client id:1']]).toString().slice(1)}:${new URLSearchParams([['', secret]]).toString().slice(1)}`).toString('base64');
    for (const b of [raw, form]) expect(r.redact(`x ${b} y`)).toBe(`x ${fingerprint(secret)} y`);
  });

  it('gives every encoding of one secret the same fingerprint', () => {
    const r = new Redactor();
    r.add(secret);
    const labels = Object.values(encodings(secret)).map((e) => r.redact(e));
    expect(new Set(labels)).toEqual(new Set([fingerprint(secret)]));
  });
});

describe('Redactor: values, never the harness\'s own words (issue 9 item 6)', () => {
  it.each([
    'expected a Basic challenge (RFC 6749 §5.2)',
    'expected a Bearer challenge with error="invalid_token"',
    'WWW-Authenticate: Bearer error_description="expired token"',
    'WWW-Authenticate: Bearer realm="example", error="invalid_token"',
    'a DPoP proof was required',
  ])('leaves %j alone', (text) => {
    expect(new Redactor().redact(text)).toBe(text);
  });

  it.each([
    ['Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['Bearer 2YotnFZFEjr1zCsicMWpAA', '2YotnFZFEjr1zCsicMWpAA'],
    ['bearer mF_9.B5f-4.1JqM', 'mF_9.B5f-4.1JqM'],
    ['DPoP abcdefghijklmnopqrstuvwxyz', 'abcdefghijklmnopqrstuvwxyz'],
  ])('masks the unregistered credential in %j', (text, value) => {
    expect(new Redactor().redact(text)).not.toContain(value);
  });
});

describe('Redactor: a secret cut before redaction is still masked', () => {
  const token = `tok_${'Ab3'.repeat(50)}`;

  it('masks a beginning of a registered secret of at least 16 characters, wherever it ends', () => {
    const r = new Redactor();
    r.add(token);
    expect(r.redact(`body "${token.slice(0, 80)}..."`)).toBe(`body "${fingerprint(token)}..."`);
    expect(r.redact(token.slice(0, 16))).toBe(fingerprint(token));
  });

  it('leaves a shorter shared beginning alone', () => {
    const r = new Redactor();
    r.add(token);
    expect(r.redact(`x ${token.slice(0, 15)} y`)).toBe(`x ${token.slice(0, 15)} y`);
  });
});

describe('Redactor: remembered redactions never outlive a secret registered later', () => {
  const text = (s: string) => `the server echoed ${s} in its error_description, which a report must not repeat`;

  it('a text redacted before its secret was known is redacted again once it is', () => {
    const r = new Redactor();
    const secret = 'late-secret-0123456789';
    expect(r.redact(text(secret))).toContain(secret); // unknown yet: kept (and remembered)
    expect(r.redact(text(secret))).toContain(secret);
    r.add(secret);
    expect(r.redact(text(secret))).toBe(text(fingerprint(secret)));
  });

  it('Basic credentials registered for a secret known already (no new secret, new forms) count too', () => {
    const r = new Redactor();
    const secret = 'client-secret-0123456789';
    r.add(secret);
    const basic = Buffer.from(`client-xy:${secret}`).toString('base64'); // 10 bytes before the secret: its own base64 does not line up inside
    expect(r.redact(text(basic))).toContain(basic);
    r.addClientCredentials('client-xy', secret);
    expect(r.redact(text(basic))).toBe(text(fingerprint(secret)));
  });

  it('a repeated text gets the same redaction as the first time', () => {
    const r = new Redactor();
    r.add('repeat-secret-0123456789');
    const first = r.redact(text('repeat-secret-0123456789 and Bearer abcdefgh12345678'));
    expect(r.redact(text('repeat-secret-0123456789 and Bearer abcdefgh12345678'))).toBe(first);
    expect(first).not.toMatch(/repeat-secret|abcdefgh12345678/);
  });
});
