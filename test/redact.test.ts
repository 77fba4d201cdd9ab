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
});
