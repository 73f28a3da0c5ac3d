import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Message } from '@confab/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/bus/bus.js';
import { MemoryBus } from '../../src/bus/memory-bus.js';
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { api, registerUser, startServer, until } from '../harness.js';
import { createGroup, freshUsers } from '../factories.js';
import { TEST_ADDRESS_LIMITS, TEST_STORE_SETTINGS } from '../process.js';
import { type Scrape, scrape } from '../scrape.js';
import { createTestSchema, postgresService, requireService, withPostgres } from '../services.js';

const DASHBOARD = fileURLToPath(new URL('../../../../deploy/grafana/confab.json', import.meta.url));

/** An in-process bus that loses every message.created while `dropping` (as Redis may, without a reconnect). */
class DroppingBus extends MemoryBus {
  override readonly lossless = false;
  dropping = false;
  override publish(topics: readonly string[], event: BusEvent): Promise<void> {
    if (this.dropping && 'type' in event && event.type === 'message.created') return Promise.resolve();
    return super.publish(topics, event);
  }
}

/** How much a sample moved between two scrapes (a missing sample counts as 0). */
const moved = (before: Scrape, after: Scrape, name: string, labels?: Record<string, string>) =>
  (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);

/** Each metric an operator graphs, moved by the action it counts, as GET /metrics shows it. */
describe('GET /metrics', () => {
  const bus = new DroppingBus();
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'confab-metrics-'));
    const env = {
      ...TEST_ADDRESS_LIMITS,
      ...TEST_STORE_SETTINGS,
      ...{ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', LIVE_CHECK_INTERVAL_MS: '100' },
      // Deliveries to a closed port fail and wait a minute before the next attempt: they stay in the outbox.
      ...{ NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/hook', NOTIFY_WEBHOOK_SECRET: 'a webhook secret', NOTIFY_RETRY_BASE_MS: '60000' },
    };
    const server = await createServer(loadConfig(env), { bus });
    url = await server.listen();
    close = async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
  });
  afterAll(() => close());

  it('moves send→ack and fan-out latency, messages and frames, sockets and subscriptions; shows event-loop lag', async () => {
    const [alice, bob] = await freshUsers(url, 2);
    const group = await createGroup(alice, [bob]);
    const before = await scrape(url);
    const [a, b] = [alice.client.connect(), bob.client.connect()];
    await Promise.all([a.ready(), b.ready()]);
    const open = await scrape(url);
    expect(moved(before, open, 'confab_websockets_open')).toBe(2);
    // Each socket listens to its user's topic and to the group's.
    expect(moved(before, open, 'confab_ws_subscriptions')).toBe(4);
    expect(moved(before, open, 'confab_bus_topics')).toBe(3);

    const received = new Promise<Message>((resolve) => b.on('message.created', ({ message }) => resolve(message)));
    await a.send(group.id, 'hello');
    await received;
    await until(async () => moved(before, await scrape(url), 'confab_fanout_latency_seconds_count') === 1, 'the fan-out observed');
    const after = await scrape(url);
    expect(moved(before, after, 'confab_ws_send_ack_seconds_count')).toBe(1);
    expect(moved(before, after, 'confab_ws_send_ack_seconds_sum')).toBeGreaterThan(0);
    expect(moved(before, after, 'confab_ws_send_ack_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(moved(before, after, 'confab_fanout_latency_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(moved(before, after, 'confab_messages_stored_total')).toBe(1);
    expect(moved(before, after, 'confab_ws_frames_delivered_total')).toBeGreaterThanOrEqual(2); // alice's copy and bob's
    expect(after.value('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(after.value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
    // The event-loop delay histogram has ticked since the server started, every sample in +Inf.
    const ticks = after.value('confab_event_loop_delay_seconds_bucket', { le: '+Inf' });
    expect(ticks).toBeGreaterThan(0);
    expect(after.value('confab_event_loop_delay_seconds_count')).toBe(ticks);

    a.close();
    b.close();
    await until(async () => moved(before, await scrape(url), 'confab_websockets_open') === 0, 'the sockets uncounted');
    expect(moved(before, await scrape(url), 'confab_ws_subscriptions')).toBe(0);
  });

  it('counts a live-check repair when the bus lost an event, which still arrives', async () => {
    const [alice, bob] = await freshUsers(url, 2);
    const group = await createGroup(alice, [bob]);
    const live = bob.client.connect();
    await live.ready();
    const received = new Promise<Message>((resolve) => live.on('message.created', ({ message }) => resolve(message)));
    const before = await scrape(url);
    bus.dropping = true;
    try {
      await alice.client.sendMessage(group.id, 'lost by the bus', 'c-lost');
    } finally {
      bus.dropping = false;
    }
    expect((await received).body).toBe('lost by the bus');
    expect(moved(before, await scrape(url), 'confab_live_check_repairs_total')).toBe(1);
    live.close();
  });

  it('shows the outbox depth: a webhook delivery that cannot be made waits there', async () => {
    const [alice, bob] = await freshUsers(url, 2);
    const group = await createGroup(alice, [bob]);
    const before = await scrape(url);
    await alice.client.sendMessage(group.id, `look @${bob.auth.user.username}`, 'c-mention'); // a mention: one notification
    await until(async () => moved(before, await scrape(url), 'confab_outbox_pending') === 1, 'the delivery counted');
  });

  it('counts rate-limit trips by limit', async () => {
    const limited = await startServer({ RATE_LIMIT_REGISTER_IP: '1/3600' });
    try {
      const register = (username: string) =>
        api(limited.url, 'POST', '/api/v1/auth/register', { body: { username, password: 'correct horse battery' } });
      const before = await scrape(limited.url);
      expect(before.value('confab_rate_limit_trips_total')).toBeUndefined(); // nothing tripped yet
      expect((await register('first_of_two')).status).toBe(201);
      expect((await register('second_of_two')).status).toBe(429);
      expect((await scrape(limited.url)).value('confab_rate_limit_trips_total', { limit: 'registerIp' })).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it('has every metric the Grafana dashboard queries, and the dashboard graphs every confab_ metric', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      uid: string;
      panels: { id: number; title: string; targets: { expr: string }[] }[];
      templating: { list: { name: string }[] };
    };
    expect(dashboard.uid).toBe('confab');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance']);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const queried = new Set(
      dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/([a-z_][a-z0-9_]*)\{/g)].map((m) => m[1]!))),
    );
    const { families } = await scrape(url);
    // A histogram is queried by its _bucket series, a family declared under its own name.
    const family = (name: string) => (families.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''));
    expect([...queried].filter((name) => !families.has(family(name)))).toEqual([]);
    const graphed = new Set([...queried].map(family));
    expect([...families.keys()].filter((name) => name.startsWith('confab_') && !graphed.has(name))).toEqual([]);
  });
});

