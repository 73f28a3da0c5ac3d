/**
 * Scheduled send's lateness (issue 37: "sent exactly once at its time (±5 s)"): starts `confab
 * serve` as `npm start` does (SQLite, the default 1 s dispatcher poll), schedules N messages due
 * over a spread of seconds, and measures, for each, how late its `message.created` reached a
 * member's socket after its `scheduledAt`; then checks that each was sent exactly once.
 *
 *   npm run build
 *   N=300 SPREAD_S=30 node bench/scheduled-lateness.mjs
 *
 * Results go to bench/results/scheduled-lateness-<date>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfabClient } from '@confab/client';
import { wsSubprotocols } from '@confab/protocol';
import WebSocket from 'ws';
import { startConfab } from './serve.mjs';

const log = (text) => process.stdout.write(`${text}\n`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.N ?? 300);
const SPREAD_S = Number(process.env.SPREAD_S ?? 30);
const LEAD_S = 5;

const server = await startConfab({ env: { SCHEDULED_MIN_LEAD_MS: '1000' }, tempPrefix: 'confab-sched-bench-' });
const { port, url } = server;

const alice = new ConfabClient({ baseUrl: url });
const bob = new ConfabClient({ baseUrl: url });
await alice.register({ username: `alice_${Date.now()}`, password: 'correct horse battery' });
const bobAuth = await bob.register({ username: `bob_${Date.now()}`, password: 'correct horse battery' });
const group = await alice.createGroup('scheduled bench', [bobAuth.user.id]);

// Bob's raw socket: the time each scheduled message reaches a member.
const received = new Map();
const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws`, wsSubprotocols(bobAuth.accessToken));
await new Promise((resolve, reject) => {
  socket.once('error', reject);
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === 'ready') resolve();
    if (frame.type === 'message.created' && frame.message.body.startsWith('scheduled ')) {
      const seen = received.get(frame.message.body) ?? [];
      seen.push({ at: Date.now(), createdAt: Date.parse(frame.message.createdAt) });
      received.set(frame.message.body, seen);
    }
  });
});

const start = Date.now() + LEAD_S * 1000;
const due = new Map();
for (let i = 0; i < N; i++) {
  const at = start + Math.round((i * SPREAD_S * 1000) / N);
  const body = `scheduled ${i}`;
  due.set(body, at);
  const answer = await fetch(`${url}/api/v1/conversations/${group.id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.tokens.accessToken}` },
    body: JSON.stringify({ clientId: crypto.randomUUID(), body, scheduledAt: new Date(at).toISOString() }),
  });
  if (answer.status !== 202) throw new Error(`schedule: ${answer.status} ${await answer.text()}`);
}
const load = os.loadavg().map((n) => n.toFixed(1));
await new Promise((r) => setTimeout(r, start + SPREAD_S * 1000 + 8000 - Date.now()));

const late = [];
let twice = 0;
for (const [body, at] of due) {
  const seen = received.get(body) ?? [];
  if (seen.length > 1) twice++;
  if (seen[0]) late.push(seen[0].at - at);
}
late.sort((a, b) => a - b);
const q = (p) => late[Math.min(late.length - 1, Math.floor(p * late.length))];
const result = {
  date: new Date().toISOString(),
  scheduled: N,
  spreadSeconds: SPREAD_S,
  received: late.length,
  sentTwice: twice,
  latenessMs: { min: late[0], p50: q(0.5), p99: q(0.99), max: late.at(-1) },
  early: late.filter((ms) => ms < 0).length,
  loadAverage: load,
};
log(JSON.stringify(result));
socket.close();
await server.stop();
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(root, 'bench/results', `scheduled-lateness-${result.date.slice(0, 10)}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
);
