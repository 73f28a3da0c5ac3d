import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfabClient, encryptedFilesOf } from '@confab/client';
import type { Message } from '@confab/protocol';
import { engines } from '../engines.js';
import { type TestServer } from '../harness.js';
import { encryptedPerson } from '../encrypted-people.js';
import { plaintextsFound } from '../plaintext-scan.js';

/**
 * Issue 39: forwarding in and out of encrypted conversations. The server cannot copy an encrypted
 * message (it never had its text) nor put a copy where it may hold only ciphertext, so the SDK's
 * `messages.forward` makes those copies on the device; a message of an encrypted conversation goes
 * only into encrypted ones.
 */
describe.each(await engines())('forwarding with encrypted conversations on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const secret = (what: string) => `${what} ${crypto.randomUUID()}`;
  const application = async (c: ConfabClient, conversationId: string): Promise<Message[]> =>
    (await c.history(conversationId, { after: 0, limit: 50 })).items.filter((m) => m.encrypted === true);

  it('copies an encrypted message, its file and a poll into encrypted conversations on the device; never into a plain one', async () => {
    const alice = await encryptedPerson(t.url, 'fa');
    const bob = await encryptedPerson(t.url, 'fb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const group = await alice.client.createGroup('Forwarded into', [bob.id], { encrypted: true });
    const plain = await alice.client.createGroup('Plain', [bob.id]);

    const text = secret('the launch date');
    const original = await bob.client.sendMessage(dm.id, text);
    const bytes = new TextEncoder().encode(secret('the contract'));
    const upload = await bob.client.upload(new Blob([bytes], { type: 'text/plain' }), { filename: 'contract.txt', conversationId: dm.id });
    const withFile = await bob.client.sendMessage(dm.id, 'signed copy', undefined, { attachmentIds: [upload.id] });
    const poll = await bob.client.sendMessage(dm.id, undefined, undefined, {
      kind: 'poll',
      poll: { question: 'Which venue?', options: ['hall', 'park'], multiple: false, anonymous: false },
    });
    await alice.client.history(dm.id, { after: 0, limit: 50 }); // Alice's device reads them (and joins)

    const copies = await alice.client.messages.forward(original.id, [group.id], 'see this');
    expect(copies.map((m) => m.body)).toEqual(['see this', text]);
    expect(copies[1]).toMatchObject({ encrypted: true, forwardedFrom: { senderId: bob.id, sentAt: original.createdAt } });
    await alice.client.messages.forward(withFile.id, [group.id]);
    await alice.client.messages.forward(poll.id, [group.id]);

    const inGroup = await application(bob.client, group.id);
    expect(inGroup.map((m) => [m.kind, m.body, m.forwardedFrom?.senderId ?? null])).toEqual([
      ['encrypted', 'see this', null],
      ['encrypted', text, bob.id],
      ['encrypted', 'signed copy', bob.id],
      ['poll', 'Which venue?', bob.id],
    ]);
    // The file was encrypted again under a new key and uploaded anew; it reads the same.
    const [copied] = encryptedFilesOf(inGroup[2]!);
    const [first] = encryptedFilesOf(withFile);
    expect(copied).toMatchObject({ name: 'contract.txt', type: 'text/plain', size: bytes.byteLength });
    expect(copied!.uploadId).not.toBe(first!.uploadId);
    expect(copied!.key).not.toBe(first!.key);
    expect(new Uint8Array(await (await bob.client.downloadEncryptedFile(copied!)).arrayBuffer())).toEqual(bytes);
    // A poll is sent afresh: open, no votes.
    expect(inGroup[3]!.poll).toMatchObject({
      closedAt: null,
      options: [
        { text: 'hall', count: 0 },
        { text: 'park', count: 0 },
      ],
    });

    // Never into a plain conversation (the server would read it), nor with one among the targets: nothing sent anywhere.
    for (const targets of [[plain.id], [group.id, plain.id]])
      await expect(alice.client.messages.forward(original.id, targets, 'and here')).rejects.toMatchObject({
        status: 400,
        code: 'encrypted_conversation',
      });
    expect((await alice.client.history(plain.id, { after: 0 })).items.filter((m) => m.kind !== 'system')).toEqual([]);
    expect(await application(bob.client, group.id)).toHaveLength(4);

    const databaseUrl = t.server.services.config.databaseUrl;
    const where = { dataDirs: [t.dataDir], ...(databaseUrl?.startsWith('postgres') ? { databaseUrl } : {}) };
    expect(await plaintextsFound(where, [text, 'contract.txt'])).toEqual([]);
  });

  it('copies a plain message into an encrypted conversation on the device, and into plain ones by the server', async () => {
    const alice = await encryptedPerson(t.url, 'fc');
    const bob = await encryptedPerson(t.url, 'fd');
    const plain = await alice.client.createGroup('Plain source', [bob.id]);
    const otherPlain = await alice.client.createGroup('Plain target', [bob.id]);
    const group = await alice.client.createGroup('Encrypted target', [bob.id], { encrypted: true });
    const original = await bob.client.sendMessage(plain.id, 'said in the open');

    const copies = await alice.client.messages.forward(original.id, [group.id, otherPlain.id]);
    // The plain target's copy (by the server) first, then the encrypted one's.
    expect(copies.map((m) => [m.conversationId, m.kind, m.body])).toEqual([
      [otherPlain.id, 'text', 'said in the open'],
      [group.id, 'encrypted', 'said in the open'],
    ]);
    expect(copies[0]!.forwardedFrom).toMatchObject({ senderId: bob.id });
    expect(copies[1]!.forwardedFrom).toEqual({ senderId: bob.id, sentAt: original.createdAt });
    expect((await application(bob.client, group.id)).map((m) => m.body)).toEqual(['said in the open']);
    // Still all by the server when no target is encrypted.
    const again = await alice.client.messages.forward(original.id, [otherPlain.id]);
    expect(again.map((m) => m.kind)).toEqual(['text']);
  });
});
