/**
 * Signed evidence: `run --sign-key` writes evidence.jws over the summary, the spec hashes and every report file;
 * `verify-report` exits 0 on an intact folder and 1 naming the file on any edit (one flipped byte is enough).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, exportJWK } from 'jose';
import { runCli } from '../support/cli.ts';
import { coveredFiles } from '../../src/report/signature.ts';
import { bundledSha } from './fixtures.ts';
import { testKeyPair } from '../../providers/keys/test-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'oauthgate-sign-'));
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
// A shipped RSA test key: generating one blocked this file's import for 0.2-1 s of CPU.
const rsa = testKeyPair('unregistered-client');
writeFileSync(join(dir, 'ec.pem'), ec.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(join(dir, 'ec.pub'), ec.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(join(dir, 'other.pub'), other.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(join(dir, 'rsa.pem'), rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }));
writeFileSync(join(dir, 'not-a-key.pem'), 'hello');

const cli = (args: string[]) => runCli(args, dir);
/** A fresh copy of the signed folder, to edit. */
const copy = (name: string) => {
  const to = join(dir, name);
  rmSync(to, { recursive: true, force: true });
  cpSync(join(dir, 'signed'), to, { recursive: true });
  return to;
};
const flipByte = (file: string, at = 10) => {
  const b = readFileSync(file);
  b[at] = b[at]! ^ 0x01;
  writeFileSync(file, b);
};

beforeAll(async () => {
  const r = await cli(['run', '--spec', 'mobile-digital', '--suite', 'token-endpoint', '--out', 'signed', '--sign-key', 'ec.pem']);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toContain(`report: ${join(dir, 'signed', 'evidence.jws')}`);
}, 30_000);

describe('run --sign-key', () => {
  it('signs a manifest of the summary hash, the spec hashes and every report file', () => {
    const jws = readFileSync(join(dir, 'signed', 'evidence.jws'), 'utf8').trim();
    expect(decodeProtectedHeader(jws)).toMatchObject({ alg: 'ES256', typ: 'oauthgate-evidence+jws', kid: expect.any(String) });
    const manifest = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8'));
    expect(manifest.specs).toEqual([{ id: 'mobile-digital', file: expect.stringMatching(/mobile-digital\.yaml$/), sha256: bundledSha('mobile-digital') }]);
    expect(Object.keys(manifest.files)).toEqual(coveredFiles(join(dir, 'signed')));
    expect(Object.keys(manifest.files)).toEqual(expect.arrayContaining(['summary.json', 'junit.xml', 'certification-mobile-digital.md', 'observations.json']));
    expect(Object.keys(manifest.files).some((f) => f.startsWith('allure-results/') && f.endsWith('-result.json'))).toBe(true);
    expect(manifest.summarySha256).toBe(manifest.files['summary.json']);
  });

  it('signs with RSA keys too (RS256)', async () => {
    const r = await cli(['run', '--spec', 'mobile-digital', '--suite', 'token-endpoint', '--out', 'rsa', '--sign-key', 'rsa.pem']);
    expect(r.code).toBe(0);
    expect(decodeProtectedHeader(readFileSync(join(dir, 'rsa', 'evidence.jws'), 'utf8').trim()).alg).toBe('RS256');
  });

  it('rejects a file that is not a private key before running, naming the file only', async () => {
    const r = await cli(['run', '--spec', 'mobile-digital', '--out', 'bad', '--sign-key', 'not-a-key.pem']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('--sign-key not-a-key.pem: expected a PEM private key (PKCS#8, PKCS#1 or SEC1), observed something else\n');
  });
});

describe('verify-report', () => {
  it('exits 0 on the intact folder, with a PEM public key or a JWKS', async () => {
    const r = await cli(['verify-report', 'signed', '--key', 'ec.pub']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^signature: ES256, key \S+\n/);
    expect(r.out).toMatch(/signed: intact \(\d+ files match the signed hashes\)\n$/);
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [await exportJWK(ec.publicKey)] }));
    expect((await cli(['verify-report', 'signed', '--key', 'jwks.json'])).code).toBe(0);
  });

  it.each(['summary.json', 'junit.xml', 'certification-mobile-digital.md', 'observations.json'])('exits 1 naming %s when one byte of it flips', async (file) => {
    const to = copy(`flip-${file}`);
    flipByte(join(to, file));
    const r = await cli(['verify-report', `flip-${file}`, '--key', 'ec.pub']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^FAIL ${file.replace(/\./g, '\\.')}: changed \\(SHA-256 `));
    expect(r.out.match(/^FAIL /gm)).toHaveLength(1);
  });

  it('names an edited Allure result, a deleted file and an added one', async () => {
    const to = copy('edited');
    const result = coveredFiles(to).find((f) => f.endsWith('-result.json'))!;
    flipByte(join(to, result));
    rmSync(join(to, 'junit.xml'));
    writeFileSync(join(to, 'extra.txt'), 'x');
    const r = await cli(['verify-report', 'edited', '--key', 'ec.pub']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`FAIL ${result}: changed`);
    expect(r.out).toContain('FAIL junit.xml: missing (signed, now absent)');
    expect(r.out).toContain('FAIL extra.txt: added (not covered by the signature)');
  });

  it('exits 1 when the signature itself was edited, or a different key is given', async () => {
    const to = copy('jws-edited');
    flipByte(join(to, 'evidence.jws'), 120);
    const edited = await cli(['verify-report', 'jws-edited', '--key', 'ec.pub']);
    expect(edited.code).toBe(1);
    expect(edited.out).toMatch(/^FAIL evidence\.jws: /);
    const wrongKey = await cli(['verify-report', 'signed', '--key', 'other.pub']);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.out).toMatch(/^FAIL evidence\.jws: signature does not verify with the given key/);
  });

  it('ignores the HTML report that `oauthgate report` adds later', async () => {
    const to = copy('with-html');
    cpSync(join(dir, 'ec.pub'), join(to, 'allure-report', 'index.html'), { recursive: true });
    expect((await cli(['verify-report', 'with-html', '--key', 'ec.pub'])).code).toBe(0);
  });

  it.each([
    [['verify-report', 'signed'], /^verify-report: expected --key/],
    [['verify-report', 'signed', '--key', 'nope.pem'], /^--key nope\.pem: cannot read: ENOENT/],
    [['verify-report', 'signed', '--key', 'ec.pem'], null],
  ])('%j', async (args, message) => {
    const r = await cli(args as string[]);
    if (message) {
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    } else expect(r.code).toBe(0); // a private key PEM also yields its public key
  });

  it('exits 1 when the folder was never signed', async () => {
    const r = await cli(['verify-report', 'bad-dir-without-jws', '--key', 'ec.pub']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL evidence\.jws: missing/);
  });
});
