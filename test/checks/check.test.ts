// The check model's helpers (src/checks/check.ts), which every check builds its verdict and message with: the
// client-error predicate (RFC 9110 §15.5), the outcome factories and the renderers of observed values.
import { describe, expect, it } from 'vitest';
import { bodyObject, CheckAbort, defineCheck, fail, isClientError, notApplicable, pass, show, skipped, typeName } from '../../src/checks/check.ts';

describe('isClientError (RFC 9110 §15.5: 4xx)', () => {
  it('is true from 400 to 499 and false just outside', () => {
    expect([400, 401, 499].map(isClientError)).toEqual([true, true, true]);
    expect([399, 500, 200, 302].map(isClientError)).toEqual([false, false, false, false]);
  });

  it('is false for an absent status (no response)', () => {
    expect(isClientError(undefined)).toBe(false);
  });
});

describe('outcome factories', () => {
  it('pass carries a note only when there is one', () => {
    expect(pass()).toEqual({ status: 'passed' });
    expect(pass('')).toEqual({ status: 'passed' });
    expect(pass('checked 3 cases')).toEqual({ status: 'passed', note: 'checked 3 cases' });
  });

  it('fail names field, expectation, requirement and observation', () => {
    expect(fail('"expires_in" in token response', 'a number', 'the string "3599"', 'RFC 6749 §5.1')).toEqual({
      status: 'failed',
      field: '"expires_in" in token response',
      expected: 'a number',
      observed: 'the string "3599"',
      reason: '"expires_in" in token response: expected a number (RFC 6749 §5.1), observed the string "3599"',
    });
    expect(fail('status', '401', '200')).toMatchObject({ reason: 'status: expected 401, observed 200' });
  });

  it('notApplicable and skipped carry their reason', () => {
    expect(notApplicable('no refresh token')).toEqual({ status: 'not_applicable', reason: 'no refresh token' });
    expect(skipped('prerequisite failed')).toEqual({ status: 'skipped', reason: 'prerequisite failed' });
  });

  it('CheckAbort carries its outcome, with the reason as the message', () => {
    const abort = new CheckAbort(skipped('budget spent'));
    expect(abort.outcome).toEqual({ status: 'skipped', reason: 'budget spent' });
    expect(abort.message).toBe('budget spent');
    expect(new CheckAbort(pass('x')).message).toBe('passed');
  });

  it('defineCheck returns the check itself, frozen', () => {
    const check = { id: 'a.b', title: 'A b.', requirement: 'RFC 6749 §5.1', evaluate: () => pass() };
    const defined = defineCheck(check);
    expect(defined).toBe(check);
    expect(Object.isFrozen(defined)).toBe(true);
  });
});

describe('show (values in messages)', () => {
  it('quotes strings, names absence, prints scalars and JSON', () => {
    expect(show('a"b')).toBe('"a\\"b"');
    expect(show(undefined)).toBe('(absent)');
    expect(show(3599)).toBe('3599');
    expect(show(false)).toBe('false');
    expect(show(null)).toBe('null');
    expect(show({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
  });

  it('prints a number that JSON cannot carry as itself, not as null', () => {
    expect(show(Number.NaN)).toBe('NaN');
    expect(show(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('falls back to text for what JSON cannot render, and never cuts', () => {
    expect(show(10n)).toBe('10');
    expect(show(Symbol('s'))).toBe('Symbol(s)');
    expect(show('x'.repeat(500))).toBe(`"${'x'.repeat(500)}"`);
  });
});

describe('bodyObject', () => {
  it('returns a JSON object body and nothing else', () => {
    expect(bodyObject({ json: { a: 1 } })).toEqual({ a: 1 });
    for (const json of [undefined, null, [1], 'text', 0, 7, true]) expect(bodyObject({ json }), String(json)).toBeUndefined();
  });
});

describe('typeName', () => {
  it('names each JSON type with its value', () => {
    expect(typeName(null)).toBe('null');
    expect(typeName([1])).toBe('an array');
    expect(typeName('3599')).toBe('the string "3599"');
    expect(typeName(3599)).toBe('the number 3599');
    expect(typeName(true)).toBe('boolean true');
    expect(typeName({ a: 1 })).toBe('object {"a":1}');
  });
});