describe('GET /metrics on PostgreSQL', async () => {
  const maybe = await requireService(postgresService);
  maybe('the database pool', () => {
    it('shows queries waiting for a pooled connection while every connection is busy', async () => {
      const schema = await createTestSchema();
      const t = await startServer({
        DATABASE_URL: schema.url,
        DATABASE_POOL_SIZE: '1',
        JWT_SECRET: 'a metrics test secret of 32+ characters',
      });
      try {
        const user = await registerUser(t.url);
        expect((await scrape(t.url)).value('confab_db_pool_connections', { state: 'waiting' })).toBe(0);
        await withPostgres(schema.url, async (client) => {
          // The first read holds the pool's one connection, blocked on the lock; the second waits for it.
          await client.query('begin');
          await client.query('lock table users in access exclusive mode');
          const reads = [user.client.me(), user.client.me()];
          await until(
            async () => ((await scrape(t.url)).value('confab_db_pool_connections', { state: 'waiting' }) ?? 0) >= 1,
            'a query waiting for the pool',
          );
          await client.query('commit');
          await Promise.all(reads);
        });
        await until(async () => (await scrape(t.url)).value('confab_db_pool_connections', { state: 'waiting' }) === 0, 'the queue drained');
        expect((await scrape(t.url)).value('confab_db_pool_connections', { state: 'total' })).toBe(1);
      } finally {
        await t.close();
        await schema.drop();
      }
    });
  });
});
