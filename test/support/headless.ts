/**
 * Renders a single-page app in one headless Chromium tab and reads its visible text once the page shows what the
 * caller expects: the first view is loaded by URL, each further view is a `#fragment` of the same document (a
 * same-document navigation: the app's router redraws, nothing is loaded again). A view is read as soon as
 * `document.body.innerText` holds every expected text, in real time, with a deadline: a page that never shows one
 * fails naming the missing texts and what the page showed instead, rather than hanging. The browser is driven over
 * its DevTools pipe: NUL-terminated JSON messages on file descriptors 3 (to Chromium) and 4 (from Chromium).
 * @see https://chromedevtools.github.io/devtools-protocol/tot/Page/#method-navigate
 * @see https://chromedevtools.github.io/devtools-protocol/tot/Runtime/#method-evaluate
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

/** A text a view must show: a substring, or a pattern of its whitespace-collapsed text. */
export type Expected = string | RegExp;

/** One view of the app: `fragment` (without `#`; undefined for the URL as given) and the texts it must show. */
export interface View {
  fragment?: string;
  expect: Expected[];
}

/** The visible text of a page with runs of whitespace (line breaks between blocks included) collapsed to one space. */
const collapse = (text: string) => text.replace(/\s+/g, ' ');

/** The expected texts `text` does not show. */
export function missingTexts(text: string, expected: Expected[]): Expected[] {
  return expected.filter((e) => (typeof e === 'string' ? !text.includes(e) : !e.test(text)));
}

/**
 * The page script that resolves with the visible text (whitespace collapsed) once it shows every expected text,
 * looking every 20 ms: `expected` travels as JSON (patterns as source and flags) and is matched as
 * {@link missingTexts} matches it.
 */
function untilShown(expected: Expected[]): string {
  const wanted = JSON.stringify(expected.map((e) => (typeof e === 'string' ? { text: e } : { source: e.source, flags: e.flags })));
  return `new Promise((resolve) => {
    const wanted = ${wanted}.map((w) => w.text !== undefined ? (t) => t.includes(w.text) : (t) => new RegExp(w.source, w.flags).test(t));
    const check = () => {
      const text = (document.body ? document.body.innerText : '').replace(/\\s+/g, ' ');
      if (wanted.every((shows) => shows(text))) resolve(text);
      else setTimeout(check, 20);
    };
    check();
  })`;
}

/**
 * The visible text (whitespace collapsed) of each view of the app at `url`, in order, in one tab of one browser.
 * Rejects when a view does not show its expected texts within `viewTimeoutMs` of real time, naming them.
 */
export async function renderViews(chromium: string, url: string, views: View[], viewTimeoutMs = 30_000): Promise<string[]> {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--remote-debugging-pipe', 'about:blank'];
  const proc = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  proc.stderr!.resume();
  const toBrowser = proc.stdio[3] as Writable;
  const fromBrowser = proc.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (m: CdpMessage) => void; reject: (e: Error) => void }>();
  const waiters: Array<{ method: string; sessionId: string; resolve: () => void; reject: (e: Error) => void }> = [];
  let nextId = 1;
  // Chunks of the message being received, joined only at its NUL (appending to one string and searching it from
  // the start each time is quadratic in a long message).
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
  /** The page's visible text now, whitespace collapsed ('' when it cannot be read). */
  const textNow = async (sessionId: string): Promise<string> => {
    const r = await send('Runtime.evaluate', { expression: 'document.body ? document.body.innerText : ""', returnByValue: true }, sessionId).catch(() => undefined);
    return collapse(String((r?.result as { value?: unknown } | undefined)?.value ?? ''));
  };

  /**
   * Opens `view` and waits until it shows every expected text; past the deadline (which covers loading too),
   * rejects naming what is missing and what the page showed.
   */
  const show = async (sessionId: string, view: View, first: boolean): Promise<string> => {
    const target = view.fragment === undefined ? url : `${url}#${view.fragment}`;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => void textNow(sessionId).then((text) => reject(new Error(
        `chromium: ${target} did not show ${missingTexts(text, view.expect).map((e) => (typeof e === 'string' ? JSON.stringify(e) : String(e))).join(', ')} within ${viewTimeoutMs} ms; it showed: ${JSON.stringify(text.slice(0, 500))}`,
      ))), viewTimeoutMs);
    });
    const open = async (): Promise<string> => {
      // The first view loads the document, whose scripts run once it is parsed. A fragment is a same-document
      // navigation of the loaded app: no new document, no load event.
      const parsed = first ? next('Page.domContentEventFired', sessionId) : undefined;
      parsed?.catch(() => {}); // awaited below unless the navigation fails first
      const { errorText } = (await send('Page.navigate', { url: target }, sessionId)) as { errorText?: string };
      if (errorText) throw new Error(`chromium: ${target} did not load: ${errorText}`);
      await parsed;
      const { result } = (await send('Runtime.evaluate', { expression: untilShown(view.expect), awaitPromise: true, returnByValue: true }, sessionId)) as { result: { value: string } };
      return result.value;
    };
    try {
      return await Promise.race([open(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    const { targetInfos } = (await send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string }> };
    // The tab Chromium opened with about:blank; a new one when there is none.
    const targetId = targetInfos.find((t) => t.type === 'page')?.targetId ?? ((await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string }).targetId;
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await send('Page.enable', {}, sessionId);
    const texts: string[] = [];
    for (const [i, view] of views.entries()) texts.push(await show(sessionId, view, i === 0));
    return texts;
  } finally {
    // Browser.close lets Chromium end its own child processes; a kill is the fallback when it cannot answer.
    const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await send('Browser.close').catch(() => proc.kill());
    await exited;
    clearTimeout(force);
  }
}
