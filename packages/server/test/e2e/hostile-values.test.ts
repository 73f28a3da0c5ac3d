import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, expectError, freshUsers, postMessage } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, startServer } from '../harness.js';
import { createTestSchema, postgresService, requireService } from '../services.js';

/**
 * Values SQLite takes or refuses and PostgreSQL answered with a 500 and a stack trace at error
 * level (issue 35, item 7): positions beyond bigint, a leap second in a search bound, cursors
 * holding a fraction, a huge number or a NUL. Each is a 400 `validation_failed` at the schema or
 * the cursor decoder, on every engine, and nothing is logged at error level.
 */

const cursorOf = (json: string) => Buffer.from(json).toString('base64url');
const BEYOND_BIGINT = '99999999999999999999';
const BAD_CURSORS = {
  fraction: (shape: (n: string) => string) => cursorOf(shape('1.5')),
  huge: (shape: (n: string) => string) => cursorOf(shape('1e300')),
};

interface Case {
  name: string;
  method?: string;
  path: (conversationId: string) => string;
  body?: unknown;
}

const CASES: Case[] = [
  { name: 'history before= beyond bigint', path: (c) => `/api/v1/conversations/${c}/messages?before=${BEYOND_BIGINT}` },
  { name: 'history after= beyond bigint', path: (c) => `/api/v1/conversations/${c}/messages?after=${BEYOND_BIGINT}` },
  { name: 'history after= 2^53', path: (c) => `/api/v1/conversations/${c}/messages?after=9007199254740992` },
  { name: 'events after= beyond bigint', path: (c) => `/api/v1/conversations/${c}/events?after=${BEYOND_BIGINT}` },
  { name: 'read seq 1e300', method: 'POST', path: (c) => `/api/v1/conversations/${c}/read`, body: { seq: 1e300 } },
  { name: 'search after= a leap second', path: () => '/api/v1/search?q=hello&after=2016-12-31T23:59:60Z' },
  { name: 'search before= a leap second', path: () => '/api/v1/search?q=hello&before=2016-12-31T23:59:60Z' },
  { name: 'search after= 31 February', path: () => '/api/v1/search?q=hello&after=2026-02-31T00:00:00Z' },
  // Cursors: conversations (activityAt, id), users (a username), notifications, blocks, messages (an id), search.
  ...(['fraction', 'huge'] as const).map((kind) => ({
    name: `conversations cursor with a ${kind}`,
    path: () => `/api/v1/conversations?cursor=${BAD_CURSORS[kind]((n) => `{"activityAt":${n},"id":"a"}`)}`,
  })),
  { name: 'conversations cursor with a NUL', path: () => `/api/v1/conversations?cursor=${cursorOf('{"activityAt":1,"id":"a\\u0000"}')}` },
  { name: 'users cursor with a NUL', path: () => `/api/v1/users?cursor=${cursorOf('"a\\u0000"')}` },
  { name: 'users cursor with a number', path: () => `/api/v1/users?cursor=${cursorOf('1e300')}` },
  { name: 'notifications cursor with a NUL', path: () => `/api/v1/notifications?cursor=${cursorOf('"a\\u0000"')}` },
  { name: 'notifications cursor with a fraction', path: () => `/api/v1/notifications?cursor=${cursorOf('1.5')}` },
  { name: 'blocks cursor with a NUL', path: () => `/api/v1/users/me/blocks?cursor=${cursorOf('"a\\u0000"')}` },
  { name: 'messages cursor with a NUL', path: () => `/api/v1/messages?cursor=${cursorOf('"a\\u0000"')}` },
  { name: 'messages cursor with 1e300', path: () => `/api/v1/messages?cursor=${cursorOf('1e300')}` },
  ...(['fraction', 'huge'] as const).map((kind) => ({
    name: `search cursor with a ${kind}`,
    path: () => `/api/v1/search?q=hello&cursor=${BAD_CURSORS[kind]((n) => `{"w":["a",null],"a":[1,${n},"a"],"s":"x"}`)}`,
  })),
  { name: 'search cursor with a NUL', path: () => `/api/v1/search?q=hello&cursor=${cursorOf('{"w":["a\\u0000",null],"a":null,"s":"x"}')}` },
];

async function engines(logger: pino.Logger): Promise<[string, () => Promise<TestServer>][]> {
  const sqlite: [string, () => Promise<TestServer>] = ['SQLite', () => startServer({}, { logger })];
  if ((await requireService(postgresService)) !== describe) return [sqlite];
  return [
    sqlite,
    [
      'PostgreSQL',
      async () => {
        const schema = await createTestSchema();
        const server = await startServer(
          { DATABASE_URL: schema.url, DATABASE_POOL_SIZE: '4', JWT_SECRET: 'an end-to-end test secret of 32+ characters' },
          { logger },
        );
        return { ...server, close: async () => (await server.close(), await schema.drop()) };
      },
    ],
  ];
}

const errorsLogged: unknown[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line !== '') errorsLogged.push(JSON.parse(line));
    done();
  },
});

describe.each(await engines(pino({ level: 'error' }, sink)))('hostile numbers and cursors on %s', (_name, start) => {
  let t: TestServer;
  let alice: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    t = await start();
    const [a, bob] = await freshUsers(t.url, 2);
    alice = a;
    conversationId = (await createGroup(alice, [bob])).id;
    expect((await postMessage(t.url, alice, conversationId, 'hello there')).status).toBe(201);
  });
  afterAll(() => t?.close());

  it.each(CASES)('$name: 400 validation_failed, nothing logged at error level', async ({ method = 'GET', path, body }) => {
    const before = errorsLogged.length;
    const response = await api(t.url, method, path(conversationId), { token: alice.token, ...(body === undefined ? {} : { body }) });
    expectError(response, 400, 'validation_failed');
    expect(errorsLogged.slice(before)).toEqual([]);
  });

  it('a read or delivered frame with a seq beyond 2^53 − 1: an error frame validation_failed, the socket stays open', async () => {
    const socket = await RawSocket.ready(t.url, alice.token);
    try {
      const before = errorsLogged.length;
      for (const [type, id] of [
        ['read', 'r1'],
        ['delivered', 'd1'],
      ] as const) {
        socket.send(`{"type":"${type}","id":"${id}","conversationId":"${conversationId}","seq":${BEYOND_BIGINT}}`);
        const error = await socket.next((f) => f.type === 'error' && (f as { id?: string }).id === id);
        expect(error).toMatchObject({ error: { code: 'validation_failed' } });
      }
      socket.send({ type: 'read', id: 'r2', conversationId, seq: 1 });
      expect(await socket.next((f) => f.type === 'ack' && f.id === 'r2')).toMatchObject({ readSeq: 1 });
      expect(errorsLogged.slice(before)).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('still takes the largest safe position and a real instant', async () => {
    const history = await api(t.url, 'GET', `/api/v1/conversations/${conversationId}/messages?before=9007199254740991`, {
      token: alice.token,
    });
    expect(history.status).toBe(200);
    const search = await api(t.url, 'GET', '/api/v1/search?q=hello&after=2016-12-31T23:59:59Z', { token: alice.token });
    expect(search.status).toBe(200);
    expect(search.body.items).toHaveLength(1);
  });
});
