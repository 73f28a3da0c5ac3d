import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Group, type GroupEngine, type PendingCommit, createMlsEngine } from '@confab/client';
import { encodeDeviceIdentity } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers, postMessage } from '../factories.js';
import { type TestServer, type TestUser, api } from '../harness.js';
import { databaseSnapshot } from '../snapshot.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));
const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * Issue 39, part 2: encrypted conversations over the real server, with real MLS messages (the
 * SDK's ts-mls engine). The server orders and checks; it never holds a plaintext.
 */
describe.each(await engines())('encrypted conversations on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  /** Every plaintext the tests send: none may be found in the database afterwards. */
  const plaintexts: string[] = [];
  const secret = (text: string) => {
    const unique = `${text} ${crypto.randomUUID()}`;
    plaintexts.push(unique);
    return unique;
  };

  /** One registered device of `user` with its own MLS engine and keys (credentials trusted: the SDK checks signed lists). */
  const device = async (user: TestUser) => {
    const engine = await createMlsEngine({ validateCredential: async () => true });
    const keys = await engine.generateDeviceKeys();
    const ref = { userId: user.id, deviceId: `dev_${crypto.randomUUID().replaceAll('-', '')}` };
    const res = await api(t.url, 'POST', '/api/v1/devices', {
      token: user.token,
      body: { id: ref.deviceId, name: 'test', signatureKey: b64(keys.signaturePublicKey), credential: b64(encodeDeviceIdentity(ref)) },
    });
    expect(res.status).toBe(201);
    const bundle = await engine.createKeyPackage(ref, keys);
    return { ...ref, user, engine, keys, bundle, group: undefined as Group | undefined };
  };
  type Device = Awaited<ReturnType<typeof device>>;

  const post = (d: Device, conversationId: string, mls: Record<string, unknown>, clientId: string = crypto.randomUUID()) =>
    api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: d.user.token,
      body: { clientId, mls: { senderDevice: d.deviceId, ...mls } },
    });
  const commitBody = async (engine: GroupEngine, pending: PendingCommit) => ({
    type: 'commit',
    ciphertext: b64(pending.commit),
    epoch: Number(pending.epoch),
    groupInfo: b64(await engine.groupInfo(pending.group)),
  });
  const state = async (user: TestUser, id: string) =>
    (await api(t.url, 'GET', `/api/v1/conversations/${id}/mls`, { token: user.token })).body;
  /** The conversation's messages in seq order. */
  const history = async (user: TestUser, id: string) =>
    (await api(t.url, 'GET', `/api/v1/conversations/${id}/messages?after=0&limit=100`, { token: user.token })).body.items as Record<
      string,
      unknown
    >[];
  const createEncrypted = async (owner: TestUser, body: Record<string, unknown>) => {
    const res = await api(t.url, 'POST', '/api/v1/conversations', { token: owner.token, body: { ...body, encrypted: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.conversation as { id: string; encrypted: boolean };
  };
  /** `creator` makes the group and commits the other devices into it (commit, then Welcome). */
  const setUp = async (conversationId: string, creator: Device, others: Device[]) => {
    const { groupId } = await state(creator.user, conversationId);
    creator.group = await creator.engine.createGroup(bytes(groupId), creator, creator.keys);
    const pending = await creator.engine.addMembers(
      creator.group,
      others.map((o) => o.bundle.keyPackage),
    );
    const committed = await post(creator, conversationId, await commitBody(creator.engine, pending));
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    creator.group = pending.group;
    const welcomed = await post(creator, conversationId, {
      type: 'welcome',
      ciphertext: b64(pending.welcome!),
      epoch: 1,
      devices: others.map((o) => o.deviceId),
    });
    expect(welcomed.status, JSON.stringify(welcomed.body)).toBe(201);
    for (const other of others) other.group = await other.engine.joinFromWelcome(pending.welcome!, other.bundle);
  };
  const send = async (d: Device, conversationId: string, text: string) => {
    const { ciphertext, group } = await d.engine.encrypt(d.group!, utf8(text));
    d.group = group;
    return post(d, conversationId, { type: 'application', ciphertext: b64(ciphertext), epoch: Number(group.epoch) });
  };
  const read = async (d: Device, message: Record<string, unknown>) => {
    const processed = await d.engine.process(d.group!, bytes(message.ciphertext as string));
    d.group = processed.group;
    return processed.kind === 'application' ? new TextDecoder().decode(processed.plaintext) : undefined;
  };

  it('creates encrypted DMs and groups, visible to everyone; one plain and one encrypted DM per pair; never turned off', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const plain = await api(t.url, 'POST', '/api/v1/conversations', { token: alice.token, body: { kind: 'direct', userId: bob.id } });
    expect(plain.body.conversation.encrypted).toBe(false);
    const dm = await createEncrypted(alice, { kind: 'direct', userId: bob.id });
    expect(dm.encrypted).toBe(true);
    expect(dm.id).not.toBe(plain.body.conversation.id);
    // Bob opening "the encrypted one" gets the same conversation.
    const again = await api(t.url, 'POST', '/api/v1/conversations', {
      token: bob.token,
      body: { kind: 'direct', userId: alice.id, encrypted: true },
    });
    expect(again.status).toBe(200);
    expect(again.body.conversation.id).toBe(dm.id);
    expect((await api(t.url, 'GET', `/api/v1/conversations/${dm.id}`, { token: bob.token })).body.conversation.encrypted).toBe(true);
    expect(await state(bob, dm.id)).toEqual({
      conversationId: dm.id,
      groupId: Buffer.from(dm.id).toString('base64url'),
      ciphersuite: 1,
      epoch: 0,
      groupInfo: null,
    });
    expectError(await api(t.url, 'GET', `/api/v1/conversations/${dm.id}/mls`, { token: carol.token }), 404, 'not_found');
    expectError(
      await api(t.url, 'GET', `/api/v1/conversations/${plain.body.conversation.id}/mls`, { token: alice.token }),
      404,
      'not_found',
    );

    // A group turned encrypted: by its owner or an admin only, once, never off; a DM is not turned.
    const group = await api(t.url, 'POST', '/api/v1/conversations', {
      token: alice.token,
      body: { kind: 'group', title: 'Board', memberIds: [bob.id, carol.id] },
    });
    const id = group.body.conversation.id as string;
    expect(group.body.conversation.encrypted).toBe(false);
    const before = await api(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
      token: bob.token,
      body: { clientId: 'b1', body: 'plain' },
    });
    expect(before.status).toBe(201);
    expectError(
      await api(t.url, 'PATCH', `/api/v1/conversations/${id}`, { token: bob.token, body: { encrypted: true } }),
      403,
      'forbidden',
    );
    const on = await api(t.url, 'PATCH', `/api/v1/conversations/${id}`, { token: alice.token, body: { encrypted: true } });
    expect(on.status).toBe(200);
    expect(on.body.conversation.encrypted).toBe(true);
    expect((await history(carol, id)).at(-1)).toMatchObject({
      kind: 'system',
      system: { action: 'encryption_enabled', actorId: alice.id },
    });
    expect((await api(t.url, 'PATCH', `/api/v1/conversations/${id}`, { token: alice.token, body: { encrypted: true } })).status).toBe(200);
    expectError(
      await api(t.url, 'PATCH', `/api/v1/conversations/${id}`, { token: alice.token, body: { encrypted: false } }),
      400,
      'validation_failed',
    );
    const plainId = plain.body.conversation.id as string;
    expectError(
      await api(t.url, 'PATCH', `/api/v1/conversations/${plainId}`, { token: alice.token, body: { encrypted: true } }),
      400,
      'validation_failed',
    );
    expect((await api(t.url, 'GET', `/api/v1/conversations/${id}`, { token: carol.token })).body.conversation.encrypted).toBe(true);

    // Nothing readable goes in: a plain body, a draft, a scheduled message.
    expectError(
      await api(t.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: bob.token, body: { clientId: 'p1', body: 'hello' } }),
      400,
      'encrypted_conversation',
    );
    expectError(
      await api(t.url, 'PUT', `/api/v1/conversations/${id}/draft`, { token: bob.token, body: { body: 'hello', version: 0 } }),
      400,
      'encrypted_conversation',
    );
    // And `mls` is only for encrypted conversations.
    const wrong = await api(t.url, 'POST', `/api/v1/conversations/${plain.body.conversation.id}/messages`, {
      token: alice.token,
      body: { clientId: 'm1', mls: { type: 'application', ciphertext: 'AAAA', epoch: 0, senderDevice: 'dev_00000000' } },
    });
    expectError(wrong, 400, 'validation_failed');
  });

  it('carries a conversation of two people on three devices: commits, welcomes, ciphertext only, 409 on a concurrent commit', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const dm = await createEncrypted(alice, { kind: 'direct', userId: bob.id });
    const [laptop, phone, desk] = [await device(alice), await device(alice), await device(bob)];
    await setUp(dm.id, laptop, [phone, desk]);
    expect((await state(bob, dm.id)).epoch).toBe(1);

    const text = secret('the plan');
    const sent = await send(laptop, dm.id, text);
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({
      kind: 'encrypted',
      encrypted: true,
      epoch: 1,
      senderDevice: laptop.deviceId,
      mls: 'application',
      logPos: expect.any(Number),
    });
    expect(sent.body.message).not.toHaveProperty('body');
    // The same clientId again is the same message (idempotent), another ciphertext under it is refused.
    const retried = await post(
      laptop,
      dm.id,
      { type: 'application', ciphertext: sent.body.message.ciphertext, epoch: 1 },
      sent.body.message.clientId,
    );
    expect(retried.status).toBe(200);
    expect(retried.body.message.id).toBe(sent.body.message.id);

    const items = await history(bob, dm.id);
    expect(items.map((m) => m.mls)).toEqual(['commit', 'welcome', 'application']);
    expect(items.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(items.every((m) => m.encrypted === true && !('body' in m))).toBe(true);
    expect(items[1]).toMatchObject({ devices: [phone.deviceId, desk.deviceId] });
    expect(await read(desk, items[2]!)).toBe(text);
    expect(await read(phone, items[2]!)).toBe(text);

    // Two devices commit at epoch 1 at once: exactly one is ordered; the other hears 409 with the epoch.
    const [tablet, watch] = [await device(alice), await device(bob)];
    const fromLaptop = await laptop.engine.addMembers(laptop.group!, [tablet.bundle.keyPackage]);
    const fromDesk = await desk.engine.addMembers(desk.group!, [watch.bundle.keyPackage]);
    const [a, b] = await Promise.all([
      post(laptop, dm.id, await commitBody(laptop.engine, fromLaptop)),
      post(desk, dm.id, await commitBody(desk.engine, fromDesk)),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const [winner, loser, loserDevice, loserAdds] = a.status === 201 ? [fromLaptop, b, desk, watch] : [fromDesk, a, laptop, tablet];
    expect(loser.body.error).toMatchObject({ code: 'epoch_conflict', epoch: 2 });
    (a.status === 201 ? laptop : desk).group = winner.group;
    // The loser applies what it missed (the winner's commit, from the order) and commits again.
    const missed = (await history(loserDevice.user, dm.id)).at(-1)!;
    expect(missed.mls).toBe('commit');
    expect(await read(loserDevice, missed)).toBeUndefined();
    const retry = await loserDevice.engine.addMembers(loserDevice.group!, [loserAdds.bundle.keyPackage]);
    const accepted = await post(loserDevice, dm.id, await commitBody(loserDevice.engine, retry));
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
    loserDevice.group = retry.group;
    const winnerDevice = loserDevice === desk ? laptop : desk;
    winnerDevice.group = (await winnerDevice.engine.process(winnerDevice.group!, retry.commit)).group;
    expect((await state(alice, dm.id)).epoch).toBe(3);

    // Bad input, each a clear 4xx with nothing stored.
    const plainGroup = await createGroup(alice, [bob]);
    const plainMessage = await postMessage(t.url, alice, plainGroup.id, 'plain words');
    const before = await databaseSnapshot(t);
    const stale = await commitBody(laptop.engine, fromLaptop);
    // A replayed commit (its epoch is long past).
    const replayed = await post(laptop, dm.id, stale);
    expect(replayed.status).toBe(409);
    expect(replayed.body.error).toMatchObject({ code: 'epoch_conflict', epoch: 3 });
    // Malformed bytes.
    expectError(await post(laptop, dm.id, { ...stale, ciphertext: 'AAAA' }), 400, 'validation_failed');
    expectError(await post(laptop, dm.id, { type: 'application', ciphertext: 'bm90IG1scw', epoch: 3 }), 400, 'validation_failed');
    // A commit without its GroupInfo; a device that is not the sender's.
    expectError(await post(laptop, dm.id, { ...stale, groupInfo: undefined }), 400, 'validation_failed');
    expectError(await post({ ...laptop, deviceId: desk.deviceId }, dm.id, stale), 400, 'validation_failed');
    // A KeyPackage of someone who is not a member (Carol).
    const stranger = await device(carol);
    const addsStranger = await laptop.engine.addMembers(laptop.group!, [stranger.bundle.keyPackage]);
    expectError(await post(laptop, dm.id, await commitBody(laptop.engine, addsStranger)), 400, 'validation_failed');
    // A welcome for a device that is not a member's.
    expectError(
      await post(laptop, dm.id, { type: 'welcome', ciphertext: b64(addsStranger.welcome!), epoch: 3, devices: [stranger.deviceId] }),
      400,
      'validation_failed',
    );
    // A plain body, and a reaction in clear.
    expectError(
      await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, { token: alice.token, body: { clientId: 'plain', body: 'hi' } }),
      400,
      'encrypted_conversation',
    );
    expectError(
      await api(t.url, 'PUT', `/api/v1/messages/${sent.body.message.id}/reactions/${encodeURIComponent('👍')}`, { token: bob.token }),
      400,
      'encrypted_conversation',
    );
    // An edit in clear: its author is told to send it as MLS (400, not the 403 of a message that
    // cannot be edited); anyone else may not edit it in any form (403); a non-member sees nothing (404).
    const edit = (user: TestUser) =>
      api(t.url, 'PATCH', `/api/v1/messages/${sent.body.message.id}`, { token: user.token, body: { body: 'edited in clear' } });
    expectError(await edit(alice), 400, 'encrypted_conversation');
    expectError(await edit(bob), 403, 'forbidden');
    expectError(await edit(carol), 404, 'not_found');
    // Forwarding: the server cannot copy what it cannot read, nor put a readable copy (or its
    // comment) into an encrypted conversation; a refused target sends nothing to the others.
    const forward = (id: string, conversationIds: string[]) =>
      api(t.url, 'POST', `/api/v1/messages/${id}/forward`, { token: alice.token, body: { conversationIds, comment: 'look' } });
    expectError(await forward(sent.body.message.id, [plainGroup.id]), 400, 'encrypted_conversation');
    expectError(await forward(plainMessage.body.message.id, [plainGroup.id, dm.id]), 400, 'encrypted_conversation');
    expect((await api(t.url, 'GET', `/api/v1/conversations/${plainGroup.id}/messages`, { token: bob.token })).body.items).toHaveLength(1);
    const after = await databaseSnapshot(t);
    // Only the devices table moved (Carol's stranger device registered); no message, event or group changed.
    for (const table of ['messages', 'events', 'mls_groups', 'conversations']) expect(after[table], table).toEqual(before[table]);

    // After the commits every device still reads every message.
    const later = secret('the second plan');
    expect((await send(desk, dm.id, later)).status).toBe(201);
    const last = (await history(alice, dm.id)).at(-1)!;
    expect(await read(laptop, last)).toBe(later);
  });

  it('keeps Confab roles on commits: only an owner or admin adds or removes other members’ devices in a group', async () => {
    const [owner, member, joiner] = await freshUsers(t.url, 3);
    const group = await createEncrypted(owner, { kind: 'group', title: 'Board', memberIds: [member.id, joiner.id] });
    const [o, m, j] = [await device(owner), await device(member), await device(joiner)];
    await setUp(group.id, o, [m]);
    // A member may not commit another member's device in.
    const byMember = await m.engine.addMembers(m.group!, [j.bundle.keyPackage]);
    expectError(await post(m, group.id, await commitBody(m.engine, byMember)), 403, 'forbidden');
    // The owner may; then removes the member's device after the member was removed from the group.
    const byOwner = await o.engine.addMembers(o.group!, [j.bundle.keyPackage]);
    expect((await post(o, group.id, await commitBody(o.engine, byOwner))).status).toBe(201);
    o.group = byOwner.group;
    m.group = (await m.engine.process(m.group!, byOwner.commit)).group;
    // The member may not remove the joiner's active device…
    const memberRemoves = await m.engine.removeMembers(m.group!, [{ userId: joiner.id, deviceId: j.deviceId }]);
    expectError(await post(m, group.id, await commitBody(m.engine, memberRemoves)), 403, 'forbidden');
    // …but anyone may remove the device of someone no longer in the conversation.
    expect((await api(t.url, 'DELETE', `/api/v1/conversations/${group.id}/members/${joiner.id}`, { token: owner.token })).status).toBe(204);
    const removal = await m.engine.removeMembers(m.group!, [{ userId: joiner.id, deviceId: j.deviceId }]);
    expect((await post(m, group.id, await commitBody(m.engine, removal))).status).toBe(201);
    expect((await state(owner, group.id)).epoch).toBe(3);

    const text = secret('board minutes');
    m.group = removal.group;
    expect((await send(m, group.id, text)).status).toBe(201);
    o.group = (await o.engine.process(o.group!, removal.commit)).group;
    expect(await read(o, (await history(owner, group.id)).at(-1)!)).toBe(text);
  });

  it('never orders a plain send after PATCH {encrypted: true}, however the two race', async () => {
    const [owner, member] = await freshUsers(t.url, 2);
    for (let round = 0; round < 12; round++) {
      const created = await api(t.url, 'POST', '/api/v1/conversations', {
        token: owner.token,
        body: { kind: 'group', title: `Race ${round}`, memberIds: [member.id] },
      });
      const id = created.body.conversation.id as string;
      const send = (user: TestUser, i: number) =>
        api(t.url, 'POST', `/api/v1/conversations/${id}/messages`, {
          token: user.token,
          body: { clientId: `r${round}-${i}`, body: `race ${i}` },
        });
      // The sends read the flag before the switch commits or after; each is stored before it or refused.
      const [switched, ...sends] = await Promise.all([
        api(t.url, 'PATCH', `/api/v1/conversations/${id}`, { token: owner.token, body: { encrypted: true } }),
        ...[0, 1, 2, 3, 4, 5].map((i) => send(i % 2 ? owner : member, i)),
      ]);
      expect(switched.status).toBe(200);
      for (const res of sends) {
        if (res.status !== 201) expectError(res, 400, 'encrypted_conversation');
      }
      const items = await history(owner, id);
      const switchedAt = items.find((m) => m.kind === 'system' && (m.system as { action: string }).action === 'encryption_enabled')!
        .seq as number;
      const plain = items.filter((m) => m.kind === 'text');
      expect(plain.every((m) => (m.seq as number) < switchedAt)).toBe(true);
      expect(plain).toHaveLength(sends.filter((r) => r.status === 201).length);
    }
  });

  it('holds none of the plaintexts sent in any table', async () => {
    expect(plaintexts.length).toBeGreaterThan(0);
    const snapshot = JSON.stringify(await databaseSnapshot(t));
    for (const text of plaintexts) expect(snapshot.includes(text), text).toBe(false);
    for (const text of plaintexts) expect(snapshot.includes(text.split(' ').at(-1)!), text).toBe(false);
  });
});
