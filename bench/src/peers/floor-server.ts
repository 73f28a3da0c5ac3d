/**
 * The floor of the peer comparison (issue 13): the least a chat server can do for the same
 * workload, to show what this machine and load generator carry at all. Plain `node:http` and `ws`
 * speaking Confab's frames (so the bench drives it with Confab's client code), users and sockets in
 * maps, no validation, no store.
 *
 * With `DURABLE=1` it also keeps the one promise Confab's acknowledgement makes, and nothing
 * else: a message is answered and delivered only once it is on disk. Messages that arrive together
 * are appended to one file in one write and flushed with one `fdatasync` on libuv's thread pool,
 * as Confab's group commit does; the next batch starts when that flush ends. No server that
 * acknowledges only what is on disk can beat this one on this machine.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { answer, keepIdleConnections, readJson } from './plain-http.js';

const port = Number(process.env['PORT'] ?? 0);
const durable = process.env['DURABLE'] === '1';
const log = durable ? openSync(path.join(process.env['DATA_DIR'] ?? '.', 'messages.log'), 'a') : null;

const userByToken = new Map<string, string>();
const socketsOf = new Map<string, Set<WebSocket>>();
let lastId = 0;

interface FloorMessage {
  id: number;
  senderId: string;
  recipientId: string;
  body: string;
  createdAt: number;
}

/** Durable mode's group commit: what arrived this turn, written and flushed together. */
let pending: { line: string; done: () => void }[] = [];
let flushing = false;

function store(message: FloorMessage, done: () => void): void {
  if (log === null) return done();
  pending.push({ line: `${JSON.stringify(message)}\n`, done });
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

function flush(): void {
  const batch = pending;
  pending = [];
  writeSync(log!, batch.map((item) => item.line).join(''));
  fdatasync(log!, (error) => {
    if (error) throw error;
    for (const item of batch) item.done();
    if (pending.length > 0) setImmediate(flush);
    else flushing = false;
  });
}

/** Stores (in durable mode), then pushes the message to the recipient and answers the sender. */
function send(senderId: string, to: string, body: string, done: (message: FloorMessage) => void): void {
  const message = { id: ++lastId, senderId, recipientId: to, body, createdAt: Date.now() };
  store(message, () => {
    const frame = JSON.stringify({ type: 'message.created', message });
    for (const socket of socketsOf.get(to) ?? []) socket.send(frame);
    done(message);
  });
}

const http = createServer((request, response) => {
  void (async () => {
    try {
      if (request.method === 'GET' && request.url === '/health') return answer(response, 200, { ok: true });
      if (request.method === 'POST' && request.url === '/register') {
        await readJson(request);
        const user = { id: randomUUID(), token: randomBytes(24).toString('base64url') };
        userByToken.set(user.token, user.id);
        return answer(response, 201, user);
      }
      if (request.method === 'POST' && request.url === '/messages') {
        const userId = userByToken.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '');
        if (userId === undefined) return answer(response, 401, { error: 'unauthenticated' });
        const { to, body } = await readJson(request);
        return send(userId, String(to), String(body), (message) => answer(response, 201, message));
      }
      answer(response, 404, { error: 'not_found' });
    } catch (error) {
      answer(response, 500, { error: String(error) });
    }
  })();
});

const wss = new WebSocketServer({ server: http, path: '/ws' });
wss.on('connection', (socket, request) => {
  const token = new URL(request.url ?? '', 'http://floor').searchParams.get('token') ?? '';
  const userId = userByToken.get(token);
  if (userId === undefined) return socket.close(4401, 'unauthenticated');
  const own = socketsOf.get(userId) ?? new Set<WebSocket>();
  socketsOf.set(userId, own.add(socket));
  socket.on('close', () => own.delete(socket));
  // Confab's client waits for this frame before it sends.
  socket.send(JSON.stringify({ type: 'ready' }));
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { id: string; to: string; body: string };
    send(userId, frame.to, frame.body, () => socket.send(JSON.stringify({ type: 'ack', id: frame.id })));
  });
});

keepIdleConnections(http);
http.listen(port, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening on ${typeof address === 'object' && address ? address.port : port}\n`);
});
function stop(): void {
  wss.close();
  if (log !== null) closeSync(log);
  process.exit(0);
}
process.on('SIGTERM', stop);
// The bench holds our stdin open; if it goes away (even by SIGKILL), so do we.
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
