/**
 * The mock's body reader (providers/mock-server.ts `readBody`, stream events since issue 10): a body in several
 * chunks arrives whole, a body over 1 MiB ends the request (413 or a closed connection) without hanging the mock,
 * and the mock keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { loadSpec } from '../../src/spec/load.ts';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ spec: loadSpec('mobile-digital').spec });
});
afterAll(async () => {
  await mock.close();
});

/** Sends `chunks` as a chunked form body to the token endpoint; resolves with the status or the socket error code. */
function post(chunks: Buffer[]): Promise<number | string> {
  const c = mock.credentials;
  return new Promise((resolve) => {
    const req = request(`${mock.url}/prod/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('mock request bodies', () => {
  it('a form body sent in several chunks is read whole (the token is issued)', async () => {
    const body = 'grant_type=client_credentials&scope=write';
    expect(await post([Buffer.from(body.slice(0, 7)), Buffer.from(body.slice(7, 20)), Buffer.from(body.slice(20))])).toBe(200);
  });

  it('a body over 1 MiB is refused (413 or a closed connection, never a token) and the mock keeps serving', async () => {
    const big = Array.from({ length: 17 }, () => Buffer.alloc(64 * 1024, 'a'));
    const outcome = await post(big);
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(outcome);
    expect(await post([Buffer.from('grant_type=client_credentials&scope=write')])).toBe(200);
  });
});
