/**
 * Property: whatever arrives at a mock's token endpoint, it answers with JSON — a token or an RFC 6749 error —
 * and never a 5xx or a dropped connection. A mock that crashes on odd input would make suites lie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HttpClient } from '../../src/http/client.ts';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';

const http = new HttpClient({ timeoutMs: 5000 });
const mocks: MockServer[] = [];
beforeAll(async () => {
  for (const id of ['att', 'tmobile-apis-v6', 'mobile-digital', 'tangoe', 'rfc6749']) mocks.push(await startMockServer({ spec: loadSpec(id).spec }));
});
afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
  await http.close();
});

const field = fc.constantFrom('grant_type', 'grant-type', 'client_id', 'client_secret', 'scope', 'code', 'refresh_token', 'username', 'password', 'redirect_uri', 'x');
const value = fc.oneof(fc.string(), fc.constantFrom('client_credentials', 'authorization_code', 'refresh_token', 'password', 'read,write', 'SMS', ''));

describe('mock token endpoints never fail on arbitrary requests', () => {
  it('answers every form, JSON or garbage body with a JSON 200 or 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: mocks.length - 1 }),
        fc.dictionary(field, value),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', ''),
        fc.oneof(fc.constant<'form' | 'json' | 'raw'>('form'), fc.constant<'form' | 'json' | 'raw'>('json'), fc.constant<'form' | 'json' | 'raw'>('raw')),
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        async (i, fields, contentType, encoding, raw, authorization) => {
          const m = mocks[i]!;
          const body = encoding === 'form' ? new URLSearchParams(fields).toString() : encoding === 'json' ? JSON.stringify(fields) : raw;
          const headers: Record<string, string> = {};
          if (contentType) headers['Content-Type'] = contentType;
          if (authorization !== undefined && /^[\t\x20-\x7e]*$/.test(authorization)) headers.Authorization = authorization;
          const ex = await http.send({ method: 'POST', url: `${m.url}${m.spec.endpoints.token.path}`, headers, body });
          expect(ex.failure, ex.failure?.message).toBeUndefined();
          expect(ex.status! >= 200 && ex.status! < 500, `${ex.status} ${ex.bodyText}`).toBe(true);
          expect(ex.json, ex.bodyText).toBeTypeOf('object');
        },
      ),
      { numRuns: 300 },
    );
  });
});
