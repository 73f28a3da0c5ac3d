import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIPHERTEXT_UPLOAD_NAME, EncryptionError, encryptedFilesOf } from '@confab/client';
import type { Message } from '@confab/protocol';
import { engines } from '../engines.js';
import { type TestServer } from '../harness.js';
import { encryptedPerson } from '../encrypted-people.js';
import { plaintextsFound } from '../plaintext-scan.js';

/**
 * Issue 39's SDK contract for files: `client.upload(blob, { name, conversationId })` encrypts when
 * that conversation is encrypted, and the upload is then sent as any other, by `sendMessage` or
 * `live.send` with `attachmentIds`. And the client learns which conversations are encrypted from
 * what it reads, so a first send asks no more (the requests are counted).
 */
describe.each(await engines())('encrypted uploads through client.upload on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  /** A person whose client's requests are recorded as `METHOD path`. */
  const person = async (prefix: string) => {
    const requests: string[] = [];
    const recording: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
      return fetch(input, init);
    };
    return { ...(await encryptedPerson(t.url, prefix, recording)), requests };
  };
  const pngWith = (secret: string) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode(secret)]);
  const encryptedOf = async (client: Awaited<ReturnType<typeof person>>['client'], conversationId: string): Promise<Message[]> =>
    (await client.history(conversationId, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted');

  it('uploads only ciphertext and sends the key inside the MLS message; the other member reads the file', async () => {
    const alice = await person('ea');
    const bob = await person('eb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const secret = `the floor plan ${crypto.randomUUID()}`;
    const png = pngWith(secret);
    const caption = `plan attached ${crypto.randomUUID()}`;

    const progress: number[] = [];
    const upload = await alice.client.upload(new Blob([png], { type: 'image/png' }), {
      name: 'floor-plan.png',
      conversationId: dm.id,
      onProgress: ({ loaded }) => progress.push(loaded),
    });
    // What the server was given: a ciphertext named and typed like every other.
    expect(upload).toMatchObject({ filename: CIPHERTEXT_UPLOAD_NAME, contentType: 'application/octet-stream', size: png.byteLength + 16 });
    expect(progress.length).toBeGreaterThan(0);

    const sent = await alice.client.sendMessage(dm.id, caption, undefined, { attachmentIds: [upload.id] });
    expect(sent).toMatchObject({
      kind: 'encrypted',
      encrypted: true,
      body: caption,
      attachments: [expect.objectContaining({ id: upload.id })],
    });
    expect(encryptedFilesOf(sent)).toEqual([expect.objectContaining({ uploadId: upload.id, name: 'floor-plan.png', type: 'image/png' })]);

    const [message] = await encryptedOf(bob.client, dm.id);
    expect(message).toMatchObject({ body: caption });
    const [ref] = encryptedFilesOf(message!);
    expect(ref).toMatchObject({ uploadId: upload.id, name: 'floor-plan.png', type: 'image/png', size: png.byteLength });
    const blob = await bob.client.downloadEncryptedFile(ref!);
    expect(blob.type).toBe('image/png');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(png);

    // The server's blob is ciphertext: the blob store's bytes, and every byte on disk (and in PostgreSQL), hold none of it.
    const stored = await t.server.services.files.blobs.get(upload.id);
    expect(Buffer.concat(await stored!.toArray()).includes(Buffer.from(secret))).toBe(false);
    const databaseUrl = t.server.services.config.databaseUrl;
    const where = { dataDirs: [t.dataDir], ...(databaseUrl?.startsWith('postgres') ? { databaseUrl } : {}) };
    expect(await plaintextsFound(where, [secret, caption, 'floor-plan.png', ref!.key])).toEqual([]);
  });

  it('sends an uploaded file over the realtime connection too', async () => {
    const alice = await person('la');
    const bob = await person('lb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const bytes = new TextEncoder().encode(`minutes ${crypto.randomUUID()}`);
    const upload = await alice.client.upload(new Blob([bytes], { type: 'text/plain' }), { filename: 'minutes.txt', conversationId: dm.id });
    const live = alice.client.connect();
    try {
      await live.ready();
      const sent = await live.send(dm.id, 'the minutes', undefined, { attachmentIds: [upload.id] });
      expect(sent).toMatchObject({ kind: 'encrypted', encrypted: true, body: 'the minutes' });
    } finally {
      live.close();
    }
    const [message] = await encryptedOf(bob.client, dm.id);
    const [ref] = encryptedFilesOf(message!);
    expect(ref).toMatchObject({ name: 'minutes.txt', type: 'text/plain' });
    expect(new Uint8Array(await (await bob.client.downloadEncryptedFile(ref!)).arrayBuffer())).toEqual(bytes);
  });

  it('sends a voice note: the audio encrypted, its length and waveform inside; read as a plain note is', async () => {
    const alice = await person('va');
    const bob = await person('vb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    // An Ogg page header, then what must not reach the server readable.
    const secret = `said aloud ${crypto.randomUUID()}`;
    const audio = new Uint8Array([...new TextEncoder().encode('OggS'), 0, 2, ...new TextEncoder().encode(secret)]);
    const voice = { durationMs: 3250, waveform: [3, 90, 255, 17, 0] };
    const filename = `note-${crypto.randomUUID()}.ogg`;
    const upload = await alice.client.upload(new Blob([audio], { type: 'audio/ogg' }), { filename, conversationId: dm.id });
    expect(upload).toMatchObject({ filename: CIPHERTEXT_UPLOAD_NAME, contentType: 'application/octet-stream' });

    const sent = await alice.client.sendMessage(dm.id, undefined, undefined, { kind: 'voice', attachmentIds: [upload.id], voice });
    expect(sent).toMatchObject({
      kind: 'voice',
      encrypted: true,
      body: '',
      voice,
      attachments: [expect.objectContaining({ id: upload.id })],
    });

    // Over the socket too, as the web app sends it.
    const second = await alice.client.upload(new Blob([audio], { type: 'audio/ogg' }), { filename: 'again.ogg', conversationId: dm.id });
    const live = alice.client.connect();
    try {
      await live.ready();
      const again = await live.send(dm.id, undefined, undefined, {
        kind: 'voice',
        attachmentIds: [second.id],
        voice: { durationMs: 1, waveform: [] },
      });
      expect(again).toMatchObject({ kind: 'voice', encrypted: true, voice: { durationMs: 1, waveform: [] } });
    } finally {
      live.close();
    }

    const notes = (await bob.client.history(dm.id, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'voice');
    expect(notes.map((m) => m.voice)).toEqual([voice, { durationMs: 1, waveform: [] }]);
    const [ref] = encryptedFilesOf(notes[0]!);
    expect(ref).toMatchObject({ uploadId: upload.id, name: filename, type: 'audio/ogg', size: audio.byteLength });
    expect(new Uint8Array(await (await bob.client.downloadEncryptedFile(ref!)).arrayBuffer())).toEqual(audio);

    // The server holds neither the sound nor its name.
    const databaseUrl = t.server.services.config.databaseUrl;
    const where = { dataDirs: [t.dataDir], ...(databaseUrl?.startsWith('postgres') ? { databaseUrl } : {}) };
    expect(await plaintextsFound(where, [secret, filename, ref!.key])).toEqual([]);

    // A note the server would refuse plain is refused here before anything is sent: an image as the note, two files, no waveform.
    const image = await alice.client.upload(new Blob([pngWith('x')], { type: 'image/png' }), { name: 'a.png', conversationId: dm.id });
    alice.requests.length = 0;
    for (const links of [
      { kind: 'voice' as const, attachmentIds: [image.id], voice },
      { kind: 'voice' as const, attachmentIds: [upload.id, image.id], voice },
      { kind: 'voice' as const, attachmentIds: [upload.id] },
    ]) {
      await expect(alice.client.sendMessage(dm.id, undefined, undefined, links)).rejects.toMatchObject({
        status: 400,
        code: 'validation_failed',
      });
    }
    expect(alice.requests.filter((r) => r.startsWith('POST /api/v1/conversations/'))).toEqual([]);
  });

  it('refuses, before sending anything, an attachment this client holds no key for', async () => {
    const alice = await person('ka');
    const bob = await person('kb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    // Uploaded without the conversation (readable, as before): never to be sent into it.
    const plain = await alice.client.upload(new Blob([new Uint8Array([1, 2, 3])]), 'notes.bin');
    const sealed = await alice.client.upload(new Blob([new Uint8Array([4, 5, 6])]), { name: 'a.bin', conversationId: dm.id });
    alice.requests.length = 0;

    for (const ids of [[plain.id], [sealed.id, plain.id], [crypto.randomUUID()]]) {
      const refused = alice.client.sendMessage(dm.id, 'with a file', undefined, { attachmentIds: ids });
      await expect(refused).rejects.toBeInstanceOf(EncryptionError);
      await expect(refused).rejects.toMatchObject({ code: 'unknown_attachment' });
    }
    const live = alice.client.connect();
    try {
      await live.ready();
      await expect(live.send(dm.id, 'with a file', undefined, { attachmentIds: [plain.id] })).rejects.toMatchObject({
        code: 'unknown_attachment',
      });
    } finally {
      live.close();
    }
    expect(alice.requests.filter((r) => r === `POST /api/v1/conversations/${dm.id}/messages`)).toEqual([]);
    expect(await encryptedOf(bob.client, dm.id)).toEqual([]);
  });

  it('uploads into a plain conversation as before: the bytes and name as given', async () => {
    const alice = await person('pa');
    const bob = await person('pb');
    const dm = await alice.client.openDirect(bob.id);
    const text = new TextEncoder().encode(`a plain note ${crypto.randomUUID()}`);
    const upload = await alice.client.upload(new Blob([text], { type: 'text/plain' }), { name: 'note.txt', conversationId: dm.id });
    expect(upload).toMatchObject({ filename: 'note.txt', contentType: expect.stringMatching(/^text\/plain/), size: text.byteLength });
    const sent = await alice.client.sendMessage(dm.id, 'look', undefined, { kind: 'attachment', attachmentIds: [upload.id] });
    expect(sent).toMatchObject({ kind: 'attachment', body: 'look', attachments: [expect.objectContaining({ id: upload.id })] });
    expect(new Uint8Array(await (await bob.client.files.download(upload.id)).arrayBuffer())).toEqual(text);
  });

  it('asks for no conversation before a first send into one it listed or fetched', async () => {
    const alice = await person('ga');
    const bob = await person('gb');
    const dm = await alice.client.openDirect(bob.id, { encrypted: true });
    const group = await alice.client.createGroup('plain one', [bob.id]);
    const detailOf = (id: string) => `GET /api/v1/conversations/${id}`;
    // Bob's device joins the DM's group first (applying the Welcome reads the members once: not what is counted here).
    await bob.client.history(dm.id, { after: 0 });

    // Listing tells bob's client which is encrypted: its sends ask nothing of either conversation.
    await bob.client.listConversations();
    bob.requests.length = 0;
    expect(await bob.client.sendMessage(dm.id, 'after the list')).toMatchObject({ kind: 'encrypted', body: 'after the list' });
    expect(await bob.client.sendMessage(group.id, 'plain after the list')).toMatchObject({ kind: 'text' });
    expect(bob.requests.filter((r) => r === detailOf(dm.id) || r === detailOf(group.id))).toEqual([]);

    // The creator's client knows its own from creating it.
    alice.requests.length = 0;
    await alice.client.sendMessage(dm.id, 'from the creator');
    expect(alice.requests.filter((r) => r === detailOf(dm.id))).toEqual([]);

    // A conversation this client never read is asked for once, then remembered.
    const carol = await person('gc');
    const dm2 = await carol.client.openDirect(bob.id, { encrypted: true });
    await bob.client.history(dm2.id, { after: 0 });
    bob.requests.length = 0;
    await bob.client.sendMessage(dm2.id, 'first');
    await bob.client.sendMessage(dm2.id, 'second');
    expect(bob.requests.filter((r) => r === detailOf(dm2.id))).toHaveLength(1);

    // What a realtime event carries counts too: a group bob hears created is not asked for.
    const live = bob.client.connect();
    try {
      await live.ready();
      const created = new Promise<void>((resolve) => live.on('conversation.created', () => resolve()));
      const group2 = await carol.client.createGroup('heard of', [bob.id]);
      await created;
      bob.requests.length = 0;
      await live.send(group2.id, 'heard of it');
      expect(bob.requests.filter((r) => r === detailOf(group2.id))).toEqual([]);
    } finally {
      live.close();
    }
  });

  it('learns a conversation was encrypted from the server’s refusal, and sends again encrypted once', async () => {
    const alice = await person('ra');
    const bob = await person('rb');
    const group = await alice.client.createGroup('soon encrypted', [bob.id]);
    // Bob's client reads it plain; then it is encrypted while bob is not listening.
    await bob.client.listConversations();
    await alice.client.encryptConversation(group.id);
    bob.requests.length = 0;

    const sent = await bob.client.sendMessage(group.id, 'said after the switch');
    expect(sent).toMatchObject({ kind: 'encrypted', encrypted: true, body: 'said after the switch' });
    // One refused plain send, one encrypted: and the next send goes encrypted at once.
    const posts = () => bob.requests.filter((r) => r === `POST /api/v1/conversations/${group.id}/messages`);
    expect(posts()).toHaveLength(2);
    await bob.client.sendMessage(group.id, 'and again');
    expect(posts()).toHaveLength(3);
    expect((await encryptedOf(alice.client, group.id)).map((m) => m.body)).toEqual(['said after the switch', 'and again']);
  });
});
