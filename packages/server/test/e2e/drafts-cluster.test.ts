import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Draft, EventOf, ServerFrame } from '@confab/protocol';
import { loadConfig } from '../../src/config.js';
import { type ConfabServer, createServer } from '../../src/server.js';
import { postMessage } from '../factories.js';
import { RawSocket, type TestUser, api, registerUser } from '../harness.js';
import { type TestSchema, createTestSchema, postgresService, redisService, requireService } from '../services.js';

const describeCluster = await requireService(postgresService, redisService);

/**
 * Issue 37: one person's draft edited on two devices at once, each device on its own node (two
 * nodes in this process, each with its own PostgreSQL pool and Redis bus, on one schema): every
 * round, exactly one save wins and the other is told the winner's draft; each device hears the
 * other's saves and the clear after a send, across nodes.
 */
describeCluster('drafts edited on two devices at once, on two nodes (PostgreSQL + Redis)', () => {
  let schema: TestSchema;
  let nodes: ConfabServer[];
  let urls: string[];
  beforeAll(async () => {
    schema = await createTestSchema();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      DATABASE_URL: schema.url,
      DATABASE_POOL_SIZE: '4',
      JWT_SECRET: 'a shared secret of at least thirty-two characters',
      REDIS_URL: redisService.url,
      REDIS_CHANNEL_PREFIX: `confab-test:${randomUUID()}:`,
      RATE_LIMIT_REGISTER_IP: '0',
    });
    nodes = [await createServer(config), await createServer(config)];
    urls = await Promise.all(nodes.map((node) => node.listen()));
  }, 120_000);
  afterAll(async () => {
    await Promise.all((nodes ?? []).map((node) => node.close()));
    await schema?.drop();
  });
  const at = (node: number) => urls[node]!;
  const save = (node: number, user: TestUser, conversationId: string, body: string, version: number) =>
    api(at(node), 'PUT', `/api/v1/conversations/${conversationId}/draft`, { token: user.token, body: { body, version } });
  const isDraft = (f: ServerFrame): f is EventOf<'draft.updated'> => f.type === 'draft.updated';

  it('lets exactly one of two racing saves win each round, tells the loser what won, and clears on both after a send', async () => {
    const alice = await registerUser(at(0));
    const group = await alice.client.createGroup('drafts', []);
    const devices = [await RawSocket.ready(at(0), alice.token), await RawSocket.ready(at(1), alice.token)];
    let version = 0;
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all([0, 1].map((node) => save(node, alice, group.id, `round ${round} from node ${node}`, version)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const won = answers.find((a) => a.status === 200)!.body.draft as Draft;
      const lost = answers.find((a) => a.status === 409)!;
      expect(lost.body.error).toMatchObject({ code: 'draft_conflict', draft: won });
      expect(won.version).toBe(version + 1);
      version = won.version;
      // Both devices, each on its own node, hear the winning save.
      for (const device of devices) await device.next((f) => isDraft(f) && f.draft.version === version);
    }
    expect((await alice.client.drafts()).items).toEqual([expect.objectContaining({ version, body: expect.stringMatching(/^round 4/) })]);

    expect((await postMessage(at(0), alice, group.id, 'sent from node 0')).status).toBe(201);
    for (const device of devices) await device.next((f) => isDraft(f) && f.deleted && f.draft.version === version + 1);
    expect((await alice.client.drafts()).items).toEqual([]);
    // Each device got every change once, in order.
    for (const device of devices) expect(device.frames.filter(isDraft).map((f) => f.draft.version)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const device of devices) device.close();
  });
});
