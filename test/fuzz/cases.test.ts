/** The case generators: mutations change what they say and nothing else. */
import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { flipJwsSegment, mutateRequest, mutateToken, redirectCandidateArbitrary, tokenMutation, type RequestMutation } from '../../src/fuzz/cases.ts';
import type { BuiltRequest } from '../../src/steps/build.ts';
import { redirectUriMatches } from '../../providers/redirect-match.ts';

const form: BuiltRequest = { method: 'POST', url: 'http://x/t', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=SMS', secrets: [] };
const json: BuiltRequest = { ...form, headers: { 'Content-Type': 'application/json' }, body: '{"grant-type":"client_credentials"}' };

describe('mutateRequest', () => {
  it('drops, repeats and sets one form parameter', () => {
    expect(mutateRequest(form, { kind: 'drop', index: 1 }).body).toBe('grant_type=client_credentials');
    expect(mutateRequest(form, { kind: 'repeat', index: 0 }).body).toBe('grant_type=client_credentials&grant_type=client_credentials&scope=SMS');
    expect(mutateRequest(form, { kind: 'set', index: 1, value: 'a b&c' }).body).toBe('grant_type=client_credentials&scope=a+b%26c');
  });
  it('keeps repeated members in a JSON body', () => {
    expect(mutateRequest(json, { kind: 'repeat', index: 0 }).body).toBe('{"grant-type":"client_credentials","grant-type":"client_credentials"}');
  });
  it('leaves the input request untouched', () => {
    mutateRequest(form, { kind: 'content-type', value: 'text/plain' });
    expect(form.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
  });
  it('writes the same bodies when a chain reuses what it wrote as when every step parses its input afresh', () => {
    // Surrogate halves, repeated and integer-like names, '__proto__' and percent tricks: where a body's text and
    // the parameters it was written from could part ways.
    const unit = fc.constantFrom('a', ' ', '+', '&', '=', '%', '1', '\ud800', '\udc00', '\ud834\udd1e', 'é', '"', '{');
    const text = fc.oneof(fc.string({ unit, maxLength: 6 }), fc.constantFrom('__proto__', '0', '10', 'grant_type'));
    const mutation: fc.Arbitrary<RequestMutation> = fc.oneof(
      fc.record({ kind: fc.constantFrom('drop' as const, 'repeat' as const), index: fc.nat(4) }),
      fc.record({ kind: fc.constant('set' as const), index: fc.nat(4), value: text }),
      fc.record({ kind: fc.constant('add' as const), name: text, value: text }),
      fc.record({ kind: fc.constant('content-type' as const), value: fc.constant('text/plain') }),
      fc.record({ kind: fc.constant('raw-body' as const), value: fc.oneof(text, fc.constant('{"a":"1","a":"2","0":"x"}')) }),
    );
    fc.assert(fc.property(fc.constantFrom(form, json), fc.array(mutation, { minLength: 1, maxLength: 6 }), (start, ms) => {
      let chained = start;
      let fresh = start;
      for (const m of ms) {
        chained = mutateRequest(chained, m);
        fresh = mutateRequest({ ...fresh }, m); // a copy: nothing is known about how its body was written
        // vitest's matchers only when a cheap comparison differs (they cost more than the mutation itself, 3000 times
        // over): isDeepStrictEqual is stricter than toEqual, so this passes and fails exactly where the matchers do.
        if (chained.body !== fresh.body || !isDeepStrictEqual(chained.headers, fresh.headers)) {
          expect(chained.body).toBe(fresh.body);
          expect(chained.headers).toEqual(fresh.headers);
        }
      }
    }), { seed: 7, numRuns: 3000 });
  });
});

describe('mutateToken', () => {
  it('never returns the original token for a real mutation, and never touches a segment\'s last character by a flip', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{4,40}(\.[A-Za-z0-9_-]{4,40}){0,2}$/), tokenMutation, (tok, m) => {
      const out = mutateToken(tok, m);
      if (m.kind === 'keep') return out === tok;
      if (m.kind === 'case' && !/[a-z]/i.test(tok)) return true;
      if (m.kind === 'flip') {
        const a = tok.split('.');
        const b = out.split('.');
        return out !== tok && a.length === b.length && a.every((s, i) => s.at(-1) === b[i]!.at(-1));
      }
      return out !== tok;
    }), { seed: 1, numRuns: 500 });
  });
  it('flips one character of one JWS segment', () => {
    const jws = 'aaaa.bbbb.cccc';
    const out = flipJwsSegment(jws, 1, 0, 0);
    expect(out.split('.')[0]).toBe('aaaa');
    expect(out.split('.')[1]).not.toBe('bbbb');
    expect(out.split('.')[1]!.at(-1)).toBe('b');
  });
});

describe('redirectCandidateArbitrary', () => {
  it('produces true extensions that AT&T\'s rule accepts and near misses that the exact rule rejects', () => {
    const reg = 'https://yourdomain.com/abc';
    const seen = new Map<string, boolean[]>();
    for (const c of fc.sample(redirectCandidateArbitrary(reg), { seed: 5, numRuns: 600 })) {
      const list = seen.get(c.how) ?? [];
      list.push(redirectUriMatches('extension', reg, c.uri));
      seen.set(c.how, list);
      if (c.how !== 'registered') expect(redirectUriMatches('exact', reg, c.uri), `${c.how}: ${c.uri}`).toBe(c.how === 'trailing ?' && c.uri === reg);
    }
    expect(seen.get('path extension')!.every(Boolean)).toBe(true);
    for (const how of ['segment boundary', 'host suffix', 'other port', 'other scheme', 'userinfo', 'dot-segments', 'fragment']) {
      expect(seen.get(how)!.some(Boolean), how).toBe(false);
    }
  });
});
