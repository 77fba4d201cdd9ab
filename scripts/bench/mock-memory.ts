/**
 * The mock's memory under load (issue 9 item 11, issue 10 item 5): a standalone `oauthgate mock` process (its memory
 * is the mock's alone) under autocannon for `seconds`, every request issuing a new token. Its clock moves by one
 * access-token lifetime every `clockStep` seconds — what hours of real use do to a long-running mock — so issued
 * tokens expire and are evicted; the per-store cap bounds memory even when the clock stands still (`clockStep` 0).
 *
 * RSS alone cannot show a leak: V8 grows its heap under load and gives memory back lazily. So the mock runs with
 * `--expose-gc` and once per clock step, just before the clock moves (when the stores are fullest: 9, 19, ... s),
 * `GET /__oauthgate/stats` collects garbage and reports the heap that is retained, with the store sizes. Flat
 * means: from the first of those samples to the last, the retained heap grows by less than
 * {@link FLAT_TOLERANCE_MB}, and no store exceeds its cap. (Samples at 0 s and after the load are shown too.)
 */
import { readFileSync } from 'node:fs';
import { startMockProcess } from './mock-process.ts';
import autocannon from 'autocannon';
import { DEFAULT_MAX_STORE_ENTRIES } from '../../providers/mock-server.ts';

/** Growth of the retained heap, warm-up sample to last, that still counts as flat. */
export const FLAT_TOLERANCE_MB = 8;
const LIFETIME = 3600; // mobile-digital's access-token lifetime (specs/mobile-digital.yaml)

export interface MemorySample {
  atSecond: number;
  heapAfterGcMb: number;
  rssMb: number;
  accessTokens: number;
  refreshTokens: number;
}

export interface MockMemory {
  seconds: number;
  clockStepSeconds: number;
  requests: number;
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
  rssMb: { before: number; first10sAvg: number; last10sAvg: number; peak: number; after: number };
  samples: MemorySample[];
  heapGrowthMb: number;
  maxAccessTokens: number;
  flat: boolean;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function mockMemory(seconds = 60, clockStep = 10): Promise<MockMemory> {
  const statsEvery = clockStep > 0 ? clockStep : 10;
  const { child, url, creds } = await startMockProcess('mobile-digital', ['--expose-gc']);
  try {
    const rssMb = () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
    };
    const stats = async (atSecond: number): Promise<MemorySample> => {
      const r = (await (await fetch(`${url}/__oauthgate/stats`)).json()) as {
        stores: { accessTokens: number; refreshTokens: number }; memory: { heapUsedBytes: number; rssBytes: number; afterGc: boolean };
      };
      if (!r.memory.afterGc) throw new Error('the mock did not collect garbage: node must run it with --expose-gc');
      return { atSecond, heapAfterGcMb: mb(r.memory.heapUsedBytes), rssMb: mb(r.memory.rssBytes), accessTokens: r.stores.accessTokens, refreshTokens: r.stores.refreshTokens };
    };
    const before = rssMb();
    const samples: MemorySample[] = [await stats(0)];
    const rss: number[] = [];
    let second = 0;
    const pending: Promise<unknown>[] = [];
    const timer = setInterval(() => {
      second += 1;
      rss.push(rssMb());
      if (clockStep > 0 && second % clockStep === 0) {
        pending.push(fetch(`${url}/__oauthgate/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: LIFETIME }) }).catch(() => {}));
      }
      // Sampled just before the clock moves (at 9, 19, ... s with a 10 s step), when the stores are fullest.
      if ((second + 1) % statsEvery === 0 && second < seconds) pending.push(stats(second).then((s) => samples.push(s)));
    }, 1000);
    const result = await autocannon({
      url: `${url}/prod/oauth2/token`,
      method: 'POST',
      connections: 50,
      duration: seconds,
      headers: { authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=write',
    });
    clearInterval(timer);
    await Promise.all(pending);
    samples.push(await stats(seconds));
    const after = rssMb();
    const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    samples.sort((a, b) => a.atSecond - b.atSecond);
    const full = samples.filter((s) => s.atSecond > 0 && s.atSecond < seconds);
    const heapGrowthMb = full.length >= 2 ? Math.round((full.at(-1)!.heapAfterGcMb - full[0]!.heapAfterGcMb) * 10) / 10 : Number.NaN;
    const maxAccessTokens = Math.max(...samples.map((s) => s.accessTokens));
    return {
      seconds,
      clockStepSeconds: clockStep,
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      non2xx: result.non2xx,
      errors: result.errors,
      rssMb: { before, first10sAvg: avg(rss.slice(0, 10)), last10sAvg: avg(rss.slice(-10)), peak: Math.max(...rss), after },
      samples,
      heapGrowthMb,
      maxAccessTokens,
      flat: heapGrowthMb < FLAT_TOLERANCE_MB && maxAccessTokens <= DEFAULT_MAX_STORE_ENTRIES, // NaN (under two samples) is not flat
    };
  } finally {
    child.kill('SIGTERM');
  }
}

/** Plain words for the bench's output. */
export function describeMockMemory(m: MockMemory): string[] {
  const series = m.samples.map((s) => `${s.atSecond}s ${s.heapAfterGcMb} MB/${s.accessTokens} tokens`).join(', ');
  return [
    `load: ${m.seconds} s of token requests against \`oauthgate mock --spec mobile-digital\` (autocannon -c 50, ${m.clockStepSeconds > 0 ? `clock +${LIFETIME} s every ${m.clockStepSeconds} s` : 'clock still'})`,
    `  ${m.requests} requests, ${m.requestsPerSecond} req/s average (a full GC every sampling), non-2xx ${m.non2xx}, errors ${m.errors}`,
    `  mock RSS: before ${m.rssMb.before} MB, first 10 s avg ${m.rssMb.first10sAvg} MB, last 10 s avg ${m.rssMb.last10sAvg} MB, peak ${m.rssMb.peak} MB, after ${m.rssMb.after} MB`,
    `  retained heap after a full GC (and live access tokens): ${series}`,
    `  retained heap, first to last sample under load: ${m.heapGrowthMb >= 0 ? '+' : ''}${m.heapGrowthMb} MB (flat: < ${FLAT_TOLERANCE_MB} MB) -> ${m.flat ? 'flat' : 'NOT flat'}`,
  ];
}
