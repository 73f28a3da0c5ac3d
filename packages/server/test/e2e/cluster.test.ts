import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { ConfabClient, type RealtimeConnection } from '@confab/client';
import type { EventOf, Message } from '@confab/protocol';
import { type Balancer, Cluster } from '../cluster.js';
import { expectError, postMessage } from '../factories.js';
import { NodeWebSocket, type TestUser, api, registerUser, startServer, until } from '../harness.js';
import { describe } from 'vitest';
import { mysqlService, postgresService, redisService, requireService } from '../services.js';
import { TcpProxy } from '../tcp-proxy.js';

const describeCluster = await requireService(postgresService, redisService);
/** The shared engines the cluster runs on: PostgreSQL, and MariaDB/MySQL when it answers (skipped loudly otherwise). */
const clusterEngines: ['PostgreSQL' | 'MariaDB', 'postgres' | 'mysql'][] = [
  ['PostgreSQL', 'postgres'],
  ...((await requireService(mysqlService)) === describe ? [['MariaDB', 'mysql'] as ['MariaDB', 'mysql']] : []),
];

/**
 * The scale-out issue, end to end: three `confab serve` processes on one PostgreSQL schema and
 * one Redis prefix, users spread over them through the SDK. Timings are shortened by env so the
 * file stays well under a minute on two cores; every wait is on a condition with a deadline.
 */
const PRESENCE_TTL_MS = 1000;
const SDK = { minReconnectDelayMs: 50, maxReconnectDelayMs: 400, sendTimeoutMs: 60_000 };

interface Member extends TestUser {
  conn: RealtimeConnection;
  /** message.created events the SDK handed to the application, per conversation. */
  inbox: Map<string, Message[]>;
}

