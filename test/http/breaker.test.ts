import { describe, expect, it } from 'vitest';
import { BreakerClient, type Sender } from '../../src/http/breaker.ts';
import type { HttpExchange, HttpRequest } from '../../src/http/types.ts';

function fake(outcomes: Array<'timeout' | number>): Sender & { sent: number } {
  const s = {
    sent: 0,
    async send(req: HttpRequest): Promise<HttpExchange> {
      const o = outcomes[Math.min(s.sent++, outcomes.length - 1)]!;
      return o === 'timeout'
        ? { request: req, headers: {}, bodyText: '', durationMs: 300, failure: { code: 'timeout', message: 'no response within 300 ms' } }
        : { request: req, status: o, headers: {}, bodyText: '', durationMs: 1 };
    },
    close: async () => {},
  };
  return s;
}
const req = (url = 'http://127.0.0.1:1/token') => ({ method: 'POST', url });

describe('BreakerClient', () => {
  it('after two transport failures fails fast with the reason, without sending', async () => {
    const inner = fake(['timeout']);
    const b = new BreakerClient(inner, 2);
    await b.send(req());
    await b.send(req());
    const third = await b.send(req());
    expect(inner.sent).toBe(2);
    expect(third.failure).toEqual({ code: 'timeout', message: expect.stringMatching(/^not sent: the previous 2 requests to http:\/\/127\.0\.0\.1:1 failed .*no response within 300 ms/) });
  });

  it('any HTTP response, even an error status, resets the count', async () => {
    const inner = fake(['timeout', 500, 'timeout', 200]);
    const b = new BreakerClient(inner, 2);
    for (let i = 0; i < 4; i++) await b.send(req());
    expect(inner.sent).toBe(4);
  });

  it('keeps origins apart', async () => {
    const inner = fake(['timeout', 'timeout', 200]);
    const b = new BreakerClient(inner, 2);
    await b.send(req());
    await b.send(req());
    const other = await b.send(req('http://127.0.0.1:2/token'));
    expect(other.status).toBe(200);
  });

  it('wouldSend says whether a request to an origin would be sent', async () => {
    const b = new BreakerClient(fake(['timeout']), 2);
    expect(b.wouldSend('http://127.0.0.1:1/token')).toBe(true);
    await b.send(req());
    expect(b.wouldSend('http://127.0.0.1:1/other')).toBe(true);
    await b.send(req());
    expect(b.wouldSend('http://127.0.0.1:1/other')).toBe(false);
    expect(b.wouldSend('http://127.0.0.1:2/token')).toBe(true);
  });
});
