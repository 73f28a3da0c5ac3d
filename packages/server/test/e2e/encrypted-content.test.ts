import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '@confab/protocol';
import { CIPHERTEXT_UPLOAD_NAME, FileDecryptError, encryptedFilesOf } from '@confab/client';
import { engines } from '../engines.js';
import { expectError } from '../factories.js';
import { type TestServer, api } from '../harness.js';
import { encryptedPerson } from '../encrypted-people.js';
import { databaseSnapshot } from '../snapshot.js';

/** Issue 39 part 5: encrypted files and reactions between two SDK clients over a real server. */
describe.each(await engines())('encrypted files and reactions through the SDK on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const person = (prefix: string) => encryptedPerson(t.url, prefix);
  type Person = Awaited<ReturnType<typeof person>>;

  it('round-trips a file: the server holds and serves only ciphertext, under a name and type that say nothing', async () => {
    const alice = await person('fa');
    const bob = await person('fb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const secret = `the contract, page one ${crypto.randomUUID()}`;
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode(secret)]);
    const caption = `signed copy ${crypto.randomUUID()}`;

    const sent = await alice.client.sendEncryptedFiles(dm.id, [{ data: png, name: 'contract.png', type: 'image/png' }], { caption });
    expect(sent).toMatchObject({ kind: 'encrypted', encrypted: true, body: caption });
    expect(encryptedFilesOf(sent)).toEqual([expect.objectContaining({ name: 'contract.png', type: 'image/png', size: png.byteLength })]);

    const [message] = (await bob.client.history(dm.id, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted');
    expect(message).toMatchObject({ body: caption });
    const [ref] = encryptedFilesOf(message!);
    const blob = await bob.client.downloadEncryptedFile(ref!);
    expect(blob.type).toBe('image/png');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(png);

    // What the server sees: an upload of the ciphertext's size, named and typed the same for every file, no thumbnail.
    expect(message!.attachments).toEqual([
      expect.objectContaining({
        id: ref!.uploadId,
        filename: CIPHERTEXT_UPLOAD_NAME,
        contentType: 'application/octet-stream',
        size: png.byteLength + 16,
      }),
    ]);
    const raw = new Uint8Array(await (await bob.client.files.download(ref!.uploadId)).arrayBuffer());
    expect(createHash('sha256').update(raw).digest('base64url')).toBe(ref!.sha256);
    expect(Buffer.from(raw).includes(Buffer.from(secret))).toBe(false);
    await expect(bob.client.files.thumbnail(ref!.uploadId)).rejects.toMatchObject({ status: 404 });
    // The blob store (on disk, or in the database on PostgreSQL and MariaDB) holds these same bytes.
    const stored = await t.server.services.files.blobs.get(ref!.uploadId);
    expect(Buffer.concat(await stored!.toArray()).equals(Buffer.from(raw))).toBe(true);
    const snapshot = JSON.stringify(await databaseSnapshot(t));
    for (const seen of [secret, caption, 'contract.png', ref!.key]) expect(snapshot.includes(seen), seen).toBe(false);

    // A blob changed on the way is refused by its hash, before decrypting.
    await expect(
      bob.client.downloadEncryptedFile({ ...ref!, sha256: createHash('sha256').update('x').digest('base64url') }),
    ).rejects.toBeInstanceOf(FileDecryptError);
  });

  it('links only the sender’s own uploads, and only to an application message', async () => {
    const alice = await person('ua');
    const bob = await person('ub');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const bobs = await bob.client.upload(new Blob([new Uint8Array([1, 2, 3])]), 'x.bin');
    const [own] = [await alice.client.upload(new Blob([new Uint8Array([4, 5, 6])]), 'y.bin')];
    const post = (attachmentIds: string[], mls: unknown) =>
      alice.client['http'].request('POST', `/api/v1/conversations/${dm.id}/messages`, {
        body: { clientId: crypto.randomUUID(), mls, attachmentIds },
      });
    const mls = await alice.client['e2e'].groups().encryptFor(dm.id, 'x', crypto.randomUUID());
    await expect(post([bobs.id], mls)).rejects.toMatchObject({ status: 400, code: 'validation_failed' });
    await expect(post([own!.id], { ...mls, type: 'welcome', devices: [] })).rejects.toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
    expect(await post([own!.id], mls)).toMatchObject({ message: { attachments: [expect.objectContaining({ id: own!.id })] } });
  });

  it('reacts with an emoji the server never sees; each client counts the reactions it decrypted', async () => {
    const alice = await person('ra');
    const bob = await person('rb');
    const group = await alice.client.createGroup('Reactions', [bob.id], { encrypted: true });
    const message = await alice.client.sendMessage(group.id, 'lunch?');
    const key = `:parrot-${crypto.randomUUID()}:`;

    await bob.client.reactEncrypted(group.id, message.id, key);
    await alice.client.reactEncrypted(group.id, message.id, key);
    await alice.client.reactEncrypted(group.id, message.id, '👍');
    await alice.client.reactEncrypted(group.id, message.id, '👍', false);

    for (const c of [alice.client, bob.client]) {
      expect((await c.encryptedReactions(group.id)).get(message.id)).toEqual([{ key, count: 2, userIds: [alice.id, bob.id].sort() }]);
      // Reactions are counted, not listed as messages.
      const bodies = (await c.history(group.id, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted').map((m) => m.body);
      expect(bodies).toEqual(['lunch?']);
    }
    expect(JSON.stringify(await databaseSnapshot(t)).includes(key)).toBe(false);
    // A reaction in clear is refused in an encrypted conversation.
    const inClear = await api(t.url, 'PUT', `/api/v1/messages/${message.id}/reactions/${encodeURIComponent('👍')}`, { token: bob.token });
    expect(inClear.status).toBe(400);
    expect(inClear.body.error.code).toBe('encrypted_conversation');

    // The envelopes say which message they react to (the key stays inside); the server counts
    // them neither unread nor last: Bob has Alice's one message unread, Alice nothing.
    const envelopes = (await api(t.url, 'GET', `/api/v1/conversations/${group.id}/messages?after=0&limit=50`, { token: bob.token })).body
      .items as Record<string, unknown>[];
    expect(envelopes.filter((m) => m.mls === 'application').map((m) => m.relatesTo ?? null)).toEqual([
      null,
      ...Array(4).fill({ type: 'reaction', messageId: message.id }),
    ]);
    const listed = async (p: Person) => (await p.client.listConversations()).items.find((c) => c.id === group.id);
    expect(await listed(bob)).toMatchObject({ unreadCount: 1, lastMessage: { id: message.id } });
    expect(await listed(alice)).toMatchObject({ unreadCount: 0, lastMessage: { id: message.id } });
  });

  it('refuses a relation that names no message people read here, or an edit of someone else’s', async () => {
    const alice = await person('xa');
    const bob = await person('xb');
    const group = await alice.client.createGroup('Relations', [bob.id], { encrypted: true });
    const other = await alice.client.createGroup('Elsewhere', [bob.id], { encrypted: true });
    const mine = await alice.client.sendMessage(group.id, 'mine');
    const elsewhere = await alice.client.sendMessage(other.id, 'elsewhere');
    const commit = (
      await api(t.url, 'GET', `/api/v1/conversations/${group.id}/messages?after=0&limit=50`, { token: bob.token })
    ).body.items.find((m: Record<string, unknown>) => m.mls === 'commit');
    const post = async (by: Person, relatesTo: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const mls = await by.client['e2e'].groups().encryptFor(group.id, 'x', crypto.randomUUID());
      return api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
        token: by.token,
        body: { clientId: crypto.randomUUID(), mls: { ...mls, relatesTo }, ...extra },
      });
    };
    expectError(await post(bob, { type: 'reaction', messageId: elsewhere.id }), 400, 'validation_failed');
    expectError(await post(bob, { type: 'reaction', messageId: commit.id }), 400, 'validation_failed');
    expectError(await post(bob, { type: 'reaction', messageId: 'nope' }), 400, 'validation_failed');
    expectError(await post(bob, { type: 'edit', messageId: mine.id }), 403, 'forbidden');
    expectError(await post(bob, { type: 'reaction', messageId: mine.id }, { replyToId: mine.id }), 400, 'validation_failed');
    const reaction = await post(bob, { type: 'reaction', messageId: mine.id });
    expect(reaction.status).toBe(201);
    // A reaction or edit of a reaction is no message people read either.
    expectError(await post(alice, { type: 'edit', messageId: reaction.body.message.id }), 400, 'validation_failed');
    await alice.client.messages.delete(mine.id);
    expectError(await post(bob, { type: 'reaction', messageId: mine.id }), 409, 'conflict');
  });

  it('decrypts what `messages` answers of an encrypted conversation: pins, saved, a thread and its root, the page around, quotes', async () => {
    const [alice, bob, carol] = [await person('pa'), await person('pb'), await person('pc')];
    const group = await alice.client.createGroup('Pins', [bob.id], { encrypted: true });
    const plan = `the plan ${crypto.randomUUID()}`;
    const root = await alice.client.sendMessage(group.id, plan);
    const reply = await bob.client.sendMessage(group.id, 'agreed', undefined, { replyToId: root.id });
    const inThread = await bob.client.sendMessage(group.id, 'in the thread', undefined, { threadRootId: root.id });
    // The server quotes the seq, not a text it does not have; the device fills the excerpt in.
    expect(reply.replyTo).toMatchObject({ id: root.id, seq: root.seq, excerpt: plan });
    await alice.client.messages.pin(root.id);
    await bob.client.messages.save(root.id);

    expect((await bob.client.messages.pins(group.id)).items).toEqual([expect.objectContaining({ id: root.id, body: plan })]);
    expect((await bob.client.messages.saved()).items.map((s) => s.message)).toEqual([expect.objectContaining({ id: root.id, body: plan })]);
    expect(await bob.client.messages.get(root.id)).toMatchObject({ body: plan, encrypted: true });
    expect((await alice.client.messages.thread(root.id)).items).toEqual([
      expect.objectContaining({ id: inThread.id, body: 'in the thread' }),
    ]);
    expect((await alice.client.messages.threads(group.id)).items.map((t) => t.root)).toEqual([
      expect.objectContaining({ id: root.id, body: plan }),
    ]);
    const around = await alice.client.messages.around(group.id, root.seq);
    expect(around.items.filter((m) => m.kind === 'encrypted').map((m) => m.body)).toEqual([plan, 'agreed']);
    expect((await alice.client.history(group.id, { after: 0, limit: 50 })).items.find((m) => m.id === reply.id)?.replyTo).toMatchObject({
      excerpt: plan,
    });
    // An edit of the quoted message changes the quote, once the device has read the edit.
    await alice.client.editEncrypted(group.id, root.id, 'the new plan');
    await bob.client.history(group.id, { after: 0, limit: 50 });
    expect((await bob.client.messages.get(reply.id)).replyTo).toMatchObject({ excerpt: 'the new plan' });
    expect((await bob.client.messages.pins(group.id)).items).toEqual([expect.objectContaining({ id: root.id, body: 'the new plan' })]);

    // Carol joins later: her device holds no key of what was sent before, so the pin stays an
    // envelope without a body and the quote without an excerpt (the app says why).
    await alice.client.addMember(group.id, carol.id);
    const [pin] = (await carol.client.messages.pins(group.id)).items;
    expect(pin).toMatchObject({ id: root.id, kind: 'encrypted', encrypted: true });
    expect(pin).not.toHaveProperty('body');
    expect((await carol.client.messages.get(reply.id)).replyTo).toMatchObject({ id: root.id, excerpt: '', deleted: false });
    expect(JSON.stringify(await databaseSnapshot(t)).includes(plan)).toBe(false);
  });

  it('edits with the new text encrypted; a reader applies only the sender’s own edit, the latest', async () => {
    const alice = await person('ea');
    const bob = await person('eb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const sent = await alice.client.sendMessage(dm.id, 'meet at five');
    const fixed = `meet at six ${crypto.randomUUID()}`;
    await alice.client.editEncrypted(dm.id, sent.id, 'meet at half past five');
    await alice.client.editEncrypted(dm.id, sent.id, fixed);
    // Bob cannot edit Alice's message: the server refuses an edit marked as one (403), and readers
    // ignore one sent without the mark, from anyone but the message's sender.
    await expect(bob.client.editEncrypted(dm.id, sent.id, 'meet never')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    const unmarked = await bob.client['e2e'].groups().encryptContent(dm.id, { edit: { messageId: sent.id, text: 'meet never' } }, 'forged');
    delete unmarked.relatesTo;
    expect(
      (
        await api(t.url, 'POST', `/api/v1/conversations/${dm.id}/messages`, {
          token: bob.token,
          body: { clientId: 'forged', mls: unmarked },
        })
      ).status,
    ).toBe(201);

    for (const c of [bob.client, alice.client]) {
      const listed = (await c.history(dm.id, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted');
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({ id: sent.id, body: fixed });
      expect(listed[0]!.editedAt).not.toBeNull();
    }
    expect(JSON.stringify(await databaseSnapshot(t)).includes(fixed)).toBe(false);
    // An edit in clear is refused there: its author is told to send it encrypted.
    const inClear = await api(t.url, 'PATCH', `/api/v1/messages/${sent.id}`, { token: alice.token, body: { body: 'plain' } });
    expect(inClear.status).toBe(400);
    expect(inClear.body.error.code).toBe('encrypted_conversation');
  });

  it('reacts and edits through the same `messages` calls as in a plain conversation: inside MLS messages there', async () => {
    const alice = await person('ma');
    const bob = await person('mb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const sent = await alice.client.sendMessage(dm.id, 'see you at noon');
    const key = `:wave-${crypto.randomUUID()}:`;
    const fixed = `see you at one ${crypto.randomUUID()}`;

    expect(await bob.client.messages.react(sent.id, key)).toMatchObject({ id: sent.id, body: 'see you at noon' });
    await alice.client.messages.react(sent.id, '👍');
    await alice.client.messages.unreact(sent.id, '👍');
    expect(await alice.client.messages.edit(sent.id, fixed)).toMatchObject({ id: sent.id, body: fixed });
    // Bob cannot edit Alice's message this way either.
    await expect(bob.client.messages.edit(sent.id, 'see you never')).rejects.toMatchObject({ status: 403, code: 'forbidden' });

    for (const c of [alice.client, bob.client]) {
      expect((await c.encryptedReactions(dm.id)).get(sent.id)).toEqual([{ key, count: 1, userIds: [bob.id] }]);
      const listed = (await c.history(dm.id, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted');
      expect(listed.map((m) => m.body)).toEqual([fixed]);
    }
    const stored = JSON.stringify(await databaseSnapshot(t));
    expect(stored.includes(key) || stored.includes(fixed)).toBe(false);
    // No reaction in clear was stored on the message.
    const envelope = (await api(t.url, 'GET', `/api/v1/messages/${sent.id}`, { token: bob.token })).body.message;
    expect(envelope.reactions).toEqual([]);
  });

  it('reacts and edits over the live connection too: `live.react` and `live.edit` send MLS messages over the socket there', async () => {
    const alice = await person('la');
    const bob = await person('lb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const [aliceLive, bobLive] = [alice.client.connect(), bob.client.connect()];
    try {
      await Promise.all([aliceLive.ready(), bobLive.ready()]);
      const sent = await aliceLive.send(dm.id, 'see you at noon');
      const key = `:wave-${crypto.randomUUID()}:`;
      const fixed = `see you at one ${crypto.randomUUID()}`;

      expect(await bobLive.react(sent.id, key)).toMatchObject({ id: sent.id, body: 'see you at noon' });
      await aliceLive.react(sent.id, '👍');
      expect(await aliceLive.react(sent.id, '👍', false)).toMatchObject({ id: sent.id });
      expect(await aliceLive.edit(sent.id, fixed)).toMatchObject({ id: sent.id, body: fixed });
      // Not the author: the server's 403 stands (only a refusal for being in clear is sent again encrypted).
      await expect(bobLive.edit(sent.id, 'see you never')).rejects.toMatchObject({ code: 'forbidden' });

      for (const c of [alice.client, bob.client]) {
        expect((await c.encryptedReactions(dm.id)).get(sent.id)).toEqual([{ key, count: 1, userIds: [bob.id] }]);
        const listed = (await c.history(dm.id, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted');
        expect(listed.map((m) => m.body)).toEqual([fixed]);
      }
      // What the server holds: the text and four MLS messages relating to it (three reactions, one edit), nothing readable.
      const path = `/api/v1/conversations/${dm.id}/messages?after=0&limit=50`;
      const served = (await api(t.url, 'GET', path, { token: bob.token })).body.items as Message[];
      expect(served.filter((m) => m.relatesTo?.messageId === sent.id).map((m) => m.relatesTo!.type)).toEqual([
        'reaction',
        'reaction',
        'reaction',
        'edit',
      ]);
      const stored = JSON.stringify(await databaseSnapshot(t));
      expect(stored.includes(key) || stored.includes(fixed)).toBe(false);
      expect((await api(t.url, 'GET', `/api/v1/messages/${sent.id}`, { token: bob.token })).body.message.reactions).toEqual([]);
    } finally {
      aliceLive.close();
      bobLive.close();
    }
  });
});
