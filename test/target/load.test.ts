import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testKeyPair } from '../../providers/keys/test-keys.ts';
import { loadTargetFile } from '../../src/target/load.ts';
import { Redactor } from '../../src/redact.ts';
import { problemsOf } from '../support/user-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-target-'));
const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), name);
const problems = problemsOf;

describe('loadTargetFile', () => {
  it('interpolates ${ENV}, applies defaults and registers secrets with the redactor', () => {
    const f = write('a.yaml', 'spec: att\nbaseUrl: https://api.example.test/base\nclientId: id-1\nclientSecret: ${SECRET}\nendpoints: { resource: /x }\nwaitBudgetSeconds: 5\n');
    const redactor = new Redactor();
    const { target, spec } = loadTargetFile(f, { cwd: dir, env: { SECRET: 'the-secret-value' }, redactor });
    expect(spec.spec.id).toBe('att');
    expect(target).toMatchObject({ kind: 'live', label: 'https://api.example.test', clientSecret: 'the-secret-value', endpoints: { resource: '/x' }, waitBudgetSeconds: 5, autoConsent: false, redirectUri: 'https://yourdomain.com/abc' });
    expect(redactor.redact('x the-secret-value y')).not.toContain('the-secret-value');
  });

  it('names every bad field', () => {
    const f = write('b.yaml', 'spec: att\nbaseUrl: ftp://x\nclientId: ""\nclientSecret: s\nwaitBudgetSeconds: -1\nextra: 1\n');
    const p = problems(() => loadTargetFile(f, { cwd: dir, env: {} }));
    expect(p).toHaveLength(4);
    expect(p).toEqual(expect.arrayContaining([
      expect.stringMatching(/^b\.yaml: \(root\): unknown field "extra" \(valid: spec, baseUrl, clientId, .*jwksUri\)$/),
      expect.stringMatching(/^b\.yaml: baseUrl: expected an http\(s\) URL$/),
      expect.stringMatching(/^b\.yaml: clientId: /),
      expect.stringMatching(/^b\.yaml: waitBudgetSeconds: /),
    ]));
  });

  it('resolves a spec path and a PoP key relative to the target file', () => {
    const { privateKey } = testKeyPair('taap-client'); // a shipped RSA test key: no 0.2-1 s generation
    write('pop.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const f = write('c.yaml', `spec: ${join(import.meta.dirname, '../../specs/tmobile-naas-v2.yaml')}\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: b\npopPrivateKey: pop.pem\n`);
    const { target, spec } = loadTargetFile(f, { cwd: dir, env: {} });
    expect(spec.spec.id).toBe('tmobile-naas-v2');
    expect(target.popPrivateKey?.asymmetricKeyType).toBe('rsa');
  });

  it('an unreadable key is a user error naming the field', () => {
    const f = write('d.yaml', 'spec: tmobile-naas-v2\nbaseUrl: http://127.0.0.1:1\nclientId: a\nclientSecret: b\npopPrivateKey: missing.pem\n');
    expect(problems(() => loadTargetFile(f, { cwd: dir, env: {} }))).toEqual(['d.yaml: popPrivateKey: cannot read a PEM private key from missing.pem (ENOENT)']);
  });

  it('a public client needs no clientSecret where the spec lists the none method', () => {
    const spec = write('public.yaml', readFileSync(join(import.meta.dirname, '../../specs/tangoe.yaml'), 'utf8').replace(/methods: \[[^\]]*\]/, 'methods: [none]'));
    const f = write('e.yaml', `spec: ${spec}\nbaseUrl: http://127.0.0.1:1\nclientId: public-app\nusername: u\npassword: p\n`);
    const { target } = loadTargetFile(f, { cwd: dir, env: {} });
    expect(target.clientId).toBe('public-app');
    expect(target.clientSecret).toBeUndefined();
  });

  it('a missing clientSecret is a user error naming the field where the spec has no public clients', () => {
    const f = write('f.yaml', 'spec: att\nbaseUrl: http://127.0.0.1:1\nclientId: a\n');
    expect(problems(() => loadTargetFile(f, { cwd: dir, env: {} }))).toEqual([
      'f.yaml: clientSecret: expected a client secret, because spec "att" does not list the "none" client authentication method (public clients)',
    ]);
  });
});
