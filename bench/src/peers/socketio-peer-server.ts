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
 *
 * With `GUARANTEES=1` (and `SYNCHRONOUS=FULL`) it keeps, on the send path, the promises Confab's
 * send makes besides durability, the least SQL a hand-written server needs for them (issue 41: the
 * one-sender bars measured against a peer doing the same job): a send carries the sender's
 * client id and a repeat answers the stored message without storing or delivering it again
 * (idempotency), each DM numbers its messages without gaps (a seq reserved under the write lock),
 * and every delivered frame is also appended to a log by position (what a reconnecting client
 * resumes from), all in one transaction, committed and flushed before anything is sent; the
 * frame goes to the sender's own room too (their other devices), as Confab's does. Confab's
 * reads of that log (resume, history) are not on the send path and are not served here.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { Server as SocketServer } from 'socket.io';
import { answer, keepIdleConnections, readJson } from './plain-http.js';
import { type PeerMessage, guaranteedStore, plainStore } from './peer-store.js';

const port = Number(process.env['PORT'] ?? 0);
const dataDir = process.env['DATA_DIR'] ?? '.';

const guarantees = process.env['GUARANTEES'] === '1';

const db = new Database(path.join(dataDir, 'peer.db'));
db.pragma('journal_mode = WAL');
if (process.env['SYNCHRONOUS'] === 'FULL') db.pragma('synchronous = FULL');
db.exec(`create table if not exists users (id text primary key, username text not null unique, token text not null unique)`);
const insertUser = db.prepare('insert into users (id, username, token) values (?, ?, ?)');
const userByToken = db.prepare<[string], { id: string }>('select id from users where token = ?');

const store = guarantees ? guaranteedStore(db) : plainStore(db);

function register(username: string): { id: string; token: string } {
  const user = { id: randomUUID(), token: randomBytes(24).toString('base64url') };
  insertUser.run(user.id, username, user.token);
  return user;
}

/**
 * Stores the message and pushes it to the recipient's room (with `GUARANTEES=1`, the sender's
 * too, and nothing when the client id was stored before).
 */
function send(senderId: string, to: string, body: string, clientId = ''): PeerMessage {
  const { message, fresh } = store(senderId, to, clientId, body);
  if (fresh) io.to(guarantees ? [`user:${to}`, `user:${senderId}`] : `user:${to}`).emit('message', message);
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
          const { to, body, clientId } = await readJson(request);
          if (guarantees && typeof clientId !== 'string') return answer(response, 400, { error: 'client_id_required' });
          return answer(response, 201, send(user.id, String(to), String(body), String(clientId ?? '')));
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
      clientId: { type: 'string' },
      conversationId: { type: 'integer' },
      seq: { type: 'integer' },
      pos: { type: 'integer' },
    },
  } as const;
  app.get('/health', async () => ({ ok: true }));
  app.post<{ Body: { username: string } }>(
    '/register',
    { schema: { body: { type: 'object', required: ['username'], properties: { username: { type: 'string', minLength: 1 } } } } },
    async (request, reply) => reply.code(201).send(register(request.body.username)),
  );
  app.post<{ Body: { to: string; body: string; clientId?: string } }>(
    '/messages',
    {
      schema: {
        body: {
          type: 'object',
          required: guarantees ? ['to', 'body', 'clientId'] : ['to', 'body'],
          additionalProperties: false,
          properties: {
            to: { type: 'string', minLength: 1 },
            body: { type: 'string', minLength: 1, maxLength: 4000 },
            clientId: { type: 'string', minLength: 1, maxLength: 64 },
          },
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
      reply
        .code(201)
        .send(send((request as typeof request & { userId: string }).userId, request.body.to, request.body.body, request.body.clientId)),
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
  socket.on('send', (input: { to: string; body: string; clientId?: string }, ack: (message: PeerMessage) => void) => {
    ack(send(userId, String(input.to), String(input.body), String(input.clientId ?? '')));
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
