/**
 * Contracts as written: what each interaction requires (types and patterns from the spec and the RFC, not example
 * values), the documented quirks, placeholders instead of credentials, and the patterns themselves (each with a
 * conforming and a violating value that differ in one property).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASIC, BEARER, JWS, NO_STORE, VSCHAR, mediaType, scopePattern } from '../../src/pact/matchers.ts';
import { contractCases } from '../../src/pact/contracts.ts';
import { loadAllSpecs, loadSpec } from '../../src/spec/load.ts';
import { runCli } from '../support/cli.ts';
import { contractOf, tempDir } from './support.ts';

/** Whether the whole value matches (Pact's regex matcher must match the entire value; these patterns are anchored). */
const matches = (pattern: string, value: string) => new RegExp(pattern).test(value);

interface Interaction {
  description: string;
  request: { headers?: Record<string, string[]>; body?: { content?: string }; matchingRules?: { body?: Record<string, { matchers: Array<Record<string, string>> }>; header?: Record<string, { matchers: Array<Record<string, string>> }> } };
  response: { status: number; body?: { content?: Record<string, unknown> }; matchingRules?: { body?: Record<string, { matchers: Array<Record<string, string>> }> } };
}
const interactions = async (id: string): Promise<Interaction[]> => JSON.parse(readFileSync((await contractOf(id)).file, 'utf8')).interactions;
const named = (list: Interaction[], description: string) => list.find((i) => i.description === description)!;

describe('patterns', () => {
  it('AT&T scope: catalogue values joined by commas; a space-joined value is not AT&T\'s form', () => {
    const p = scopePattern(loadSpec('att').spec);
    expect(matches(p, 'SMS,MMS')).toBe(true);
    expect(matches(p, 'SMS MMS')).toBe(false);
  });
  it('RFC 6749 §3.3 scope: space-delimited', () => {
    const p = scopePattern(loadSpec('mobile-digital').spec);
    expect(matches(p, 'read write')).toBe(true);
    expect(matches(p, 'read,write')).toBe(false);
  });
  it('Basic credentials: the Basic scheme with base64; another scheme fails', () => {
    expect(matches(BASIC, 'Basic b2F1dGg6eA==')).toBe(true);
    expect(matches(BASIC, 'Bearer b2F1dGg6eA==')).toBe(false);
  });
  it('Bearer: a b64token; a space inside fails', () => {
    expect(matches(BEARER, 'Bearer abc.DEF-123')).toBe(true);
    expect(matches(BEARER, 'Bearer abc DEF-123')).toBe(false);
  });
  it('media type: parameters allowed, a longer type name is not JSON', () => {
    expect(matches(mediaType('application/json'), 'application/json;charset=UTF-8')).toBe(true);
    expect(matches(mediaType('application/json'), 'application/jsonx')).toBe(false);
  });
  it('no-store: found among other directives; no-cache alone is not no-store', () => {
    expect(matches(NO_STORE, 'private, no-store')).toBe(true);
    expect(matches(NO_STORE, 'private, no-cache')).toBe(false);
  });
  it('JWS: three base64url parts; two parts is not a JWS', () => {
    expect(matches(JWS, 'eyJh.eyJz.c2ln')).toBe(true);
    expect(matches(JWS, 'eyJh.eyJz')).toBe(false);
  });
  it('VSCHAR: printable ASCII; a line break is not', () => {
    expect(matches(VSCHAR, 'tok en')).toBe(true);
    expect(matches(VSCHAR, 'tok\nen')).toBe(false);
  });
});

