/**
 * Mock throughput against its limit (issue 10): `oauthgate mock` (its own process) under autocannon -c 50 next to
 * a bare node:http server (its own process) that answers every request with the very bytes the mock sent once
 * (status, headers, body), for the token endpoint and for the resource endpoint, each side for `seconds` in four
 * blocks in ABBA order. Reports each side's requests/s and the CPU seconds its server process used (utime + stime),
 * since the machine is shared.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startMockProcess } from './mock-process.ts';
import autocannon, { type Options as LoadOptions } from 'autocannon';

export interface EndpointRatio {
  name: string;
  harnessPerSec: number;
  baselinePerSec: number;
  ratio: number;
  target: number;
  harnessCpuSeconds: number;
  baselineCpuSeconds: number;
  /** Requests served per CPU second of the server, mock over bare: the ratio a busy shared machine distorts least. */
  perCpuSecondRatio: number;
  seconds: number;
}

/** utime + stime of `pid` in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function waitFor(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = pattern.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

interface Captured { status: number; headers: Record<string, string>; body: string }

async function capture(url: string, init: RequestInit): Promise<Captured> {
  const r = await fetch(url, init);
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    if (!['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)) headers[k] = v;
  });
  return { status: r.status, headers, body: await r.text() };
}

/** A bare node:http server sending `c` to every request, as its own process. */
async function bareServer(c: Captured): Promise<{ url: string; child: ChildProcess }> {
  const code = `const http = require('node:http'); const c = ${JSON.stringify(c)}; const body = Buffer.from(c.body);
http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(c.status, { ...c.headers, 'content-length': body.length }); res.end(body); }); })
  .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  return { url: await waitFor(child, /listening on (http:\/\/\S+)/), child };
}

async function load(pid: number, opts: LoadOptions): Promise<{ rps: number; cpu: number }> {
  const c0 = cpuSeconds(pid);
  const r = await autocannon({ connections: 50, ...opts });
  if (r.non2xx || r.errors) throw new Error(`${opts.url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { rps: r.requests.average, cpu: cpuSeconds(pid) - c0 };
}

export async function mockRatios(seconds = 5, specId = 'mobile-digital'): Promise<EndpointRatio[]> {
  const { child: mock, url: base, creds } = await startMockProcess(specId);
  const children: ChildProcess[] = [mock];
  try {
    const tokenReq = {
      url: `${base}/prod/oauth2/token`,
      method: 'POST' as const,
      headers: { authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=write',
    };
    const tokenAnswer = await capture(tokenReq.url, tokenReq);
    const accessToken = (JSON.parse(tokenAnswer.body) as { access_token: string }).access_token;
    const resourceReq = {
      url: `${base}/prod/sendSMS`,
      method: 'POST' as const,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: '{"recipient":"+61400000000","message":"oauthgate probe"}',
    };
    const resourceAnswer = await capture(resourceReq.url, resourceReq);
    const out: EndpointRatio[] = [];
    for (const [name, req, answer] of [['mock token endpoint', tokenReq, tokenAnswer], ['mock resource endpoint', resourceReq, resourceAnswer]] as const) {
      const bare = await bareServer(answer);
      children.push(bare.child);
      const path = new URL(req.url).pathname;
      const onBare = () => load(bare.child.pid!, { ...req, url: `${bare.url}${path}`, duration: seconds / 4 });
      const onMock = () => load(mock.pid!, { ...req, duration: seconds / 4 });
      await load(bare.child.pid!, { ...req, url: `${bare.url}${path}`, duration: 1 }); // warm-up
      await load(mock.pid!, { ...req, duration: 1 });
      // Four blocks a side in ABBA order (mock, bare, bare, mock, then the reverse), so drift in the machine's speed
      // falls on both sides alike; each side's rate is its mean over its blocks.
      const blocks: Array<{ rps: number; cpu: number }[]> = [[], []];
      for (const order of [[0, 1, 1, 0], [1, 0, 0, 1]]) for (const side of order) blocks[side]!.push(await (side === 0 ? onMock() : onBare()));
      const mean = (xs: Array<{ rps: number; cpu: number }>) => ({ rps: xs.reduce((a, x) => a + x.rps, 0) / xs.length, cpu: xs.reduce((a, x) => a + x.cpu, 0) });
      const m = mean(blocks[0]!);
      const b = mean(blocks[1]!);
      bare.child.kill('SIGTERM');
      out.push({ name: `${name} (${specId}) / bare node:http, same bytes`, harnessPerSec: Math.round(m.rps), baselinePerSec: Math.round(b.rps), ratio: Math.round((m.rps / b.rps) * 100) / 100, target: 0.5, harnessCpuSeconds: Math.round(m.cpu * 100) / 100, baselineCpuSeconds: Math.round(b.cpu * 100) / 100, perCpuSecondRatio: Math.round(((m.rps / m.cpu) / (b.rps / b.cpu)) * 100) / 100, seconds });
    }
    return out;
  } finally {
    for (const c of children) c.kill('SIGTERM');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await mockRatios(Number(process.argv[2] ?? 5)));
