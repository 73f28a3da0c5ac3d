import { Writable } from 'node:stream';
import { type Logger, pino } from 'pino';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach } from 'vitest';

/**
 * What the pages and the server did lately, printed only when a browser test fails. A wait that
 * times out under CI's load says only what it waited for; this says what happened instead:
 * each page's console, errors, failed requests and socket frames, and the server's warnings and
 * request log, on one clock. Kept in bounded rings, so a long test costs little memory.
 */
const LINES_PER_SOURCE = 150;
const FRAME_TEXT = 160;

const started = Date.now();
const sources = new Map<string, string[]>();
let pages = 0;

function note(source: string, line: string): void {
  let lines = sources.get(source);
  if (!lines) sources.set(source, (lines = []));
  lines.push(`${((Date.now() - started) / 1000).toFixed(3)} ${line}`);
  if (lines.length > LINES_PER_SOURCE) lines.shift();
}

const short = (text: string) => (text.length > FRAME_TEXT ? `${text.slice(0, FRAME_TEXT)}…` : text);

/** Records what `page` does from now on (every page of `context`, too, when given). */
function tracePage(page: Page): void {
  const name = `page ${++pages}`;
  note(name, `opened`);
  page.on('console', (message) => note(name, `console.${message.type()} ${short(message.text())}`));
  page.on('pageerror', (error) => note(name, `pageerror ${short(String(error))}`));
  page.on('framenavigated', (frame) => frame === page.mainFrame() && note(name, `navigated ${frame.url()}`));
  page.on('requestfailed', (request) =>
    note(name, `request failed ${request.method()} ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => {
    const url = response.url();
    if (url.includes('/api/')) note(name, `${response.request().method()} ${new URL(url).pathname} → ${response.status()}`);
  });
  page.on('websocket', (socket) => {
    note(name, `ws open ${new URL(socket.url()).pathname}`);
    socket.on('framesent', ({ payload }) => note(name, `ws → ${short(String(payload))}`));
    socket.on('framereceived', ({ payload }) => note(name, `ws ← ${short(String(payload))}`));
    socket.on('socketerror', (error) => note(name, `ws error ${error}`));
    socket.on('close', () => note(name, 'ws closed'));
  });
  page.on('close', () => note(name, 'closed'));
}

/**
 * Enter and Escape as the page saw them, into the trace (console.debug): where focus was when the
 * key went down (capture, before the app) and whether a handler took it (bubbled to the window,
 * after React's). A key a test pressed that the app ignored then says which.
 */
const KEYS_SCRIPT = `(() => {
  const what = (e) => e && e.nodeType === 1 ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.getAttribute('aria-label') ? '[' + e.getAttribute('aria-label') + ']' : '') : String(e);
  const watched = (e) => e.key === 'Enter' || e.key === 'Escape';
  document.addEventListener('keydown', (e) => { if (watched(e)) console.debug('key ' + e.key + ' down at ' + what(e.target) + ', focus ' + what(document.activeElement)); }, true);
  window.addEventListener('keydown', (e) => { if (watched(e)) console.debug('key ' + e.key + (e.defaultPrevented ? ' taken by the app' : ' not taken')); });
})();`;

/** Traces every page `context` opens after this call (a second tab), and the keys they see. */
export async function traceContext(context: BrowserContext): Promise<void> {
  context.on('page', (page) => tracePage(page));
  await context.addInitScript(KEYS_SCRIPT);
}

/** A logger for a test server: info and above kept in the ring, printed with the pages' lines on a failure. */
export function tracedServerLogger(): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        try {
          const { level, msg, req, res, responseTime, err } = JSON.parse(line) as Record<string, any>;
          const request = req ? `${req.method} ${req.url}` : '';
          const status = res ? ` → ${res.statusCode} in ${Math.round(responseTime ?? 0)} ms` : '';
          note('server', `${level} ${msg ?? ''} ${request}${status}${err ? ` ${short(String(err.message))}` : ''}`.trim());
        } catch {
          note('server', short(line));
        }
      }
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}

afterEach((context) => {
  const failed = context.task.result?.state === 'fail';
  if (failed && sources.size > 0) {
    const report = [...sources].map(([source, lines]) => `── ${source} (last ${lines.length}) ──\n${lines.join('\n')}`).join('\n');
    // eslint-disable-next-line no-console -- read only when a test failed: why its wait ran out
    console.error(
      `\nWhat the pages and the server did before "${context.task.name}" failed (seconds since the file started):\n${report}\n`,
    );
  }
  sources.clear();
});
