/**
 * The peer Confab is compared with (issue 13): the chat server a team would write by hand in a
 * weekend, run as its own process. Plain `node:http` with a REST send, Socket.IO rooms (one per
 * user) pushing the full message to the recipient, and a `better-sqlite3` table in WAL mode with
 * the library's defaults (`synchronous=NORMAL`: a commit is not flushed). With `SYNCHRONOUS=FULL`
 * each commit is flushed before the answer, on the event loop, with no group commit: the promise
 * Confab's acknowledgement makes, kept the simplest way. No idempotency, no resume, no receipts,
 * no validation beyond what it must have: exactly what Confab has to beat while doing all of that.
 *
 * With `HTTP=fastify` the same routes are served by Fastify (issue 41): what the framework Confab
 * is built on costs a request, measured beside the hand-written `node:http` code.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { Server as SocketServer } from 'socket.io';
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

function register(username: string): { id: string; token: string } {
  const user = { id: randomUUID(), token: randomBytes(24).toString('base64url') };
  insertUser.run(user.id, username, user.token);
  return user;
}

/** Stores the message and pushes it to the recipient's room. */
function send(senderId: string, to: string, body: string): PeerMessage {
  const createdAt = Date.now();
  const { id } = insertMessage.get(senderId, to, body, createdAt)!;
  const message = { id, senderId, recipientId: to, body, createdAt };
  io.to(`user:${to}`).emit('message', message);
  return message;
}

/** The peer's HTTP side as written: `node:http`, a JSON body read by hand. */
function plainHttp(): Server {
  return createServer((request, response) => {
    void (async () => {
      try {
        if (request.method === 'GET' && request.url === '/health') return answer(response, 200, { ok: true });
        if (request.method === 'POST' && request.url === '/register') {
          const { username } = await readJson(request);
          return answer(response, 201, register(String(username)));
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
}

/**
 * The same routes on Fastify (`HTTP=fastify`), as a Fastify application writes them: a JSON schema
 * for each body (validated by Fastify's ajv) and for the answer (serialised by
 * fast-json-stringify), the bearer token read in an `onRequest` hook. What the framework Confab is
 * built on costs a request, with nothing of Confab's own.
 */
async function fastifyHttp(): Promise<{ server: Server; listen: () => Promise<void> }> {
  const app = Fastify({ keepAliveTimeout: 72_000 });
  const message = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      senderId: { type: 'string' },
      recipientId: { type: 'string' },
      body: { type: 'string' },
      createdAt: { type: 'integer' },
    },
  } as const;
  app.get('/health', async () => ({ ok: true }));
  app.post<{ Body: { username: string } }>(
    '/register',
    { schema: { body: { type: 'object', required: ['username'], properties: { username: { type: 'string', minLength: 1 } } } } },
    async (request, reply) => reply.code(201).send(register(request.body.username)),
  );
  app.post<{ Body: { to: string; body: string } }>(
    '/messages',
    {
      schema: {
        body: {
          type: 'object',
          required: ['to', 'body'],
          additionalProperties: false,
          properties: { to: { type: 'string', minLength: 1 }, body: { type: 'string', minLength: 1, maxLength: 4000 } },
        },
        response: { 201: message },
      },
      onRequest: (request, reply, done) => {
        const user = userByToken.get(request.headers.authorization?.replace(/^Bearer /, '') ?? '');
        if (!user) return void reply.code(401).send({ error: 'unauthenticated' });
        (request as typeof request & { userId: string }).userId = user.id;
        done();
      },
    },
    async (request, reply) =>
      reply.code(201).send(send((request as typeof request & { userId: string }).userId, request.body.to, request.body.body)),
  );
  await app.ready();
  return { server: app.server, listen: async () => void (await app.listen({ port, host: '127.0.0.1' })) };
}

const fastify = process.env['HTTP'] === 'fastify' ? await fastifyHttp() : undefined;
const http = fastify?.server ?? plainHttp();
const io = new SocketServer(http, { serveClient: false });
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

const announce = () => {
  const address = http.address();
  process.stdout.write(`listening on ${typeof address === 'object' && address ? address.port : port}\n`);
};
if (fastify) await fastify.listen().then(announce);
else {
  keepIdleConnections(http);
  http.listen(port, '127.0.0.1', announce);
}
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