describeCluster.each(clusterEngines)('a three-node cluster (%s + Redis)', (_name, engine) => {
  let cluster: Cluster;
  let fronts: Balancer[];
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    cluster = await Cluster.start({
      nodes: 3,
      engine,
      env: { WS_PING_INTERVAL_MS: '5000', PRESENCE_TTL_MS: String(PRESENCE_TTL_MS), GROUP_COMMIT_MAX_BATCH: '20' },
    });
    fronts = await Promise.all(cluster.nodes.map((node) => cluster.front(node.index)));
  }, 150_000);
  afterAll(async () => {
    await cluster?.close();
  }, 30_000);
  beforeEach(async () => {
    await cluster.ensureAllUp(); // a test that killed a node leaves it to be restarted here
  }, 60_000);
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  const nodeUrl = (index: number) => cluster.nodes[index]!.url;

  async function connect(user: TestUser, client = user.client): Promise<Member> {
    const conn = client.connect(SDK);
    cleanups.push(() => conn.close());
    const inbox = new Map<string, Message[]>();
    conn.on('message.created', ({ message }) => {
      const list = inbox.get(message.conversationId) ?? [];
      list.push(message);
      inbox.set(message.conversationId, list);
    });
    await conn.ready();
    return { ...user, conn, inbox };
  }

  const seqsOf = (member: Member, conversationId: string) => (member.inbox.get(conversationId) ?? []).map((m) => m.seq);

  /** Every member got exactly the stored history, once each, in seq order. */
  async function expectEveryoneGot(members: Member[], conversationId: string, history: Message[]): Promise<void> {
    await until(
      () => members.every((m) => seqsOf(m, conversationId).length >= history.length),
      () =>
        `every member to receive ${history.length} messages (counts: ${members.map((m) => seqsOf(m, conversationId).length).join(',')})`,
    );
    await Promise.all(members.map((m) => m.conn.settled()));
    // A duplicate would arrive before a later message of the conversation: send one and wait for it.
    const marker = await members[0]!.client.sendMessage(conversationId, 'marker');
    await until(() => members.every((m) => seqsOf(m, conversationId).includes(marker.seq)), 'every member to receive the marker');
    const received = (member: Member) => (member.inbox.get(conversationId) ?? []).filter((m) => m.id !== marker.id);
    const expected = history.map((m) => m.seq);
    for (const member of members)
      expect(
        received(member).map((m) => m.seq),
        `member ${member.auth.user.username}`,
      ).toEqual(expected);
    for (const member of members) expect(received(member).map((m) => m.id)).toEqual(history.map((m) => m.id));
    // The marker is not part of what the test sent: forget it, so a later check of the same history holds.
    for (const member of members) member.inbox.set(conversationId, received(member));
  }

  it('delivers a DM and a 50-member group to members on every node: once each, in seq order', async () => {
    const users = await Promise.all(Array.from({ length: 50 }, (_, i) => registerUser(nodeUrl(i % 3), `g${i}`)));
    const dm = await users[0]!.client.openDirect(users[1]!.id);
    const group = await users[0]!.client.createGroup(
      'fifty',
      users.slice(1).map((u) => u.id),
    );
    const members = await Promise.all(users.map((u) => connect(u)));
    const [a, b, c] = members as [Member, Member, Member]; // on nodes 0, 1 and 2

    // Three senders on three nodes at once (two over the WebSocket, one over REST), and the DM.
    const perSender = 20;
    const sends: Promise<Message>[] = [];
    for (let i = 0; i < perSender; i++) {
      sends.push(a.conn.send(group.id, `a ${i}`), b.conn.send(group.id, `b ${i}`), c.client.sendMessage(group.id, `c ${i}`));
      if (i < 15) sends.push(a.conn.send(dm.id, `dm a ${i}`), b.conn.send(dm.id, `dm b ${i}`));
    }
    const sent = await Promise.all(sends);

    const groupHistory = await fullHistory(a.client, group.id);
    expectGapFree(groupHistory, 3 * perSender);
    const dmHistory = await fullHistory(b.client, dm.id);
    expectGapFree(dmHistory, 30);
    expect(new Set(sent.map((m) => m.id)).size).toBe(sent.length);

    await expectEveryoneGot(members, group.id, groupHistory);
    await expectEveryoneGot([a, b], dm.id, dmHistory);
    for (const member of members.slice(2)) expect(member.inbox.has(dm.id)).toBe(false);
  }, 60_000);

  it('a node SIGKILLed mid-burst: its clients resume on the others; every send stored once, every message received once', async () => {
    const victim = 2;
    // Clients reach the cluster through balancers: six through ones that prefer a node each (so
    // two sit on the victim), two through the round-robin one.
    const entries = [...[0, 1, 2, 0, 1, 2].map((i) => fronts[i]!.url), cluster.url, cluster.url];
    const users = await Promise.all(entries.map((url, i) => registerUser(url, `k${i}`)));
    const group = await users[0]!.client.createGroup(
      'crash',
      users.slice(1).map((u) => u.id),
    );
    const members = await Promise.all(users.map((u) => connect(u)));
    const senders = [members[2]!, members[0]!]; // on the victim, and on node 0
    const routedBefore = new Map(fronts[victim]!.routed);

    const perSender = 250;
    const total = perSender * senders.length;
    // The kill is sent from the acknowledgement that reaches the threshold, so it lands mid-burst
    // however fast the machine (group commit is capped at 20 a batch for the cluster).
    let killing: Promise<void> | undefined;
    const ackedBeforeKill = new Set<string>();
    let victimAcks = 0;
    let victimAcksAfterKill = 0;
    const sends: Promise<Message>[] = [];
    for (let i = 0; i < perSender; i++) {
      senders.forEach((sender, s) => {
        const clientId = `s${s}-${i}`;
        sends.push(
          sender.conn.send(group.id, `burst ${clientId}`, clientId).then((message) => {
            if (killing !== undefined) {
              if (s === 0) victimAcksAfterKill += 1;
              return message;
            }
            ackedBeforeKill.add(clientId);
            if (s === 0 && ++victimAcks === 40) killing = cluster.kill(victim);
            return message;
          }),
        );
      });
      if (i % 25 === 24) await new Promise((r) => setImmediate(r));
    }
    await until(() => killing !== undefined, 'acknowledgements before the kill');
    await killing;
    const acked = new Set(ackedBeforeKill);
    expect(acked.size).toBeLessThan(total); // the kill really landed mid-burst
    const stored = await Promise.all(sends); // the SDK re-sends what was never acknowledged
    expect(new Set(stored.map((m) => m.id)).size).toBe(total);
    // The victim's sender had sends in flight: re-sent through a survivor, and acknowledged there.
    expect(victimAcksAfterKill, 'acknowledgements of the victim’s sender after the kill').toBeGreaterThan(0);
    const history = await fullHistory(members[0]!.client, group.id);
    expectGapFree(history, total);
    expect(new Set(history.map((m) => m.clientId)).size).toBe(total);
    const storedClientIds = new Set(history.map((m) => m.clientId));
    for (const clientId of acked) expect(storedClientIds.has(clientId)).toBe(true);

    await expectEveryoneGot(members, group.id, history);
    // The victim's clients came back through their balancer, to the other nodes: every socket is there.
    const movedTo = [...fronts[victim]!.routed].filter(
      ([port, n]) => port !== cluster.nodes[victim]!.port && n > (routedBefore.get(port) ?? 0),
    );
    expect(movedTo.length, 'balancer routes of the victim’s clients to another node').toBeGreaterThan(0);
    for (const member of members) expect(member.conn.state, `member ${member.auth.user.username}`).toBe('open');
    const survivors = cluster.nodes.filter((n) => n.alive).map((n) => n.index);
    let open: number[] = [];
    await until(
      async () => {
        open = await Promise.all(survivors.map((i) => cluster.metric(i, 'confab_websockets_open')));
        return open.reduce((a, b) => a + b) === members.length;
      },
      // With the counts: a clean-clone run failed in this test after 17 s (this wait is 10 s) and its output was lost.
      () => `every socket to be open on the surviving nodes (${members.length}; nodes ${survivors.join(', ')} count ${open.join(', ')})`,
      10_000,
    );
  }, 60_000);

  it("a Redis outage mid-burst (the nodes' Redis connections killed, repeatedly): REST keeps working; afterwards every client has every message once, in order", async () => {
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => registerUser(nodeUrl(i % 3), `r${i}`)));
    const group = await users[0]!.client.createGroup(
      'outage',
      users.slice(1).map((u) => u.id),
    );
    const dm = await users[0]!.client.openDirect(users[1]!.id);
    // Count the SDKs' gap fills (GET …/events): with the nodes' own, the outage must have cost live events.
    let gapFills = 0;
    const countingFetch: typeof fetch = (input, init) => {
      if (String(input).includes('/events?')) gapFills += 1;
      return fetch(input, init);
    };
    const members = await Promise.all(
      users.map((u, i) =>
        connect(u, new ConfabClient({ baseUrl: nodeUrl(i % 3), WebSocket: NodeWebSocket, fetch: countingFetch, tokens: u.client.tokens! })),
      ),
    );
    const resyncsBefore = await Promise.all(cluster.nodes.map((n) => cluster.metric(n.index, 'confab_bus_resyncs_total')));
    const serverFills = async () =>
      (await Promise.all(cluster.nodes.map((n) => cluster.metric(n.index, 'confab_ws_gap_fills_total')))).reduce((a, b) => a + b);
    const serverFillsBefore = await serverFills();

    // Three senders on three nodes, paced in waves so the burst spans the outages.
    const waves = 24;
    const perWave = 10;
    let acked = 0;
    const burst = (async () => {
      for (let w = 0; w < waves; w++) {
        const wave: Promise<Message>[] = [];
        for (let i = 0; i < perWave; i++) {
          for (const s of [0, 1, 2]) wave.push(members[s]!.conn.send(group.id, `wave ${w} ${s}.${i}`));
        }
        wave.push(members[0]!.conn.send(dm.id, `dm ${w}`), members[1]!.conn.send(dm.id, `dm back ${w}`));
        await Promise.all(wave);
        acked += wave.length;
      }
    })();

    const waveSize = perWave * 3 + 2;
    const restDuring: number[] = [];
    let presenceDuring: { status: number; body: any } | undefined;
    for (const [k, threshold] of [2, 9, 16].entries()) {
      await until(() => acked >= threshold * waveSize, `wave ${threshold}`);
      await outage(async () => {
        // Redis is down, the store is not: REST still answers on every node.
        if (k !== 0) return;
        const send = await postMessage(nodeUrl(1), users[1]!, group.id, 'sent over REST during the outage');
        const history = await api(nodeUrl(2), 'GET', `/api/v1/conversations/${group.id}/messages`, { token: users[2]!.token });
        restDuring.push(send.status, history.status);
        // Presence lives in Redis: it may answer, or say it is unavailable — never a bare 500.
        presenceDuring = await api(nodeUrl(0), 'GET', `/api/v1/users/${users[1]!.id}/presence`, { token: users[0]!.token });
      });
    }
    await burst;
    expect(restDuring).toEqual([201, 200]);
    if (presenceDuring!.status !== 200) expectError(presenceDuring!, 503, 'unavailable');

    const groupHistory = await fullHistory(members[0]!.client, group.id);
    expectGapFree(groupHistory, waves * perWave * 3 + 1);
    const dmHistory = await fullHistory(members[0]!.client, dm.id);
    expectGapFree(dmHistory, waves * 2);
    await expectEveryoneGot(members, group.id, groupHistory);
    await expectEveryoneGot(members.slice(0, 2), dm.id, dmHistory);
    // Every node lost its subscription and told its sockets to catch up (`heads`).
    const resyncsAfter = await Promise.all(cluster.nodes.map((n) => cluster.metric(n.index, 'confab_bus_resyncs_total')));
    resyncsAfter.forEach((after, i) => expect(after).toBeGreaterThan(resyncsBefore[i]!));
    // The nodes fill their sockets' gaps from the log; an SDK that saw `heads` first may fetch too.
    expect(gapFills + (await serverFills()) - serverFillsBefore).toBeGreaterThan(0);
  }, 60_000);

  /**
   * Keeps cutting every node's Redis connections (bus and presence) until each node's /readyz has
   * reported the bus down, then runs `during` (still cutting); then lets them reconnect.
   */
  async function outage(during: () => Promise<void>): Promise<void> {
    const down = new Set<number>();
    let stop = false;
    const killing = (async () => {
      while (!stop) {
        await cluster.killRedisConnections();
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await until(
        async () => {
          for (const node of cluster.nodes) {
            if (down.has(node.index)) continue;
            const ready = await api(node.url, 'GET', '/readyz');
            if (ready.status === 503 && ready.body?.error?.details?.some((d: any) => d.params?.check === 'bus')) down.add(node.index);
          }
          return down.size === cluster.nodes.length;
        },
        () => `every node to report its bus down (so far: ${[...down].join(',')})`,
        15_000,
      );
      await during();
    } finally {
      stop = true;
      await killing;
    }
  }

  it('an edit, reactions and a delete made on one node reach sockets on the others, once each, in order', async () => {
    const users = await Promise.all([0, 1, 2].map((i) => registerUser(nodeUrl(i), `lc${i}`)));
    const group = await users[0]!.client.createGroup(
      'lifecycle',
      users.slice(1).map((u) => u.id),
    );
    const members = await Promise.all(users.map((u) => connect(u)));
    const [a, b, c] = members as [Member, Member, Member]; // on nodes 0, 1 and 2
    const changes = new Map<Member, string[]>(members.map((m) => [m, []]));
    for (const m of members) {
      m.conn.on('message.updated', ({ message }) =>
        changes.get(m)!.push(`updated:${message.body}:${message.reactions.map((r) => r.emoji).join('')}`),
      );
      m.conn.on('message.deleted', ({ message }) => changes.get(m)!.push(`deleted:${message.body}`));
    }
    const message = await a.conn.send(group.id, 'original');
    await a.conn.edit(message.id, 'edited on node 0'); // WebSocket on node 0
    await b.conn.react(message.id, '👍'); // WebSocket on node 1
    await c.client.messages.react(message.id, '🎉'); // REST on node 2
    await expect(c.conn.delete(message.id)).rejects.toMatchObject({ code: 'forbidden' }); // no author, no admin: refused on node 2 too
    await a.client.messages.delete(message.id); // REST on node 0
    const expected = ['updated:edited on node 0:', 'updated:edited on node 0:👍', 'updated:edited on node 0:👍🎉', 'deleted:'];
    await until(
      () => members.every((m) => changes.get(m)!.length >= expected.length),
      () => `every member to see ${expected.length} changes (counts: ${members.map((m) => changes.get(m)!.length).join(',')})`,
    );
    await Promise.all(members.map((m) => m.conn.settled()));
    for (const m of members) expect(changes.get(m), m.auth.user.username).toEqual(expected);
  }, 30_000);

  it('membership changed through one node holds on the others at once: removed → 404 on B; added through B → receives on C', async () => {
    const [owner, removed, stayer, joiner] = await Promise.all([
      registerUser(nodeUrl(0), 'owner'),
      registerUser(nodeUrl(1), 'removed'),
      registerUser(nodeUrl(2), 'stayer'),
      registerUser(nodeUrl(2), 'joiner'),
    ]);
    const group = await owner.client.createGroup('members', [removed.id, stayer.id]);
    // Each node now caches the group's members: B from the removed user's send, C from the stayer's.
    await removed.client.sendMessage(group.id, 'from B');
    await stayer.client.sendMessage(group.id, 'from C');
    const joinerOnC = await connect(joiner);

    await owner.client.removeMember(group.id, removed.id); // through A
    // The news crosses Redis while the removal is answered: a send racing it may still get in, but
    // within moments (the cache's own expiry is a minute).
    let acceptedAfterRemoval = 0;
    await until(
      async () => {
        const status = (await postMessage(nodeUrl(1), removed, group.id, 'still in?')).status;
        if (status === 201) acceptedAfterRemoval += 1;
        return status === 404;
      },
      'the removed member to get 404 on B',
      3000,
    );

    const ownerOnB = new ConfabClient({ baseUrl: nodeUrl(1), WebSocket: NodeWebSocket, tokens: owner.client.tokens! });
    const added = new Promise<EventOf<'member.added'>>((resolve) => joinerOnC.conn.on('member.added', resolve));
    // C stalls (a GC pause, a starved CPU) while the joiner is added and welcomed straight away:
    // it subscribes to the group only after the welcome went by on Redis, and must still deliver it.
    let welcome: Message;
    cluster.pause(2);
    try {
      await ownerOnB.addMember(group.id, joiner.id); // through B
      welcome = await owner.client.sendMessage(group.id, 'welcome'); // through A
    } finally {
      cluster.resume(2);
    }
    expect((await added).conversationId).toBe(group.id);
    await until(() => seqsOf(joinerOnC, group.id).includes(welcome.seq), 'the joiner to receive the welcome on C');
    // C learned of the addition too: the joiner may send through it.
    await until(
      async () => (await postMessage(nodeUrl(2), joiner, group.id, 'hello all')).status === 201,
      'the joiner to send through C',
      3000,
    );

    const history = await fullHistory(owner.client, group.id);
    expect(history.filter((m) => m.senderId === removed.id).length).toBe(1 + acceptedAfterRemoval);
  }, 30_000);

  it('presence answers 503 unavailable, never a bare 500, while Redis cannot be reached; sends still go through', async () => {
    // A node of its own (in-process) whose Redis is behind a relay the test cuts: a lasting outage.
    const redis = new URL(redisService.url);
    const relay = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) });
    const node = await startServer({
      DATABASE_URL: cluster.schema.url,
      REDIS_URL: `redis://127.0.0.1:${relay.port}`,
      REDIS_CHANNEL_PREFIX: cluster.prefix,
      JWT_SECRET: 'a cluster secret of at least thirty-two characters',
    });
    try {
      const [alice, bob] = await Promise.all([registerUser(node.url, 'alice'), registerUser(node.url, 'bob')]);
      const dm = await alice.client.openDirect(bob.id);
      const presence = () => api(node.url, 'GET', `/api/v1/users/${bob.id}/presence`, { token: alice.token });
      expect((await presence()).status).toBe(200);

      await relay.cut();
      expectError(await presence(), 503, 'unavailable');
      expect((await postMessage(node.url, alice, dm.id, 'Redis is down, the store is not')).status).toBe(201);

      await relay.restore();
      await until(async () => (await presence()).status === 200, 'presence to answer again', 15_000);
    } finally {
      await node.close();
      await relay.close();
    }
  }, 30_000);

  it('presence across nodes: online on A is seen through B; A SIGKILLed → offline within the TTL, announced to contacts', async () => {
    const [subject, watcherB, watcherC] = await Promise.all([
      registerUser(nodeUrl(0), 'subject'),
      registerUser(nodeUrl(1), 'watchB'),
      registerUser(nodeUrl(2), 'watchC'),
    ]);
    await subject.client.openDirect(watcherB.id);
    await subject.client.createGroup('presence', [watcherB.id, watcherC.id]);
    const watchers = await Promise.all([watcherB, watcherC].map((u) => connect(u)));
    let killedAt = Infinity;
    const offline = watchers.map(
      (w) =>
        new Promise<{ event: EventOf<'presence'>; at: number }>((resolve) =>
          w.conn.on('presence', (event) => {
            if (event.userId === subject.id && !event.online && Date.now() >= killedAt) resolve({ event, at: Date.now() });
          }),
        ),
    );
    // The subject connects to node A only (no balancer): once A dies it has nowhere to reconnect.
    await connect(subject);
    await until(async () => (await watcherB.client.presence(subject.id)).online, 'the subject to be online as node B sees it');

    killedAt = Date.now();
    await cluster.kill(0);
    const events = await Promise.all(offline.map((p) => withDeadline(p, 15_000, 'a presence offline event')));
    for (const { event, at } of events) {
      expect(event).toMatchObject({ type: 'presence', userId: subject.id, online: false });
      expect(event.lastSeenAt).not.toBeNull();
      // Expiry is up to one TTL after the last refresh, found by a sweep every third of it; allow for a loaded machine.
      expect(at - killedAt).toBeLessThan(PRESENCE_TTL_MS * 4);
    }
    const seen = await watcherB.client.presence(subject.id);
    expect(seen).toMatchObject({ online: false });
    expect(seen.lastSeenAt).not.toBeNull();
  }, 30_000);
});

function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Every stored message of a conversation, oldest first. */
async function fullHistory(client: ConfabClient, conversationId: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (let after = 0; ;) {
    const page = await client.history(conversationId, { after, limit: 100 });
    messages.push(...page.items);
    if (page.nextCursor === null) return messages;
    after = Number(page.nextCursor);
  }
}

/** Seqs 1…n, each once, and every message id once. */
function expectGapFree(history: Message[], count: number): void {
  expect(history.map((m) => m.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  expect(new Set(history.map((m) => m.id)).size).toBe(count);
}
