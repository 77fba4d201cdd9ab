/**
 * Renders pages in one headless Chromium, as `chromium --headless --virtual-time-budget=<ms> --dump-dom <url>` does
 * for one page: each page loads in a fresh tab, its scripts run for `budgetMs` of virtual time (the clock jumps when
 * the page is idle: no waiting in real time), then its DOM is read. One browser start for several pages instead of
 * one per page (a start is about 2.5 s of CPU here). The browser is driven over its DevTools pipe: NUL-terminated
 * JSON messages on file descriptors 3 (to Chromium) and 4 (from Chromium).
 * @see https://chromedevtools.github.io/devtools-protocol/tot/Emulation/#method-setVirtualTimePolicy
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

interface CdpMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** The outerHTML of each of `urls` after `budgetMs` of virtual time, in order. */
export async function renderPages(chromium: string, urls: string[], budgetMs = 5000, timeoutMs = 90_000): Promise<string[]> {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--remote-debugging-pipe', 'about:blank'];
  const proc = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  proc.stderr!.resume();
  const toBrowser = proc.stdio[3] as Writable;
  const fromBrowser = proc.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (m: CdpMessage) => void; reject: (e: Error) => void }>();
  const waiters: Array<{ method: string; sessionId: string; resolve: () => void; reject: (e: Error) => void }> = [];
  let nextId = 1;
  // Chunks of the message being received: a page's DOM arrives in many chunks, and joining them only at its NUL
  // keeps the reading linear (appending to one string and searching it from the start was quadratic: ~0.9 s of CPU).
  let chunks: Buffer[] = [];
  let stopped: Error | undefined;
  const stop = (e: Error) => {
    stopped ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    for (const w of waiters.splice(0)) w.reject(e);
  };
  const exited = new Promise<void>((resolve) => proc.on('exit', (code, signal) => {
    stop(new Error(`chromium exited (${signal ?? code}) before the pages were read`));
    resolve();
  }));
  proc.on('error', (e) => stop(e));
  fromBrowser.on('data', (chunk: Buffer) => {
    let end: number;
    while ((end = chunk.indexOf(0)) >= 0) {
      chunks.push(chunk.subarray(0, end));
      const m = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CdpMessage;
      chunks = [];
      chunk = chunk.subarray(end + 1);
      if (m.id !== undefined) {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error) p?.reject(new Error(`chromium: ${m.error.message}`));
        else p?.resolve(m);
      } else {
        const i = waiters.findIndex((w) => w.method === m.method && w.sessionId === m.sessionId);
        if (i >= 0) waiters.splice(i, 1)[0]!.resolve();
      }
    }
    if (chunk.length) chunks.push(chunk);
  });
  /** Sends one DevTools command and resolves with its result. */
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: (m) => resolve(m.result ?? {}), reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  };
  /** Resolves at the next event `method` of session `sessionId`. */
  const next = (method: string, sessionId: string) => new Promise<void>((resolve, reject) => {
    if (stopped) reject(stopped);
    else waiters.push({ method, sessionId, resolve, reject });
  });

  /** One page in a fresh tab: virtual time paused, navigate, then `budgetMs` of virtual time, then its DOM. */
  const render = async (url: string): Promise<string> => {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await send('Page.enable', {}, sessionId);
    await send('Emulation.setVirtualTimePolicy', { policy: 'pause' }, sessionId);
    await send('Page.navigate', { url }, sessionId);
    const expired = next('Emulation.virtualTimeBudgetExpired', sessionId);
    await send('Emulation.setVirtualTimePolicy', { policy: 'pauseIfNetworkFetchesPending', budget: budgetMs }, sessionId);
    await expired;
    const { result } = (await send('Runtime.evaluate', { expression: 'document.documentElement.outerHTML', returnByValue: true }, sessionId)) as { result: { value: string } };
    await send('Target.closeTarget', { targetId });
    return result.value;
  };

  const timer = setTimeout(() => stop(new Error(`chromium: no pages after ${timeoutMs} ms`)), timeoutMs);
  try {
    const pages: string[] = [];
    for (const url of urls) pages.push(await render(url));
    return pages;
  } finally {
    clearTimeout(timer);
    // Browser.close lets Chromium end its own child processes; a kill is the fallback when it cannot answer.
    const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await send('Browser.close').catch(() => proc.kill());
    await exited;
    clearTimeout(force);
  }
}
