import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@confab/protocol';
import { RawSocket, type TestServer, type TestUser, historyOf, registerUser, startServer } from '../harness.js';
import { expectError, postMessage } from '../factories.js';
import { type TestSchema, createTestSchema, postgresService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);

/**
 * A send's `clientId` is its idempotency key: a retry of the same send (same conversation, same
 * body) answers with the stored message; the same key for a different message is a client bug
 * answered 409 `idempotency_conflict`, never silently with someone else's message. Run on every
 * engine; on PostgreSQL over two nodes, whose racing transactions meet at the unique index.
 */
function describeIdempotency(nodes: () => string[]): void {
  const on = (i: number) => nodes()[i % nodes().length]!;
  const send = (i: number, user: TestUser, conversationId: string, body: string, clientId: string) =>
    postMessage(on(i), user, conversationId, body, clientId);
  async function pair() {
    const alice = await registerUser(on(0));
    const bob = await registerUser(on(0));
    return { alice, bob, id: (await alice.client.openDirect(bob.id)).id };
  }
  /** Sends a `message.send` frame and answers its ack's message, or its error frame's code. */
  async function sendFrame(socket: RawSocket, frameId: string, conversationId: string, body: string, clientId: string) {
    socket.send({ type: 'message.send', id: frameId, conversationId, clientId, body });
    const answer = await socket.next<any>((f) => (f.type === 'ack' || f.type === 'error') && f.id === frameId, 20_000);
    return answer.type === 'ack' ? { message: answer.message as Message } : { code: answer.error.code as string };
  }

  it('answers a retry (same clientId, same body) with 200 and the stored message, over REST and the WebSocket', async () => {
    const { alice, id } = await pair();
    const first = await send(0, alice, id, 'hello', 'retry-me');
    expect(first.status).toBe(201);
    expect(await send(1, alice, id, 'hello', 'retry-me')).toEqual({ status: 200, body: first.body });
    const socket = await RawSocket.ready(on(1), alice.token);
    try {
      expect(await sendFrame(socket, 'f1', id, 'hello', 'retry-me')).toEqual(first.body);
    } finally {
      socket.close();
    }
    expect(await historyOf(alice.client, id)).toEqual([first.body.message]);
  });

  it('refuses the same clientId with another body in the same conversation: 409 idempotency_conflict, nothing stored', async () => {
    const { alice, bob, id } = await pair();
    const first = await send(0, alice, id, 'the original', 'key-1');
    const conflict = await send(1, alice, id, 'something else', 'key-1');
    expectError(conflict, 409, 'idempotency_conflict');
    expect(conflict.body.error.message).toMatch(/another body/);
    // The key is the sender's: bob's own key-1 is a new message.
    expect((await send(0, bob, id, 'something else', 'key-1')).status).toBe(201);
    expect((await historyOf(alice.client, id)).map((m) => m.body)).toEqual([first.body.message.body, 'something else']);
  });

  it('answers the WebSocket message.send frame that reuses a clientId for another body with an error frame', async () => {
    const { alice, id } = await pair();
    const socket = await RawSocket.ready(on(1), alice.token);
    try {
      const stored = await sendFrame(socket, 'a', id, 'by frame', 'ws-key');
      expect(stored).toMatchObject({ message: { body: 'by frame', seq: 1 } });
      expect(await sendFrame(socket, 'b', id, 'by frame, edited', 'ws-key')).toEqual({ code: 'idempotency_conflict' });
      expectError(await send(0, alice, id, 'by rest', 'ws-key'), 409, 'idempotency_conflict');
      // The socket stays usable.
      expect(await sendFrame(socket, 'c', id, 'by frame', 'ws-key')).toEqual(stored);
    } finally {
      socket.close();
    }
    expect(await historyOf(alice.client, id)).toHaveLength(1);
  });

  it('stores one message when sends of one clientId with different bodies race: one succeeds, every other gets 409', async () => {
    const { alice, id } = await pair();
    const sockets = await Promise.all(nodes().map((url) => RawSocket.ready(url, alice.token)));
    try {
      const viaRest = [0, 1, 2, 3].map(async (i) => {
        const res = await send(i, alice, id, `rest body ${i}`, 'contested');
        return res.status === 201
          ? { message: res.body.message as Message }
          : (expectError(res, 409, 'idempotency_conflict'), { code: 'idempotency_conflict' });
      });
      const viaSocket = sockets.map((socket, i) => sendFrame(socket, `w${i}`, id, `frame body ${i}`, 'contested'));
      const answers = await Promise.all([...viaRest, ...viaSocket]);
      const winners = answers.filter((a): a is { message: Message } => 'message' in a);
      expect(winners).toHaveLength(1);
      expect(answers.filter((a) => 'code' in a && a.code === 'idempotency_conflict')).toHaveLength(answers.length - 1);
      expect(await historyOf(alice.client, id)).toEqual([winners[0]!.message]);
    } finally {
      for (const socket of sockets) socket.close();
    }
  });

  it('stores one message when retries of one send race: one 201, every other 200 with the same message', async () => {
    const { alice, id } = await pair();
    const answers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => send(i, alice, id, 'same body', 'retried')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(await historyOf(alice.client, id)).toHaveLength(1);
  });
}

describe('idempotency of sends: SQLite', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(async () => {
    await t.close();
  });
  describeIdempotency(() => [t.url]);
});

describePostgres('idempotency of sends: PostgreSQL, two nodes', () => {
  let schema: TestSchema;
  let servers: TestServer[] = [];
  beforeAll(async () => {
    schema = await createTestSchema();
    const env = { DATABASE_URL: schema.url, DATABASE_POOL_SIZE: '4', JWT_SECRET: 'one secret for both nodes, at least 32 characters' };
    // One after the other: each migrates at start-up.
    servers = [await startServer(env), await startServer(env)];
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await schema?.drop();
  });
  describeIdempotency(() => servers.map((s) => s.url));
});
