import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, MessagePage } from '@confab/protocol';
import { ConfabClient, GroupError, memoryCryptoStore } from '@confab/client';
import { engines } from '../engines.js';
import { type TestServer, NodeWebSocket, uniqueName, until } from '../harness.js';
import { databaseSnapshot } from '../snapshot.js';

/** Issue 39, part 2: the SDK contract over a real server: encrypted DMs and groups, live sends, history, member changes. */
describe.each(await engines())('encrypted conversations through the SDK on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const client = () => new ConfabClient({ baseUrl: t.url, crypto: { store: memoryCryptoStore() }, WebSocket: NodeWebSocket });
  const person = async (prefix: string, deviceName: string) => {
    const username = uniqueName(prefix);
    const first = client();
    const auth = await first.register({ username, password: 'correct horse battery' });
    await first.enableEncryption({ deviceName });
    return { username, id: auth.user.id, first };
  };
  const bodies = async (c: ConfabClient, conversationId: string) =>
    (await c.history(conversationId, { after: 0, limit: 100 })).items.filter((m) => m.kind === 'encrypted').map((m) => m.body);

  it('sends and reads in an encrypted group on three devices of two people; members added and removed make the commits', async () => {
    const plaintexts: string[] = [];
    const secret = (text: string) => {
      const unique = `${text} ${crypto.randomUUID()}`;
      plaintexts.push(unique);
      return unique;
    };
    const alice = await person('sa', 'laptop');
    const bob = await person('sb', 'desk');
    const phone = client();
    await phone.login({ username: alice.username, password: 'correct horse battery' });
    await phone.enableEncryption({ deviceName: 'phone', resetIdentity: true });

    const group = await alice.first.createGroup('Board', [bob.id], { encrypted: true });
    expect(group.encrypted).toBe(true);
    const heard: Message[] = [];
    const live = bob.first.connect();
    live.on('message.created', ({ message }) => {
      if (message.conversationId === group.id) heard.push(message);
    });
    await live.ready();
    const aliceLive = alice.first.connect();
    await aliceLive.ready();

    const plan = secret('the plan');
    const sent = await aliceLive.send(group.id, plan);
    expect(sent).toMatchObject({ encrypted: true, body: plan, kind: 'encrypted' });
    await until(() => heard.length > 0, 'Bob hears the message');
    expect(heard[0]).toMatchObject({ encrypted: true, body: plan });
    // Alice's other device and Bob's history read it; Alice reads back her own.
    expect(await bodies(phone, group.id)).toEqual([plan]);
    expect(await bodies(bob.first, group.id)).toEqual([plan]);
    expect(await bodies(alice.first, group.id)).toEqual([plan]);
    const reply = secret('agreed');
    await bob.first.sendMessage(group.id, reply);
    expect(await bodies(alice.first, group.id)).toEqual([plan, reply]);

    // Carol joins through the existing call, reads what is sent after; removed, she reads nothing more.
    const carol = await person('sc', 'tablet');
    await alice.first.addMember(group.id, carol.id);
    const welcome = secret('welcome carol');
    await alice.first.sendMessage(group.id, welcome);
    expect(await bodies(carol.first, group.id)).toContain(welcome);
    await alice.first.removeMember(group.id, carol.id);
    const after = secret('after carol');
    await bob.first.sendMessage(group.id, after);
    expect(await bodies(phone, group.id)).toEqual([plan, reply, welcome, after]);
    await expect(carol.first.history(group.id)).rejects.toMatchObject({ code: 'not_found' });

    // Two admins add people at once: one commit is ordered, the other answered 409 and made again after applying it.
    await alice.first.setRole(group.id, bob.id, 'admin');
    const [dave, erin] = [await person('sd', 'd'), await person('se', 'e')];
    await Promise.all([alice.first.addMember(group.id, dave.id), bob.first.addMember(group.id, erin.id)]);
    const both = secret('hello both');
    await phone.sendMessage(group.id, both);
    // What was sent before they joined stays an envelope without a body (history shares are a later slice).
    expect(await bodies(dave.first, group.id)).toEqual([undefined, undefined, undefined, undefined, both]);
    expect(await bodies(erin.first, group.id)).toEqual([undefined, undefined, undefined, undefined, both]);

    // A revoked device is committed out: it reads nothing sent after.
    const phoneId = (await phone.devices()).find((d) => d.current)!.id;
    await alice.first.revokeDevice(phoneId);
    const afterRevoke = secret('after the phone');
    await bob.first.sendMessage(group.id, afterRevoke);
    expect(await bodies(alice.first, group.id)).toContain(afterRevoke);
    expect((await bodies(phone, group.id)).at(-1)).toBeUndefined();

    // An encrypted DM beside the plain one; encryptConversation for an existing group.
    const dm = await bob.first.openDirect(alice.id, { encrypted: true });
    expect(dm.encrypted).toBe(true);
    expect((await bob.first.openDirect(alice.id)).id).not.toBe(dm.id);
    const hi = secret('hi alice');
    await bob.first.sendMessage(dm.id, hi);
    expect(await bodies(alice.first, dm.id)).toEqual([hi]);
    const plain = await alice.first.createGroup('Later', [bob.id]);
    await alice.first.encryptConversation(plain.id);
    const later = secret('now encrypted');
    await bob.first.sendMessage(plain.id, later);
    expect(await bodies(alice.first, plain.id)).toEqual([later]);
    await expect(alice.first.sendMessage(plain.id, undefined, undefined, { kind: 'text' })).rejects.toMatchObject({
      code: 'encrypted_conversation',
    });

    live.close();
    aliceLive.close();
    const snapshot = JSON.stringify(await databaseSnapshot(t));
    for (const text of plaintexts) expect(snapshot.includes(text), text).toBe(false);
  });

  it('removes a member who leaves from the group by itself: a remaining device commits it, the leaver reads nothing after', async () => {
    const alice = await person('la', 'laptop');
    const bob = await person('lb', 'desk');
    const carolStore = memoryCryptoStore();
    const carol = new ConfabClient({ baseUrl: t.url, crypto: { store: carolStore }, WebSocket: NodeWebSocket });
    const carolId = (await carol.register({ username: uniqueName('lc'), password: 'correct horse battery' })).user.id;
    await carol.enableEncryption({ deviceName: 'tablet' });
    const group = await alice.first.createGroup('Trio', [bob.id, carolId], { encrypted: true });
    // Alice and Bob are online; nobody calls removeMember for Carol.
    const [aliceLive, bobLive] = [alice.first.connect(), bob.first.connect()];
    await Promise.all([aliceLive.ready(), bobLive.ready()]);
    await carol.sendMessage(group.id, 'before I go');
    expect(await bodies(alice.first, group.id)).toEqual(['before I go']);
    const envelopes = async () =>
      (
        await alice.first.http.request<MessagePage>('GET', `/api/v1/conversations/${group.id}/messages`, {
          query: { after: 0, limit: 100 },
        })
      ).items;
    const leftAt = (await envelopes()).at(-1)!.seq;

    await carol.removeMember(group.id, carolId); // she leaves: her device cannot commit its own removal
    await until(
      async () => (await envelopes()).some((m) => m.seq > leftAt && m.mls === 'commit'),
      'a remaining device commits her removal',
    );
    const removal = (await envelopes()).find((m) => m.seq > leftAt && m.mls === 'commit')!;
    const [aliceDevice, bobDevice] = [await alice.first.encryption.self(), await bob.first.encryption.self()];
    expect([aliceDevice.deviceId, bobDevice.deviceId]).toContain(removal.senderDevice);

    // Alice and Bob keep talking.
    const after = `after carol ${crypto.randomUUID()}`;
    await alice.first.sendMessage(group.id, after);
    const reply = `still here ${crypto.randomUUID()}`;
    await bobLive.send(group.id, reply);
    expect((await bodies(bob.first, group.id)).slice(-2)).toEqual([after, reply]);
    expect((await bodies(alice.first, group.id)).slice(-2)).toEqual([after, reply]);
    // A second stand-in, had one tried, found the devices gone or lost the race: her removal was committed once.
    expect((await envelopes()).filter((m) => m.seq > leftAt && m.mls === 'commit')).toHaveLength(1);

    // Carol's state: the removal commit removes her own leaf, and it cannot read what was sent after.
    const engine = await carol.encryption.engine();
    const state = engine.load((await carolStore.get(`group:${group.id}`))!);
    const processed = await engine.process(state, Buffer.from(removal.ciphertext!, 'base64url'));
    expect(processed).toMatchObject({ kind: 'commit', removedSelf: true });
    const sentAfter = (await envelopes()).find((m) => m.mls === 'application' && m.senderId === alice.id && m.seq > removal.seq)!;
    await expect(engine.process(state, Buffer.from(sentAfter.ciphertext!, 'base64url'))).rejects.toBeInstanceOf(GroupError);
    await expect(carol.history(group.id)).rejects.toMatchObject({ code: 'not_found' });
    aliceLive.close();
    bobLive.close();
  });

  it('commits a new group even when no other device can be added yet, and its creator reads back what it sent', async () => {
    const alice = await person('sf', 'laptop');
    const frank = client();
    const franks = await frank.register({ username: uniqueName('sg'), password: 'correct horse battery' });
    const group = await alice.first.createGroup('Early', [franks.user.id], { encrypted: true });
    const state = await alice.first.http.request<{ epoch: number; groupInfo: string | null }>(
      'GET',
      `/api/v1/conversations/${group.id}/mls`,
    );
    expect(state.epoch).toBe(1);
    expect(state.groupInfo).not.toBeNull();
    await alice.first.sendMessage(group.id, 'only mine for now');
    expect(await bodies(alice.first, group.id)).toEqual(['only mine for now']);
    // Frank's client, without encryption, sees the envelope and no body.
    const page = await frank.history(group.id);
    expect(page.items.find((m) => m.kind === 'encrypted' && m.mls === 'application')).not.toHaveProperty('body');
  });

  it('encryption turned on from a client with no device: an owner’s device makes the group, at once when online, else at its first send', async () => {
    const alice = await person('sh', 'laptop');
    const bob = await person('si', 'phone');
    const plainBob = new ConfabClient({ baseUrl: t.url, WebSocket: NodeWebSocket });
    await plainBob.login({ username: bob.username, password: 'correct horse battery' });
    const state = (id: string) => alice.first.http.request<{ epoch: number }>('GET', `/api/v1/conversations/${id}/mls`);

    // Bob's browser without a device (no crypto store) makes the group and turns encryption on: no MLS group yet.
    const group = await plainBob.createGroup('Turned on elsewhere', [alice.id]);
    expect(await plainBob.encryptConversation(group.id)).toMatchObject({ encrypted: true });
    expect((await state(group.id)).epoch).toBe(0);
    // Alice is a member, not an admin: her device may not commit Bob's devices in, and says so.
    await expect(alice.first.sendMessage(group.id, 'too early')).rejects.toMatchObject({ code: 'not_a_member' });
    // Bob's device (the owner's) makes it at its first send, every member's device in it.
    const sent = await bob.first.sendMessage(group.id, 'the first encrypted word');
    expect(sent).toMatchObject({ kind: 'encrypted', encrypted: true, body: 'the first encrypted word' });
    expect((await state(group.id)).epoch).toBe(1);
    await alice.first.sendMessage(group.id, 'and a reply');
    expect(await bodies(bob.first, group.id)).toEqual(['the first encrypted word', 'and a reply']);

    // With Bob's device online, it makes the group as soon as it hears encryption was turned on.
    const live = bob.first.connect();
    await live.ready();
    try {
      const second = await plainBob.createGroup('Turned on while online', [alice.id]);
      await plainBob.encryptConversation(second.id);
      // Its commit, then the Welcome that brings Alice's device in.
      const welcomed = async () =>
        (await alice.first.http.request<MessagePage>('GET', `/api/v1/conversations/${second.id}/messages`)).items.some(
          (m) => m.mls === 'welcome',
        );
      await until(welcomed, 'the group made by the owner’s device online, and its Welcome');
      expect((await state(second.id)).epoch).toBe(1);
      await alice.first.sendMessage(second.id, 'straight away');
      expect(await bodies(bob.first, second.id)).toEqual(['straight away']);
    } finally {
      live.close();
    }
    // A plain send is still refused there: the conversation is encrypted for everyone.
    await expect(plainBob.sendMessage(group.id, 'in clear')).rejects.toMatchObject({ status: 400, code: 'encrypted_conversation' });
  });
});
