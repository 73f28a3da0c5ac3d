import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, MessagePage } from '@confab/protocol';
import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { engines } from '../engines.js';
import { type TestServer, NodeWebSocket, uniqueName, until } from '../harness.js';

/** One HTTP call a client made: method, path, and for a page of messages what it brought. */
interface Call {
  method: string;
  path: string;
  page?: MessagePage;
}

/** A `fetch` that keeps every call the client makes (the real one does the work). */
function recordingFetch(calls: Call[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const isPage = method === 'GET' && url.pathname.endsWith('/messages') && response.ok;
    calls.push({ method, path: url.pathname, ...(isPage ? { page: (await response.clone().json()) as MessagePage } : {}) });
    return response;
  };
}

/** Issue 39: what an encrypted message and a Welcome cost in HTTP calls beside their frames (docs/encryption.md, figures). */
describe.each(await engines())('encrypted round trips on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const person = async (prefix: string, calls?: Call[]) => {
    const username = uniqueName(prefix);
    const c = new ConfabClient({
      baseUrl: t.url,
      crypto: { store: memoryCryptoStore() },
      WebSocket: NodeWebSocket,
      ...(calls ? { fetch: recordingFetch(calls) } : {}),
    });
    const auth = await c.register({ username, password: 'correct horse battery' });
    await c.enableEncryption({ deviceName: prefix });
    return { id: auth.user.id, c };
  };
  const hearing = (live: ReturnType<ConfabClient['connect']>, conversationId: string) => {
    const heard: Message[] = [];
    live.on('message.created', ({ message }) => {
      if (message.conversationId === conversationId && message.kind === 'encrypted') heard.push(message);
    });
    return heard;
  };

  it('a new device applies a Welcome with one lookup of the members’ device lists, and downloads the Welcome once', async () => {
    const calls: Call[] = [];
    const [alice, bob, carol] = [await person('wa'), await person('wb'), await person('wc')];
    const dave = await person('wd', calls);
    const daveLive = dave.c.connect();
    await daveLive.ready();
    const aliceLive = alice.c.connect();
    await aliceLive.ready();
    calls.length = 0;

    const group = await alice.c.createGroup('Four', [bob.id, carol.id, dave.id], { encrypted: true });
    const heard = hearing(daveLive, group.id);
    const text = `hello four ${crypto.randomUUID()}`;
    await aliceLive.send(group.id, text);
    await until(() => heard.some((m) => m.body === text), 'Dave reads the first message');

    // The Welcome names four devices and its signer: the members' lists are read in one lookup, not once per check.
    expect(calls.filter((c) => /^\/api\/v1\/users\/[^/]+\/devices$/.test(c.path))).toEqual([]);
    expect(calls.filter((c) => c.path === '/api/v1/users/devices/lookup')).toHaveLength(1);
    // The Welcome and the message came with their events: no page of the log brings them again.
    const paged = calls.flatMap((c) => c.page?.items ?? []);
    expect(paged.filter((m) => m.mls === 'welcome' || m.mls === 'application')).toEqual([]);
    expect(paged.filter((m) => m.mls === 'commit').length).toBeLessThanOrEqual(1);
    daveLive.close();
    aliceLive.close();
  });

  it('live sends and receives in order cost no HTTP call; a sender back from a closed socket reads what it missed first', async () => {
    const aliceCalls: Call[] = [];
    const bobCalls: Call[] = [];
    const alice = await person('ra', aliceCalls);
    const bob = await person('rb', bobCalls);
    const group = await alice.c.createGroup('Pair', [bob.id], { encrypted: true });
    await alice.c.setRole(group.id, bob.id, 'admin');
    const aliceLive = alice.c.connect();
    const bobLive = bob.c.connect();
    await Promise.all([aliceLive.ready(), bobLive.ready()]);
    const bobHeard = hearing(bobLive, group.id);
    const aliceHeard = hearing(aliceLive, group.id);

    // The first exchange may read (nothing was handed on since the sockets opened); what follows must not.
    const exchange = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const there = `there ${i} ${crypto.randomUUID()}`;
        await aliceLive.send(group.id, there);
        await until(() => bobHeard.some((m) => m.body === there) && aliceHeard.some((m) => m.body === there), 'both hear it');
        const back = `back ${i} ${crypto.randomUUID()}`;
        await bobLive.send(group.id, back);
        await until(() => aliceHeard.some((m) => m.body === back) && bobHeard.some((m) => m.body === back), 'both hear the reply');
      }
    };
    await exchange(1);
    aliceCalls.length = 0;
    bobCalls.length = 0;
    await exchange(3);
    expect(aliceCalls).toEqual([]);
    expect(bobCalls).toEqual([]);
    expect(bobHeard.map((m) => m.body)).toEqual(aliceHeard.map((m) => m.body));

    // Alice's socket closes; meanwhile Bob adds Carol (a commit). Alice's first send after must be in
    // the new epoch, so Carol reads it: the new socket cannot vouch for what passed, so Alice reads.
    aliceLive.close();
    const carol = await person('rc');
    await bob.c.addMember(group.id, carol.id);
    const aliceAgain = alice.c.connect();
    await aliceAgain.ready();
    aliceCalls.length = 0;
    const late = `for carol ${crypto.randomUUID()}`;
    await aliceAgain.send(group.id, late);
    expect(aliceCalls.some((c) => c.page?.items.some((m) => m.mls === 'commit'))).toBe(true);
    await until(
      async () => (await carol.c.history(group.id, { after: 0, limit: 100 })).items.some((m) => m.body === late),
      'Carol reads what Alice sent after the add',
    );
    await until(() => bobHeard.some((m) => m.body === late), 'Bob reads it live');
    aliceAgain.close();
    bobLive.close();
  });
});
