import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WebSocketConstructor } from '@confab/client';
import type { ReadyFrame } from '@confab/protocol';
import { type TestServer, type TestUser, RawSocket, registerUser, startServer, until } from '../harness.js';
import { createGroup } from '../factories.js';

/**
 * `heads=moved` (issue 41): a resume's `ready` lists only the heads past `since`, so what a
 * reconnect costs follows what was missed, not how many conversations the user is in.
 */
describe('ready heads on resume', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  /** Bob in three conversations with Alice; his cursor after all three were set up. */
  async function bobInThree(): Promise<{
    alice: TestUser;
    bob: TestUser;
    ids: string[];
    cursor: string;
    allHeads: Record<string, number>;
  }> {
    const [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const dm = await alice.client.openDirect(bob.id);
    const [g1, g2] = [await createGroup(alice, [bob], 'one'), await createGroup(alice, [bob], 'two')];
    const first = await RawSocket.ready(t.url, bob.token);
    const ready = first.frames.find((f) => f.type === 'ready') as ReadyFrame;
    first.close();
    return { alice, bob, ids: [dm.id, g1.id, g2.id], cursor: ready.cursor, allHeads: ready.heads };
  }

  async function readyOf(token: string, query: Record<string, string>): Promise<{ ready: ReadyFrame; replayed: number }> {
    const raw = await RawSocket.open(t.url, token, { query });
    const ready = await raw.next<ReadyFrame>((f) => f.type === 'ready');
    const replayed = raw.frames.findIndex((f) => f.type === 'ready');
    raw.close();
    return { ready, replayed };
  }

  it('after K events in two of three conversations, a resume with heads=moved reports those two, at the replayed positions', async () => {
    const { alice, bob, ids, cursor, allHeads } = await bobInThree();
    const [dm, g1, g2] = ids as [string, string, string];
    expect(Object.keys(allHeads).sort()).toEqual(expect.arrayContaining([dm, g1, g2]));
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await alice.client.sendMessage(dm, `dm ${i}`));
    sent.push(await alice.client.sendMessage(g1, 'group one'));

    const { ready, replayed } = await readyOf(bob.token, { since: cursor, heads: 'moved' });
    expect(ready.reset).toBeNull();
    expect(replayed).toBe(4);
    const newest = async (id: string) => (await bob.client.getConversation(id)).lastPos;
    expect(ready.heads).toEqual({ [dm]: await newest(dm), [g1]: await newest(g1) });
    expect(ready.heads[g2]).toBeUndefined();
  });

  it('a resume with nothing missed has no heads at all', async () => {
    const { bob, cursor } = await bobInThree();
    const { ready, replayed } = await readyOf(bob.token, { since: cursor, heads: 'moved' });
    expect(ready).toMatchObject({ reset: null, heads: {} });
    expect(replayed).toBe(0);
  });

  it('an old client (no heads parameter, or heads=all) still gets every head on a resume', async () => {
    const { alice, bob, ids, cursor } = await bobInThree();
    await alice.client.sendMessage(ids[0]!, 'one more');
    for (const query of [{ since: cursor }, { since: cursor, heads: 'all' }] as Record<string, string>[]) {
      const { ready } = await readyOf(bob.token, query);
      expect(Object.keys(ready.heads), JSON.stringify(query)).toEqual(expect.arrayContaining(ids));
    }
  });

  it('every head when there is nothing to resume from: no since, or a cursor that cannot be resumed', async () => {
    const { bob, ids, cursor } = await bobInThree();
    const epoch = cursor.split('.')[0]!;
    const queries: Record<string, string>[] = [
      { heads: 'moved' },
      { since: 'garbage', heads: 'moved' },
      { since: `${epoch}.999999999`, heads: 'moved' },
    ];
    for (const query of queries) {
      const { ready } = await readyOf(bob.token, query);
      expect(Object.keys(ready.heads), JSON.stringify(query)).toEqual(expect.arrayContaining(ids));
    }
  });

  it('refuses any other value of heads with 400 before the upgrade', async () => {
    const { bob } = await bobInThree();
    await expect(RawSocket.open(t.url, bob.token, { query: { heads: 'some' } })).rejects.toThrow('HTTP 400');
  });

  it('the SDK resumes with heads=moved and still gets what it missed', async () => {
    const { alice, bob, ids } = await bobInThree();
    const urls: string[] = [];
    const readies: ReadyFrame[] = [];
    const Recording = class extends WebSocket {
      constructor(url: string, protocols: string[]) {
        super(url, protocols);
        urls.push(url);
        this.on('message', (data: Buffer) => {
          const frame = JSON.parse(data.toString()) as { type: string };
          if (frame.type === 'ready') readies.push(frame as ReadyFrame);
        });
      }
    } as unknown as WebSocketConstructor;
    const live = bob.client.connect({ minReconnectDelayMs: 20, maxReconnectDelayMs: 100, WebSocket: Recording });
    const bodies: string[] = [];
    live.on('message.created', ({ message }) => bodies.push(message.body ?? ''));
    await live.ready();
    expect(new URL(urls[0]!).searchParams.has('heads')).toBe(false);
    // The raw socket bobInThree closed may still be counted: at least the SDK's goes.
    expect(t.server.gateway.terminateUser(bob.id)).toBeGreaterThanOrEqual(1);
    await alice.client.sendMessage(ids[1]!, 'while away');
    await until(() => bodies.includes('while away'), 'the missed message');
    await until(() => readies.length >= 2, 'the second ready');
    const second = new URL(urls.at(-1)!).searchParams;
    expect(second.get('heads')).toBe('moved');
    expect(second.get('since')).not.toBeNull();
    // Whatever moved while it was away (the message, or nothing if it came live), never the other two.
    expect(Object.keys(readies.at(-1)!.heads)).not.toContain(ids[2]);
    live.close();
  });
});