describe('the att contract', () => {
  it('`oauthgate pact --spec att --out d` writes at least five interactions', async () => {
    const dir = tempDir();
    const { code, out } = await runCli(['pact', '--spec', 'att', '--out', 'd'], dir);
    expect(code).toBe(0);
    expect(out).toBe('wrote d/oauthgate-att.json (9 interactions)\n');
    const pact = JSON.parse(readFileSync(join(dir, 'd', 'oauthgate-att.json'), 'utf8'));
    expect(pact.interactions.length).toBeGreaterThanOrEqual(5);
    expect(pact.metadata.oauthgate).toMatchObject({ spec: 'att', specSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  }, 60_000);

  it('a token response requires types, not the example values (expires_in any number, token_type bearer in any case)', async () => {
    const i = named(await interactions('att'), 'a client_credentials token request');
    const rules = i.response.matchingRules!.body!;
    expect(rules['$.expires_in']!.matchers).toEqual([{ match: 'number' }]);
    expect(rules['$.access_token']!.matchers).toEqual([{ match: 'type' }, { match: 'regex', regex: VSCHAR }]);
    expect(matches(rules['$.token_type']!.matchers[1]!.regex!, 'Bearer')).toBe(true);
    expect(Object.keys(i.response.body!.content!).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
  }, 60_000);

  it('the request carries placeholders, matched by pattern: comma scopes, credentials', async () => {
    const i = named(await interactions('att'), 'a client_credentials token request');
    expect(i.request.body!.content).toBe('client_id=oauthgate.client_id&client_secret=oauthgate.client_secret&grant_type=client_credentials&scope=SMS');
    expect(i.request.matchingRules!.body!['$.scope']!.matchers[0]!.regex).toBe(scopePattern(loadSpec('att').spec));
    expect(i.request.matchingRules!.body!['$.client_secret']!.matchers[0]!.regex).toBe(VSCHAR);
  }, 60_000);

  it('the invalid-scope case sends its unknown scope exactly (a pattern would accept a valid scope)', async () => {
    const i = named(await interactions('att'), 'a token request for an unknown scope');
    expect(i.request.body!.content).toContain('scope=oauthgate-unknown-scope');
    expect(i.request.matchingRules!.body!['$.scope']).toBeUndefined();
    expect(i.response).toMatchObject({ status: 400, body: { content: { error: 'invalid_scope' } } });
  }, 60_000);
});

describe('the T-Mobile contract', () => {
  it('expires_in must be a string of digits: a type rule beside the regex, so the number 3599 fails', async () => {
    const i = named(await interactions('tmobile-naas-v2'), 'a client_credentials token request');
    expect(i.response.matchingRules!.body!['$.expires_in']!.matchers).toEqual([{ match: 'type' }, { match: 'regex', regex: '^\\d+$' }]);
    expect(i.response.body!.content!.expires_in).toBe('3599');
  }, 60_000);

  it('has no token_type (documented absent), Basic credentials and a PoP header matched by a JWS pattern', async () => {
    const i = named(await interactions('tmobile-naas-v2'), 'a client_credentials token request');
    expect(i.response.body!.content!.token_type).toBeUndefined();
    expect(i.request.matchingRules!.header!['Authorization']!.matchers[0]!.regex).toBe(BASIC);
    expect(i.request.matchingRules!.header!['X-Authorization']!.matchers[0]!.regex).toBe(JWS);
    expect(i.request.body).toBeUndefined();
  }, 60_000);
});

describe('every bundled spec', () => {
  for (const { spec } of loadAllSpecs()) {
    it(`${spec.id}: unique descriptions, a token interaction and a resource call, states from the fixed sentences`, () => {
      const cases = contractCases(spec);
      expect(new Set(cases.map((c) => c.description)).size).toBe(cases.length);
      expect(cases.some((c) => c.key.startsWith('token.'))).toBe(true);
      expect(cases.some((c) => c.key === 'resource.bearer')).toBe(true);
      for (const c of cases) for (const s of c.states) expect(['client {clientId} exists', 'client {clientId} does not exist', 'a valid access token exists', 'a valid refresh token exists', 'an authorization code exists']).toContain(s.name);
    });
  }
});

describe('an assumed behaviour is a SHOULD interaction (issue 8 item 5)', () => {
  it('the invalid-scope interaction is SHOULD where rejecting unknown scope is the spec\'s assumption, MUST where the user states it', async () => {
    const { recordOverrides } = await import('../../src/spec/overlay.ts');
    const assumed = structuredClone(loadSpec('rfc6749').spec);
    expect(contractCases(assumed).find((c) => c.key === 'error.invalid-scope')?.severity).toBe('SHOULD');
    const stated = structuredClone(loadSpec('rfc6749').spec);
    recordOverrides(stated, ['scope.unknownScope']);
    expect(contractCases(stated).find((c) => c.key === 'error.invalid-scope')?.severity).toBe('MUST');
    expect(contractCases(stated).find((c) => c.key === 'error.unknown-client')?.severity).toBe('MUST');
  });
});
