import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ConfabClient } from '@confab/client';
import type { Message } from '@confab/protocol';
import { newClient, sleep, uniqueName, until, recordingWebSocket } from '../harness.js';
import { DEPLOY_NGINX_CONF, type NginxProcess, nginxService, renderNginxConf, startNginx } from '../nginx.js';
import { type ServerProcess, freePort, startServerProcess } from '../process.js';
import { type TestSchema, createTestSchema, postgresService, redisService, requireService } from '../services.js';

describe('deploy/nginx.conf', () => {
  it('renders for other ports and nodes, keeping the health-check parameters', () => {
    const conf = renderNginxConf(readFileSync(DEPLOY_NGINX_CONF, 'utf8'), {
      listenPort: 4321,
      upstreams: ['127.0.0.1:1111', '127.0.0.1:2222'],
    });
    expect(conf).toContain('listen 127.0.0.1:4321;');
    expect(conf.match(/^\s*server \S+ max_fails=\d+ fail_timeout=\d+s;$/gm)?.map((line) => line.trim().split(' ')[1])).toEqual([
      '127.0.0.1:1111',
      '127.0.0.1:2222',
    ]);
    expect(conf).not.toMatch(/^\s*(ip_hash|hash|sticky)\b/m); // no stickiness: any node serves any client
    expect(conf).toMatch(/^\s*zone \S+ \d+k;$/m); // least_conn and max_fails counted across nginx's workers
  });
});

const describeCluster = await requireService(nginxService, postgresService, redisService);

/** Open WebSockets on one node, read from its own /metrics (nginx does not publish them). */
async function socketsOn(node: ServerProcess): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  return Number(/^confab_websockets_open (\S+)$/m.exec(text)?.[1] ?? NaN);
}

/** A send as a careful client makes it: retried with the same clientId until answered. */
async function sendUntilStored(
  client: ConfabClient,
  conversationId: string,
  body: string,
  clientId: string,
  retries: { n: number },
): Promise<Message> {
  for (;;) {
    try {
      return await client.sendMessage(conversationId, body, clientId);
    } catch (error) {
      // Only "not reached" (0), "bad gateway" and "unavailable" are worth a retry.
      if (!(error instanceof ApiError) || ![0, 502, 503].includes(error.status)) throw error;
      retries.n += 1;
      await sleep(20);
    }
  }
}

/**
 * deploy/nginx.conf in front of two `confab serve` processes sharing PostgreSQL (a schema of this
 * test's own) and Redis (a channel prefix of its own). Clients know only nginx's address.
 */
