import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { EventOf } from '@confab/protocol';
import { RedisBus } from '../../src/bus/redis-bus.js';
import { loadConfig } from '../../src/config.js';
import { type ConfabServer, createServer, openStore } from '../../src/server.js';
import type { Store } from '../../src/store/store.js';
import { RawSocket, registerUser } from '../harness.js';
import { redisService, requireService } from '../services.js';

const describeRedis = await requireService(redisService);

/**
 * Two Confab nodes in one process: one shared store, each node with its own Redis bus (chosen by
 * REDIS_URL, as in production), on a channel prefix no other test uses.
 */
describeRedis('two nodes sharing a store and Redis', () => {
  const prefix = `confab-test:${randomUUID()}:`;
  let dataDir: string;
  let store: Store;
  let nodes: ConfabServer[];
  let urlA: string;
  let urlB: string;
  let admin: Redis;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'confab-two-nodes-'));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'a shared secret of at least thirty-two characters',
      REDIS_URL: redisService.url,
      REDIS_CHANNEL_PREFIX: prefix,
    });
    store = await openStore(config);
    // Each node closes what it was given; the test closes the shared store once, at the end.
    const shared = Object.create(store, { close: { value: () => Promise.resolve() } }) as Store;
    nodes = [await createServer(config, { store: shared }), await createServer(config, { store: shared })];
    [urlA, urlB] = (await Promise.all(nodes.map((node) => node.listen()))) as [string, string];
    admin = new Redis(redisService.url);
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await store.close();
    await admin.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uses the Redis bus when REDIS_URL is set, and reports it ready', async () => {
    for (const url of [urlA, urlB]) {
      const response = await fetch(`${url}/readyz`);
      expect(response.status).toBe(200);
    }
    expect((await admin.pubsub('NUMSUB', `${prefix}bus:resync`)) as unknown[]).toEqual([`${prefix}bus:resync`, 2]);
  });

  it('delivers live to a socket on node A a message sent through node B', async () => {
    const alice = await registerUser(urlA, 'alice');
    const bob = await registerUser(urlB, 'bob');
    const dm = await bob.client.openDirect(alice.id);
    const socket = await RawSocket.ready(urlA, alice.token);

    const sent = await bob.client.sendMessage(dm.id, 'hello from node B');
    const frame = await socket.next<EventOf<'message.created'>>((f) => f.type === 'message.created');
    expect(frame.message).toMatchObject({ id: sent.id, body: 'hello from node B', senderId: bob.id, seq: sent.seq });
    socket.close();
  });

  it('delivers to a socket on node B the events of a conversation it joins after connecting', async () => {
    const owner = await registerUser(urlA, 'owner');
    const other = await registerUser(urlA, 'other');
    const joiner = await registerUser(urlB, 'joiner');
    const socket = await RawSocket.ready(urlB, joiner.token);
    const group = await owner.client.createGroup('scale-out', [other.id]);

    await owner.client.addMember(group.id, joiner.id); // through node A
    await socket.next((f) => f.type === 'member.added');
    // Node B subscribes to the conversation once the event reaches it: wait for Redis to see it.
    const channel = `${prefix}conv:${group.id}`;
    await expect.poll(async () => ((await admin.pubsub('NUMSUB', channel)) as [string, number])[1]).toBe(1);

    const sent = await owner.client.sendMessage(group.id, 'welcome');
    // (The join's system message comes first.)
    const frame = await socket.next<EventOf<'message.created'>>((f) => f.type === 'message.created' && f.message.kind !== 'system');
    expect(frame.message).toMatchObject({ id: sent.id, body: 'welcome', conversationId: group.id });
    socket.close();
  });

  it("tells a node's sockets to catch up after its Redis subscriber was lost, and delivers live again", async () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'a shared secret of at least thirty-two characters',
    });
    const name = `confab-test-${randomUUID()}`;
    const bus = new RedisBus({ url: redisService.url, prefix, logger: nodes[0]!.logger, name, retryBaseMs: 20, retryMaxMs: 200 });
    expect(await bus.waitUntilReady(5000)).toBe(true);
    const shared = Object.create(store, { close: { value: () => Promise.resolve() } }) as Store;
    const nodeC = await createServer(config, { store: shared, bus });
    try {
      const urlC = await nodeC.listen();
      const alice = await registerUser(urlA, 'alice');
      const bob = await registerUser(urlC, 'bob');
      const dm = await alice.client.openDirect(bob.id);
      const socket = await RawSocket.ready(urlC, bob.token);

      const list = (await admin.client('LIST')) as string;
      const id = /^id=(\d+)/.exec(list.split('\n').find((l) => l.includes(` name=${name}:sub `)) ?? '')?.[1];
      expect(await admin.client('KILL', 'ID', id!)).toBe(1);
      await socket.next((f) => f.type === 'heads');

      const sent = await alice.client.sendMessage(dm.id, 'after the outage'); // through node A
      const frame = await socket.next<EventOf<'message.created'>>((f) => f.type === 'message.created' && f.message.id === sent.id);
      expect(frame.message.body).toBe('after the outage');
      socket.close();
    } finally {
      await nodeC.close();
    }
  });

  it('answers 503 on /readyz once its bus cannot reach Redis', async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const bus = new RedisBus({ url: 'redis://127.0.0.1:1', prefix, logger: nodes[0]!.logger, retryBaseMs: 1000, retryMaxMs: 1000 });
    const shared = Object.create(store, { close: { value: () => Promise.resolve() } }) as Store;
    const node = await createServer(config, { store: shared, bus });
    try {
      const response = await fetch(`${await node.listen()}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
    } finally {
      await node.close();
    }
  });
});
