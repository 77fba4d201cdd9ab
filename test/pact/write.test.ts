/**
 * The retry of Pact's receipt race (pact-js issue 1835) applies to that one mismatch only: a request Pact did not
 * match, or a second mismatch beside it, still fails the contract at once.
 */
import { describe, expect, it } from 'vitest';
import { isReceiptRace } from '../../src/pact/write.ts';

const NOT_RECEIVED = `\t0) The following request was expected but not received: \n\t    Method: GET\n\t    Path: /location/v1/probe\n`;
const UNEXPECTED = `\t1) The following request was incorrect: \n\t    POST /oauth2/v2/tokens\n\t         1) $.body.grant_type Expected 'client_credentials' but received 'password'\n`;
const failure = (...parts: string[]) => new Error(`Test failed for the following reasons:\n\n  Mock server failed with the following mismatches:\n\n${parts.join('\n')}`);

describe('isReceiptRace', () => {
  it('is the lone "expected but not received" mismatch', () => {
    expect(isReceiptRace(failure(NOT_RECEIVED))).toBe(true);
  });
  it('is not a request Pact answered as incorrect', () => {
    expect(isReceiptRace(failure(UNEXPECTED.replace('\t1)', '\t0)')))).toBe(false);
  });
  it('is not "expected but not received" beside another mismatch', () => {
    expect(isReceiptRace(failure(NOT_RECEIVED, UNEXPECTED))).toBe(false);
  });
  it('is not some other error', () => {
    expect(isReceiptRace(new Error('connect ECONNREFUSED 127.0.0.1:1234'))).toBe(false);
  });
});