describeCluster('two nodes behind nginx (deploy/nginx.conf)', () => {
  let schema: TestSchema;
  const dataDirs: string[] = [];
  let nodes: ServerProcess[] = [];
  let nginx: NginxProcess;

  beforeAll(async () => {
    schema = await createTestSchema();
    const shared = {
      DATABASE_URL: schema.url,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redisService.url,
      REDIS_CHANNEL_PREFIX: `confab-test:${randomUUID()}:`,
      JWT_SECRET: 'a shared secret of at least thirty-two characters',
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const ports = [await freePort(), await freePort()];
    nodes = await Promise.all(
      ports.map((port) => {
        const dataDir = mkdtempSync(path.join(tmpdir(), 'confab-nginx-node-'));
        dataDirs.push(dataDir);
        return startServerProcess({ ...shared, DATA_DIR: dataDir, PORT: String(port) });
      }),
    );
    nginx = await startNginx({ listenPort: await freePort(), upstreams: ports.map((port) => `127.0.0.1:${port}`) });
  }, 60_000);

  afterAll(async () => {
    await nginx?.stop();
    for (const node of nodes) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((node) => node.exited));
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    await schema?.drop();
  });

  it('passes an upload larger than the JSON body limit to a node, streamed, and the file back from either node', async () => {
    const alice = newClient(nginx.url);
    await alice.register({ username: uniqueName('alice'), password: 'correct horse battery' });
    const bytes = new Uint8Array(5 * 1024 * 1024).map((_, i) => i % 251);
    const upload = await alice.upload(new Blob([bytes]), 'five.bin');
    expect(upload.size).toBe(bytes.length);
    for (let i = 0; i < 2; i++) {
      const served = new Uint8Array(await (await alice.files.download(upload.id, { start: 1000, end: 1999 })).arrayBuffer());
      expect(served).toEqual(bytes.subarray(1000, 2000));
    }
  });

  it('serves REST and WebSocket; when the node holding the socket stops, the SDK resumes on the other with nothing lost', async () => {
    const alice = newClient(nginx.url);
    const bob = newClient(nginx.url);
    await alice.register({ username: uniqueName('alice'), password: 'correct horse battery' });
    const bobUser = (await bob.register({ username: uniqueName('bob'), password: 'correct horse battery' })).user;
    const dm = await alice.openDirect(bobUser.id);

    const closeCodes = new Map<number, number>();
    const live = bob.connect({ minReconnectDelayMs: 50, maxReconnectDelayMs: 250, WebSocket: recordingWebSocket(closeCodes) });
    const received: Message[] = [];
    live.on('message.created', ({ message }) => received.push(message));
    await live.ready();

    // A live message, sent over REST through nginx, reaches the socket through nginx.
    const first = await alice.sendMessage(dm.id, 'hello through nginx', 'first');
    await until(() => received.length === 1, 'the first message live');
    expect(received[0]).toMatchObject({ id: first.id, body: 'hello through nginx' });

    const counts = await Promise.all(nodes.map(socketsOn));
    expect(counts.sort()).toEqual([0, 1]);
    const holder = (await socketsOn(nodes[0]!)) === 1 ? nodes[0]! : nodes[1]!;
    const other = holder === nodes[0] ? nodes[1]! : nodes[0]!;

    // Carol long-polls through nginx. least_conn puts at least one of four polls on the node about
    // to stop (Bob's socket counts there), as long as nginx's workers share their counts (the zone).
    const carol = newClient(nginx.url);
    const carolUser = (await carol.register({ username: uniqueName('carol'), password: 'correct horse battery' })).user;
    const carolDm = await alice.openDirect(carolUser.id);
    const cursor = (await carol.http.request<{ cursor: string }>('GET', '/api/v1/sync')).cursor;
    const polls = Array.from({ length: 4 }, () =>
      carol.http.request<{ events: unknown[] }>('GET', '/api/v1/sync', { query: { since: cursor, timeout: 25 } }),
    );
    await sleep(300);

    // Alice keeps sending through nginx while the node holding Bob's socket is stopped.
    const retries = { n: 0 };
    const sent: Message[] = [first];
    let stop = false;
    const sender = (async () => {
      for (let i = 1; !stop || i <= 60; i++) {
        sent.push(await sendUntilStored(alice, dm.id, `message ${i}`, `m-${i}`, retries));
        await sleep(10);
      }
    })();
    await until(() => sent.length >= 20, '20 sends before the stop');
    holder.child.kill('SIGTERM');
    expect(await holder.exited, holder.output()).toBe(0);
    stop = true;
    await sender;

    // Bob's socket was told "going away"; the SDK came back through nginx, on the other node.
    expect(closeCodes.get(0)).toBe(1001);
    await until(async () => live.state === 'open' && (await socketsOn(other)) === 1, 'the socket to be back, on the other node');
    // The stopping node answered its polls 503; nginx retried those GETs on the other node.
    await alice.sendMessage(carolDm.id, 'wake up, carol');
    for (const poll of polls) expect((await poll).events.length).toBeGreaterThan(0);
    expect(nginx.accessLog()).toMatch(/"GET \/api\/v1\/sync" 200 .* upstream \S+, \S+ 503, 200/);

    // Nothing lost, nothing twice, in order: what Bob received is exactly what was stored.
    await until(() => received.length >= sent.length, `${sent.length} messages received`);
    await live.settled();
    // A duplicate would arrive before a later message of the same conversation: wait for one.
    const barrier = await alice.sendMessage(dm.id, 'barrier');
    await until(() => received.some((m) => m.id === barrier.id), 'the barrier message');
    sent.push(barrier);
    expect(received.map((m) => m.seq)).toEqual(sent.map((m) => m.seq).sort((a, b) => a - b));
    expect(received.map((m) => m.seq)).toEqual(Array.from({ length: sent.length }, (_, i) => i + 1));
    const stored: Message[] = [];
    for (let after = 0; ;) {
      const page = await bob.history(dm.id, { after, limit: 100 });
      stored.push(...page.items);
      if (page.nextCursor === null) break;
      after = Number(page.nextCursor);
    }
    expect(stored.map((m) => m.clientId)).toEqual(received.map((m) => m.clientId));
    live.close();
  }, 90_000);
});
