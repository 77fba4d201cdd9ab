/** The one rejection rule: conforming and violating inputs differ in one property each. */
import { describe, expect, it } from 'vitest';
import { RFC_ERROR_CODES, RFC_STATUSES, judgeRejection, rejectedAsDocumented } from '../../src/checks/rejection.ts';
import { loadSpec } from '../../src/spec/load.ts';
import type { ProviderSpec } from '../../src/spec/schema.ts';
import { exchange, expectFailure, transportFailure } from '../support/exchange.ts';

const att = loadSpec('att').spec;
const documented: ProviderSpec = { ...att, errors: { ...att.errors, cases: { ...att.errors.cases, invalid_grant: { status: 400, error: 'invalid_grant', standard: 'RFC 6749 §5.2' } } } };
const undocumented: ProviderSpec = { ...att, errors: { ...att.errors, cases: {} } };

describe('judgeRejection, documented case (400 invalid_grant)', () => {
  const judge = (ex: ReturnType<typeof exchange>) => judgeRejection(ex, documented, 'invalid_grant', 'refresh');
  it('passes the documented status and code', () => expect(judge(exchange(400, { error: 'invalid_grant' })).status).toBe('passed'));
  it('fails another 4xx status with the same code', () => expectFailure(judge(exchange(401, { error: 'invalid_grant' })), /HTTP 400/, /HTTP 401/));
  it('fails the documented status with another code', () => expectFailure(judge(exchange(400, { error: 'invalid_request' })), /invalid_grant/, /invalid_request/));
  it('fails the documented status and code when a token is issued as well', () =>
    expectFailure(judge(exchange(400, { error: 'invalid_grant', access_token: 'x' })), /no access_token/, /access_token/));
  it('fails when no response came', () => expectFailure(judge(transportFailure()), /HTTP 400/, /no response/));
});

describe('judgeRejection, undocumented case (RFC 6749 §5.2 decides)', () => {
  const judge = (ex: ReturnType<typeof exchange>, name: 'invalid_grant' | 'unsupported_grant_type' = 'invalid_grant') => judgeRejection(ex, undocumented, name, 'refresh');
  it('passes 400 with an allowed code', () => expect(judge(exchange(400, { error: 'invalid_grant' })).status).toBe('passed'));
  it('fails another 4xx with an allowed code (RFC 6749 §5.2: 400 unless specified otherwise)', () => expectFailure(judge(exchange(403, { error: 'invalid_grant' })), /HTTP 400/, /HTTP 403/));
  it('accepts 401 for invalid_client, which §5.2 allows', () => expect(judgeRejection(exchange(401, { error: 'invalid_client' }), undocumented, 'wrong_secret', 'x').status).toBe('passed'));
  it('fails a 500 with an allowed code (a server failure is no rejection)', () => expectFailure(judge(exchange(500, { error: 'invalid_grant' })), /HTTP 400/, /HTTP 500/));
  it('fails a 200 with an allowed code', () => expectFailure(judge(exchange(200, { error: 'invalid_grant' })), /HTTP 400/, /HTTP 200/));
  it('fails a 4xx with a code the RFC does not give for the case', () => expectFailure(judge(exchange(400, { error: 'invalid_scope' })), /invalid_grant/, /invalid_scope/));
  it('accepts unauthorized_client for a grant the client may not use (§5.2)', () =>
    expect(judge(exchange(400, { error: 'unauthorized_client' }), 'unsupported_grant_type').status).toBe('passed'));
  it('accepts a 4xx without a JSON body (the body format is error.body-is-rfc6749-json\'s concern)', () =>
    expect(judge(exchange(400, 'Bad Request', { 'content-type': 'text/plain' })).status).toBe('passed'));
});

describe('RFC 6749 §5.2 codes per case', () => {
  for (const [name, codes] of Object.entries(RFC_ERROR_CODES) as Array<[keyof typeof RFC_ERROR_CODES, readonly string[]]>) {
    const status = RFC_STATUSES[name][0]!;
    it(`${name}: passes ${status} with "${codes[0]}" and fails the same ${status} with a code no case uses`, () => {
      expect(judgeRejection(exchange(status, { error: codes[0] }), undocumented, name, 'x').status).toBe('passed');
      expectFailure(judgeRejection(exchange(status, { error: 'oauthgate_bogus' }), undocumented, name, 'x'), new RegExp(codes[0]!), /oauthgate_bogus/);
    });
  }
  it('a documented case with a non-JSON body fails on the code, without crashing', () =>
    expectFailure(judgeRejection(exchange(400, 'nope', { 'content-type': 'text/plain' }), documented, 'invalid_grant', 'x'), /invalid_grant/, /non-JSON body "nope"/));
});

describe('rejectedAsDocumented', () => {
  it('is a check object named after the case', () => {
    const c = rejectedAsDocumented('unknown_client', 'An unknown client is rejected');
    expect(c.id).toBe('error.unknown-client');
    expect(c.evaluate(exchange(401, { error: 'invalid_client' }), att).status).toBe('passed');
    expect(c.evaluate(exchange(200, { access_token: 'x' }), att).status).toBe('failed');
  });
});
