/**
 * The peer Confab is compared with (issue 13): the chat server a team would write by hand in a
 * weekend, run as its own process. Plain `node:http` with a REST send, Socket.IO rooms (one per
 * user) pushing the full message to the recipient, and a `better-sqlite3` table in WAL mode with
 * the library's defaults (`synchronous=NORMAL`: a commit is not flushed). With `SYNCHRONOUS=FULL`
 * each commit is flushed before the answer, on the event loop, with no group commit: the promise
 * Confab's acknowledgement makes, kept the simplest way. No idempotency, no resume, no receipts, no validation beyond what it
 * must have: exactly what Confab has to beat while doing all of that.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Server } from 'socket.io';
import { answer, keepIdleConnections, readJson } from './plain-http.js';

const port = Number(process.env['PORT'] ?? 0);
const dataDir = process.env['DATA_DIR'] ?? '.';

const db = new Database(path.join(dataDir, 'peer.db'));
db.pragma('journal_mode = WAL');
if (process.env['SYNCHRONOUS'] === 'FULL') db.pragma('synchronous = FULL');
db.exec(`
  create table if not exists users (id text primary key, username text not null unique, token text not null unique);
  create table if not exists messages (
    id integer primary key autoincrement,
    sender_id text not null,
    recipient_id text not null,
    body text not null,
    created_at integer not null
  );
  create index if not exists messages_pair on messages (sender_id, recipient_id, id);
`);
const insertUser = db.prepare('insert into users (id, username, token) values (?, ?, ?)');
const userByToken = db.prepare<[string], { id: string }>('select id from users where token = ?');
const insertMessage = db.prepare<[string, string, string, number], { id: number }>(
  'insert into messages (sender_id, recipient_id, body, created_at) values (?, ?, ?, ?) returning id',
);

interface PeerMessage {
  id: number;
  senderId: string;
  recipientId: string;
  body: string;
  createdAt: number;
}

/** Stores the message and pushes it to the recipient's room. */
function send(senderId: string, to: string, body: string): PeerMessage {
  const createdAt = Date.now();
  const { id } = insertMessage.get(senderId, to, body, createdAt)!;
  const message = { id, senderId, recipientId: to, body, createdAt };
  io.to(`user:${to}`).emit('message', message);
  return message;
}

const http = createServer((request, response) => {
  void (async () => {
    try {
      if (request.method === 'GET' && request.url === '/health') return answer(response, 200, { ok: true });
      if (request.method === 'POST' && request.url === '/register') {
        const { username } = await readJson(request);
        const user = { id: randomUUID(), token: randomBytes(24).toString('base64url') };
        insertUser.run(user.id, String(username), user.token);
        return answer(response, 201, user);
      }
      if (request.method === 'POST' && request.url === '/messages') {
        const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
        const user = userByToken.get(token);
        if (!user) return answer(response, 401, { error: 'unauthenticated' });
        const { to, body } = await readJson(request);
        return answer(response, 201, send(user.id, String(to), String(body)));
      }
      answer(response, 404, { error: 'not_found' });
    } catch (error) {
      answer(response, 500, { error: String(error) });
    }
  })();
});

const io = new Server(http, { serveClient: false });
io.use((socket, next) => {
  const user = userByToken.get(String(socket.handshake.auth['token'] ?? ''));
  if (!user) return next(new Error('unauthenticated'));
  socket.data.userId = user.id;
  next();
});
io.on('connection', (socket) => {
  const userId = socket.data.userId as string;
  void socket.join(`user:${userId}`);
  socket.on('send', (input: { to: string; body: string }, ack: (message: PeerMessage) => void) => {
    ack(send(userId, String(input.to), String(input.body)));
  });
});

keepIdleConnections(http);
http.listen(port, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening on ${typeof address === 'object' && address ? address.port : port}\n`);
});
function stop(): void {
  void io.close();
  db.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
// The bench holds our stdin open; if it goes away (even by SIGKILL), so do we.
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
