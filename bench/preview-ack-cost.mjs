/**
 * What link previews cost the sender (issue 37: "preview fetch does not raise the send ack p99").
 * Serves a slow OpenGraph page with a picture on 127.0.0.1 (each page and each picture answered
 * after DELAY_MS_MIN–DELAY_MS_MAX, the picture a 1200×630 JPEG of noise so that sharp really
 * decodes and re-encodes it), starts `confab serve` as `npm start` does (SQLite, RATE_LIMITS=off,
 * LINK_PREVIEW_ALLOW_HOSTS=127.0.0.1) and sends N messages over a WebSocket at RATE a second, open
 * loop, each ack timed from its send's scheduled moment. Three arms, each on a fresh server:
 *
 *   plain  previews on, bodies without a link
 *   links  previews on, each body links to its own page on the slow server
 *   off    LINK_PREVIEWS=off, the same bodies as `links`
 *   text   (only when named in ARMS) as `links`, to pages without a picture: the fetch without sharp and the blob
 *   bytes  (only when named) as `links`, the picture as large but not an image: downloaded, never decoded nor stored
 *
 * ROUNDS runs the three in turn that many times (alternated, so load from elsewhere on the machine
 * falls on every arm); the figures per arm pool its rounds. An arm named `<arm>@before` runs the
 * server at BEFORE_BIN instead (another build's `bin/confab.js`), to compare two builds in one run.
 * Each arm also reads the server's own event-loop stalls (confab_event_loop_delay_seconds) at its end.
 *
 *   npm run build
 *   N=2000 RATE=20 ROUNDS=2 node bench/preview-ack-cost.mjs
 *
 * Results go to bench/results/preview-ack-cost-<date>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfabClient } from '@confab/client';
import { wsSubprotocols } from '@confab/protocol';
import sharp from 'sharp';
import WebSocket from 'ws';
import { CONFAB_BIN, startConfab } from './serve.mjs';

const log = (text) => process.stdout.write(`${text}\n`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.N ?? 2000);
const RATE = Number(process.env.RATE ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const WARMUP = Number(process.env.WARMUP ?? 100);
const DELAY_MS_MIN = Number(process.env.DELAY_MS_MIN ?? 300);
const DELAY_MS_MAX = Number(process.env.DELAY_MS_MAX ?? 1000);
// At RATE 20 with pages and pictures of 300–1000 ms each, about 26 fetches are in flight: the
// default 8 would leave most links without a card (past 80 waiting they are dropped), measuring less.
const CONCURRENCY = process.env.LINK_PREVIEW_CONCURRENCY ?? '32';
const ARMS = (process.env.ARMS ?? 'plain,links,off').split(',');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The slow site: /page/<n> is an OpenGraph page whose og:image is /picture/<n>.jpg. */
async function startSlowSite() {
  const picture = await sharp(Buffer.from(Array.from({ length: 1200 * 630 * 3 }, () => Math.floor(Math.random() * 256))), {
    raw: { width: 1200, height: 630, channels: 3 },
  })
    .jpeg({ quality: 80 })
    .toBuffer();
  // As large as the picture, not an image by its bytes: the server downloads it and makes nothing of it.
  const noise = Buffer.alloc(picture.length, 'not a picture ');
  const served = { pages: 0, pictures: 0 };
  const site = createHttpServer((req, res) => {
    const delay = DELAY_MS_MIN + Math.random() * (DELAY_MS_MAX - DELAY_MS_MIN);
    setTimeout(() => {
      const page = /^\/(page|text|bytes)\/(\d+)$/.exec(req.url ?? '');
      if (page) {
        served.pages += 1;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><html><head><title>Page ${page[2]}</title>` +
            `<meta property="og:title" content="A slow page, number ${page[2]}">` +
            `<meta property="og:description" content="Served after ${Math.round(delay)} ms">` +
            `<meta property="og:site_name" content="Slow site">` +
            (page[1] === 'text' ? '' : `<meta property="og:image" content="/${page[1] === 'page' ? 'picture' : 'noise'}/${page[2]}.jpg">`) +
            `</head><body>slow</body></html>`,
        );
      } else if (/^\/(picture|noise)\/\d+\.jpg$/.test(req.url ?? '')) {
        served.pictures += 1;
        const body = req.url.startsWith('/noise/') ? noise : picture;
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length });
        res.end(body);
      } else {
        res.writeHead(404).end();
      }
    }, delay);
  });
  const port = await new Promise((resolve) => site.listen(0, '127.0.0.1', () => resolve(site.address().port)));
  return { port, served, pictureBytes: picture.length, close: () => new Promise((r) => site.close(r)) };
}

/** One arm on a fresh server: WARMUP + N sends at RATE, open loop; answers each measured send's ack time and what previews arrived. */
async function runArm(name, site) {
  const [arm, build] = name.split('@');
  if (build !== undefined && !process.env.BEFORE_BIN) throw new Error(`${name}: set BEFORE_BIN to the other build's bin/confab.js`);
  const bin = build === undefined ? CONFAB_BIN : process.env.BEFORE_BIN;
  const server = await startConfab({
    env: {
      LINK_PREVIEW_ALLOW_HOSTS: '127.0.0.1',
      LINK_PREVIEW_CONCURRENCY: CONCURRENCY,
      ...(arm === 'off' ? { LINK_PREVIEWS: 'off' } : {}),
    },
    bin,
    tempPrefix: 'confab-preview-bench-',
  });
  const alice = new ConfabClient({ baseUrl: server.url });
  const bob = new ConfabClient({ baseUrl: server.url });
  const aliceAuth = await alice.register({ username: `alice_${Date.now()}`, password: 'correct horse battery' });
  const bobAuth = await bob.register({ username: `bob_${Date.now()}`, password: 'correct horse battery' });
  const group = await alice.createGroup('preview bench', [bobAuth.user.id]);

  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api/v1/ws`, wsSubprotocols(aliceAuth.accessToken));
  const scheduled = new Map();
  const acks = [];
  let errors = 0;
  let previews = 0;
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === 'ready') resolve();
      else if (frame.type === 'ack' && scheduled.has(frame.id)) {
        acks.push({ index: Number(frame.id.slice(1)), ms: performance.now() - scheduled.get(frame.id) });
        scheduled.delete(frame.id);
      } else if (frame.type === 'error' && scheduled.has(frame.id)) {
        errors += 1;
        scheduled.delete(frame.id);
      } else if (frame.type === 'message.updated' && frame.message.preview) previews += 1;
    });
  });

  const total = WARMUP + N;
  const load = os.loadavg().map((n) => n.toFixed(1));
  const t0 = performance.now() + 10;
  const route = { text: 'text', bytes: 'bytes' }[arm] ?? 'page';
  const link = (i) => (arm === 'plain' ? '' : ` http://127.0.0.1:${site.port}/${route}/${i}`);
  for (let i = 0; i < total; i++) {
    const at = t0 + (i * 1000) / RATE;
    const wait = at - performance.now();
    if (wait > 1) await sleep(wait);
    const id = `s${i}`;
    scheduled.set(id, at);
    socket.send(
      JSON.stringify({
        type: 'message.send',
        id,
        conversationId: group.id,
        clientId: `${arm}-${i}-${Date.now()}`,
        body: `message ${i} of the ${arm} arm, about the plan${link(i)}`,
      }),
    );
  }
  for (let i = 0; scheduled.size > 0 && i < 300; i++) await sleep(100);
  const unanswered = scheduled.size;
  // Give the last previews their budget (5 s) to arrive, so the count says how many were fetched.
  if (arm !== 'plain' && arm !== 'off') for (let i = 0; i < 60 && previews < total - 20; i++) await sleep(100);
  socket.close();
  const eventLoop = await eventLoopStalls(server.url);
  await server.stop();
  const measured = acks.filter((a) => a.index >= WARMUP).map((a) => a.ms);
  return { measured, errors, unanswered, previews, eventLoop, loadAverage: load, loadAverageAfter: os.loadavg().map((n) => n.toFixed(1)) };
}

/** The server's event-loop stalls over the whole arm: how many timers ran more than 50 ms late, and the stalls' total. */
async function eventLoopStalls(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (pattern) => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const count = value('confab_event_loop_delay_seconds_count');
  return {
    stalls: count,
    over50ms: count - value('confab_event_loop_delay_seconds_bucket\\{le="0.05"\\}'),
    over100ms: count - value('confab_event_loop_delay_seconds_bucket\\{le="0.1"\\}'),
    totalMs: Math.round(value('confab_event_loop_delay_seconds_sum') * 1000),
  };
}

function summarise(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const q = (p) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2));
  return { count: sorted.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: Number(sorted.at(-1).toFixed(2)) };
}

const site = await startSlowSite();
log(`slow site on 127.0.0.1:${site.port}: pages and pictures after ${DELAY_MS_MIN}–${DELAY_MS_MAX} ms, picture ${site.pictureBytes} bytes`);
const rounds = [];
const pooled = Object.fromEntries(ARMS.map((arm) => [arm, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const arm of ARMS) {
    const run = await runArm(arm, site);
    pooled[arm].push(...run.measured);
    const line = {
      round,
      arm,
      ackMs: summarise(run.measured),
      errors: run.errors,
      unanswered: run.unanswered,
      previews: run.previews,
      eventLoop: run.eventLoop,
      loadAverage: run.loadAverage,
      loadAverageAfter: run.loadAverageAfter,
    };
    log(JSON.stringify(line));
    rounds.push(line);
  }
}
await site.close();
const arms = Object.fromEntries(ARMS.map((arm) => [arm, summarise(pooled[arm])]));
log(JSON.stringify({ arms }));
const result = {
  date: new Date().toISOString(),
  cores: os.cpus().length,
  sendsPerArm: N,
  warmup: WARMUP,
  rate: RATE,
  delayMs: [DELAY_MS_MIN, DELAY_MS_MAX],
  previewConcurrency: Number(CONCURRENCY),
  pictureBytes: site.pictureBytes,
  served: site.served,
  arms,
  rounds,
};
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
const out = path.join(root, 'bench/results', `preview-ack-cost-${result.date.slice(0, 16).replace(':', '-')}.json`);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
log(`written to ${path.relative(root, out)}`);
