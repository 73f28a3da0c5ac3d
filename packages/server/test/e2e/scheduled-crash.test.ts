import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduledMessage } from '@confab/protocol';
import { useCluster } from '../cluster.js';
import { api, historyOf, registerUser, sleep, until } from '../harness.js';
import { processSandbox } from '../process.js';
import { postgresService, redisService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);
const describeRedis = await requireService(redisService);
const describeCluster = describePostgres === describeRedis ? describePostgres : describe.skip;

// A short lead and a quick poll: a test schedules a second or two ahead instead of a minute.
const TIMINGS = { SCHEDULED_MIN_LEAD_MS: '1000', SCHEDULED_POLL_INTERVAL_MS: '50' };

/** Schedules `body` into the conversation for `at` (epoch ms); the 202's schedule. */
async function schedule(url: string, token: string, conversationId: string, body: string, at: number): Promise<ScheduledMessage> {
  const answer = await api(url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
    token,
    body: { clientId: crypto.randomUUID(), body, scheduledAt: new Date(at).toISOString() },
  });
  expect(answer.status).toBe(202);
  return answer.body.scheduled as ScheduledMessage;
}

/** How many times each body is in the history. */
function counts(bodies: string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const body of bodies) seen.set(body, (seen.get(body) ?? 0) + 1);
  return seen;
}

/**
 * Issue 37: a scheduled message is sent exactly once, by whichever node is up, surviving restarts
 * and kill -9. Claims are leased (scheduled-dispatcher.ts): a row claimed by a node that dies is
 * claimed again when the lease has passed, and the send's clientId (`sched-<id>`) makes a second
 * send of it the same message.
 */
describe('scheduled send across a crash (SQLite, one node)', () => {
  let sandbox: Awaited<ReturnType<typeof processSandbox>> | undefined;
  afterEach(() => sandbox?.cleanup());

  it('sends what fell due while the node was down once it is back, each message once', async () => {
    sandbox = await processSandbox('scheduled', TIMINGS);
    let server = await sandbox.start();
    const alice = await registerUser(server.url, 'sched_crash');
    const group = await alice.client.createGroup('crash', []);
    const due = Date.now() + 2000;
    const bodies = ['one', 'two', 'three', 'four', 'five'];
    for (const [i, body] of bodies.entries()) await schedule(server.url, alice.token, group.id, body, due + i * 100);

    server.child.kill('SIGKILL');
    await server.exited;
    await sleep(Math.max(0, due + 1000 - Date.now())); // all due while the node is down
    server = await sandbox.start(); // the same address, data and signing key: Alice's token still works
    const reader = alice.client;
    await until(
      async () => (await historyOf(reader, group.id)).filter((m) => bodies.includes(m.body ?? '')).length >= 5,
      'all five sent',
      30_000,
    );
    await sleep(500); // ten more polls: nothing is sent twice
    const sent = (await historyOf(reader, group.id)).filter((m) => bodies.includes(m.body ?? ''));
    expect([...counts(sent.map((m) => m.body ?? '')).values()]).toEqual([1, 1, 1, 1, 1]);
    // In the order of their times.
    expect(sent.map((m) => m.body ?? '')).toEqual(bodies);
    expect((await api(server.url, 'GET', '/api/v1/scheduled', { token: alice.token })).body.items).toEqual([]);
  }, 90_000);
});

describeCluster('scheduled send across two nodes (PostgreSQL + Redis)', () => {
  const cluster = useCluster({ nodes: 2, env: TIMINGS }, 150_000);

  it('a node killed while messages fall due: the other sends them, each exactly once', async () => {
    const c = cluster();
    await c.ensureAllUp();
    const alice = await registerUser(c.nodes[0]!.url, 'sched_kill');
    const bob = await registerUser(c.nodes[1]!.url, 'sched_kill');
    const conversation = await alice.client.createGroup('two nodes', [bob.id]);

    // Twenty messages falling due over two seconds; node 0 dies in the middle of them.
    const start = Date.now() + 1500;
    const bodies = Array.from({ length: 20 }, (_, i) => `due ${i}`);
    const times = new Map<string, number>();
    for (const [i, body] of bodies.entries()) {
      const at = start + i * 100;
      times.set(body, at);
      await schedule(c.nodes[1]!.url, alice.token, conversation.id, body, at);
    }
    await sleep(Math.max(0, start + 1000 - Date.now()));
    await c.kill(0);

    // A row node 0 had claimed but not sent is claimed again once its 30 s lease has passed.
    const reader = bob.client; // on node 1
    await until(
      async () => (await historyOf(reader, conversation.id)).filter((m) => bodies.includes(m.body ?? '')).length >= 20,
      'all twenty sent',
      60_000,
    );
    await sleep(500);
    const sent = (await historyOf(reader, conversation.id)).filter((m) => bodies.includes(m.body ?? ''));
    const perBody = counts(sent.map((m) => m.body ?? ''));
    expect(bodies.map((b) => perBody.get(b))).toEqual(bodies.map(() => 1));
    // Those due after the kill are sent by node 1 on time (±5 s).
    const killedAt = start + 1000;
    for (const m of sent) {
      const at = times.get(m.body ?? '')!;
      if (at > killedAt + 200) expect(Date.parse(m.createdAt) - at).toBeLessThan(5000);
      expect(Date.parse(m.createdAt)).toBeGreaterThanOrEqual(at);
    }
    await c.restart(0);
  }, 150_000);
});
