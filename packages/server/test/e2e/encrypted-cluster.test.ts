import { expect, it } from 'vitest';
import type { Message } from '@confab/protocol';
import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { useCluster } from '../cluster.js';
import { NodeWebSocket, uniqueName, until } from '../harness.js';
import { plaintextsFound } from '../plaintext-scan.js';
import { postgresService, redisService, requireService } from '../services.js';

const describeCluster = await requireService(postgresService, redisService);

/** Holds requests of several clients until all of them have arrived, then lets them go together. */
class Gate {
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  pass(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === this.size) for (const go of this.waiting.splice(0)) go();
    });
  }
}

type Match = (method: string, path: string, mls: string | undefined) => boolean;
const isMls =
  (type: string): Match =>
  (method, path, mls) =>
    method === 'POST' && /\/messages$/.test(path) && mls === type;

/**
 * Issue 39 on two nodes (PostgreSQL + Redis): the devices of an encrypted group of ten people
 * spread over both nodes; members added and removed through either; two commits of one epoch
 * made at once on different nodes (one answered 409 and made again), a send racing a commit; a
 * revoked device. Every device reads every message sent while it was a member, and none after;
 * the shared database holds none of the plaintexts. Races are made with gates, not timing.
 */
describeCluster('an encrypted group across two nodes (PostgreSQL + Redis)', () => {
  const cluster = useCluster({ nodes: 2 });

  it('ten people on two nodes: adds, removes, racing commits and sends, a revoked device; everyone reads what they should', async () => {
    const c = cluster();
    const held = new Map<string, { match: Match; gate: Gate }>();
    const conflicts: string[] = [];
    /** A client on one node whose requests a race can hold (`held`), counting the commits answered 409. */
    const client = (key: string, node: number) => {
      const gated: typeof fetch = async (input, init) => {
        const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
        const method = init?.method ?? 'GET';
        const mls = typeof init?.body === 'string' ? (JSON.parse(init.body) as { mls?: { type: string } }).mls?.type : undefined;
        const hold = held.get(key);
        if (hold?.match(method, path, mls)) {
          held.delete(key);
          await hold.gate.pass();
        }
        const answer = await fetch(input, init);
        if (mls === 'commit' && answer.status === 409) conflicts.push(key);
        return answer;
      };
      return new ConfabClient({
        baseUrl: c.nodes[node]!.url,
        fetch: gated,
        crypto: { store: memoryCryptoStore() },
        WebSocket: NodeWebSocket,
      });
    };
    /** Runs `actions` with each named client's first request that `match`es held until all of them are there. */
    const race = async (holds: [string, Match][], actions: (() => Promise<unknown>)[]): Promise<unknown[]> => {
      const gate = new Gate(holds.length);
      for (const [key, match] of holds) held.set(key, { match, gate });
      return Promise.all(actions.map((a) => a()));
    };

    const person = async (key: string, node: number) => {
      const device = client(key, node);
      const auth = await device.register({ username: uniqueName(`ec${key}`), password: 'correct horse battery' });
      await device.enableEncryption({ deviceName: key });
      return { key, id: auth.user.id, username: auth.user.username, device };
    };
    // Ten people, alternately on node 0 and node 1; Alice has a second device (the phone) on node 1.
    const people: Awaited<ReturnType<typeof person>>[] = [];
    for (let i = 0; i < 10; i++) people.push(await person(`p${i}`, i % 2));
    const [alice, bob] = [people[0]!, people[1]!];
    const phone = client('phone', 1);
    await phone.login({ username: alice.username, password: 'correct horse battery' });
    await phone.enableEncryption({ deviceName: 'phone', resetIdentity: true });
    const devices = new Map<string, ConfabClient>([...people.map((p) => [p.key, p.device] as const), ['phone', phone]]);

    /** Every text sent, with the devices that were members when it was sent (which must read it). */
    const sent: { text: string; readers: string[] }[] = [];
    const members = new Set(['p0', 'phone', 'p1', 'p2', 'p3', 'p4']);
    const say = async (from: string, words: string, readers = [...members]) => {
      const text = `${words} ${crypto.randomUUID()}`;
      sent.push({ text, readers });
      await devices.get(from)!.sendMessage(group.id, text);
    };

    const bodies = async (device: ConfabClient) =>
      new Set(
        (await device.history(group.id, { after: 0, limit: 500 })).items
          .filter((m) => m.kind === 'encrypted' && m.body !== undefined)
          .map((m) => m.body!),
      );
    /** Each device read every text sent while it was a member, and none sent before it joined or after it left (called once all ten joined). */
    const everyoneReads = async () => {
      for (const [key, device] of devices) {
        // Removed people cannot read the conversation at all any more.
        if (key !== 'phone' && !members.has(key)) {
          await expect(device.history(group.id)).rejects.toMatchObject({ code: 'not_found' });
          continue;
        }
        const read = await bodies(device);
        const expected = sent.filter((s) => s.readers.includes(key)).map((s) => s.text);
        expect(
          expected.filter((text) => !read.has(text)),
          `${key} reads every message sent while it was a member`,
        ).toEqual([]);
        expect(
          [...read].filter((text) => !expected.includes(text)),
          `${key} reads nothing sent while it was not a member`,
        ).toEqual([]);
      }
    };
    const group = await alice.device.createGroup(
      'Ten',
      people.slice(1, 5).map((p) => p.id),
      { encrypted: true },
    );
    await alice.device.setRole(group.id, bob.id, 'admin');
    // Bob's live connection on node 1 hears Alice's message sent through node 0, decrypted.
    const live = bob.device.connect();
    const heard: Message[] = [];
    live.on('message.created', ({ message }) => heard.push(message));
    await live.ready();
    await say('p0', 'hello from node 0');
    await until(() => heard.some((m) => m.body === sent[0]!.text), 'Bob to hear the first message on the other node');
    live.close();
    await say('p1', 'hello from node 1');
    await say('phone', 'from the phone');

    // Two commits of one epoch at once, Alice's through node 0 and Bob's through node 1: one is
    // ordered, the other answered 409 and made again after applying it.
    await race(
      [
        ['p0', isMls('commit')],
        ['p1', isMls('commit')],
      ],
      [() => alice.device.addMember(group.id, people[5]!.id), () => bob.device.addMember(group.id, people[6]!.id)],
    );
    expect(conflicts).toHaveLength(1);
    for (const p of ['p5', 'p6']) members.add(p);
    await say('p5', 'new here');

    // A send racing a commit of its epoch (Carol's on node 0, Bob adding on node 1): both stored;
    // the send is read by everyone who was a member when it was made.
    const racing = `racing the commit ${crypto.randomUUID()}`;
    sent.push({ text: racing, readers: [...members] });
    await race(
      [
        ['p2', isMls('application')],
        ['p1', isMls('commit')],
      ],
      [() => people[2]!.device.sendMessage(group.id, racing), () => bob.device.addMember(group.id, people[7]!.id)],
    );
    members.add('p7');
    await alice.device.addMember(group.id, people[8]!.id);
    await bob.device.addMember(group.id, people[9]!.id);
    for (const p of ['p8', 'p9']) members.add(p);
    // Ten people, eleven devices.
    for (const [from, words] of [
      ['p9', 'all ten'],
      ['p4', 'from node 0'],
      ['p7', 'from node 1'],
    ] as const)
      await say(from, words);

    // Removed at once through both nodes: one removal commit answered 409 and made again.
    await race(
      [
        ['p0', isMls('commit')],
        ['p1', isMls('commit')],
      ],
      [() => alice.device.removeMember(group.id, people[8]!.id), () => bob.device.removeMember(group.id, people[9]!.id)],
    );
    expect(conflicts).toHaveLength(2);
    for (const p of ['p8', 'p9']) members.delete(p);
    await say('p2', 'after the removals');
    await everyoneReads();

    // The phone revoked from the laptop: committed out, it reads nothing sent after.
    const phoneId = (await phone.devices()).find((d) => d.current)!.id;
    await alice.device.revokeDevice(phoneId);
    members.delete('phone');
    await say('p3', 'after the revocation');
    await say('p6', 'still here');
    await everyoneReads();
    expect(
      await plaintextsFound(
        { databaseUrl: c.schema.url },
        sent.map((s) => s.text),
      ),
    ).toEqual([]);
  }, 180_000);
});
