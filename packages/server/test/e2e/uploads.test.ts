import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Upload } from '@confab/protocol';
import { type TestServer, RawSocket, api } from '../harness.js';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { fetchBytes, fileStacks, png, uploadRaw, wav } from '../files.js';

const MAX = 1024 * 1024;
const QUOTA = 3 * MAX;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const send = (t: TestServer, token: string, conversationId: string, body: object) =>
  api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, { token, body: { clientId: crypto.randomUUID(), ...body } });

describe.each(await fileStacks({ MAX_UPLOAD_BYTES: String(MAX), UPLOAD_QUOTA_BYTES: String(QUOTA) }))('files on %s', (_name, start) => {
  let t: TestServer;
  let image: Buffer;
  beforeAll(async () => {
    t = await start();
    image = await png(640, 480);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function uploaded(token: string, bytes: Buffer, filename: string, type?: string): Promise<Upload> {
    const response = await uploadRaw(t.url, token, bytes, { filename, ...(type ? { type } : {}) });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.upload as Upload;
  }

  it('uploads an image: type from the bytes, size, sha256, width and height', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const upload = await uploaded(alice.token, image, 'red.png', 'application/pdf');
    expect(upload).toEqual({
      id: expect.any(String),
      filename: 'red.png',
      contentType: 'image/png',
      size: image.length,
      sha256: sha256(image),
      width: 640,
      height: 480,
      durationMs: null,
      createdAt: expect.any(String),
    });
  });

  it('sends it in a message, delivers it over the WebSocket, and serves it whole, by range and as a thumbnail', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const upload = await alice.client.upload(new Blob([new Uint8Array(image)]), 'photo.png');
    const socket = await RawSocket.ready(t.url, bob.token);
    const sent = await send(t, alice.token, group.id, { kind: 'attachment', attachmentIds: [upload.id], body: 'look' });
    expect(sent.status).toBe(201);
    const attachment = {
      id: upload.id,
      filename: 'photo.png',
      contentType: 'image/png',
      size: image.length,
      width: 640,
      height: 480,
      durationMs: null,
    };
    expect(sent.body.message).toMatchObject({ kind: 'attachment', body: 'look', attachments: [attachment] });
    const event = await socket.next<{ type: 'message.created'; message: Message } & never>(
      (f) => f.type === 'message.created' && (f as { message: Message }).message.id === sent.body.message.id,
    );
    expect((event as { message: Message }).message.attachments).toEqual([attachment]);
    socket.close();

    const whole = await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}`);
    expect(whole.status).toBe(200);
    expect(whole.bytes.equals(image)).toBe(true);
    expect(
      Object.fromEntries(
        ['content-type', 'content-length', 'etag', 'accept-ranges', 'x-content-type-options'].map((h) => [h, whole.headers.get(h)]),
      ),
    ).toEqual({
      'content-type': 'image/png',
      'content-length': String(image.length),
      etag: `"${upload.sha256}"`,
      'accept-ranges': 'bytes',
      'x-content-type-options': 'nosniff',
    });
    expect(whole.headers.get('content-disposition')).toMatch(/^inline; filename="photo.png"/);
    expect(whole.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");

    const part = await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}`, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${image.length}`);
    expect(part.headers.get('content-length')).toBe('10');
    expect(part.bytes.equals(image.subarray(10, 20))).toBe(true);
    const tail = await bob.client.files.download(upload.id, { start: image.length - 5 });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(image.subarray(-5))).toBe(true);
    const suffix = await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}`, { range: 'bytes=-3' });
    expect(suffix.bytes.equals(image.subarray(-3))).toBe(true);
    const past = await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}`, { range: `bytes=${image.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${image.length}`);
    const unchanged = await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}`, { 'if-none-match': `"${upload.sha256}"` });
    expect(unchanged.status).toBe(304);

    const thumbnail = await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}/thumbnail`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumbnail.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 240]);
    // Made once and stored: the same bytes again.
    expect((await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}/thumbnail`)).bytes.equals(thumbnail.bytes)).toBe(true);
  });

  it('answers 404 to a stranger, and to a member once removed; the uploader still reads it', async () => {
    const [alice, bob, stranger] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob]);
    const upload = await uploaded(alice.token, image, 'a.png');
    // Not yet in a message: the uploader only.
    expect((await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}`)).status).toBe(404);
    expect((await send(t, alice.token, group.id, { kind: 'attachment', attachmentIds: [upload.id] })).status).toBe(201);
    expect((await fetchBytes(t.url, bob.token, `/api/v1/uploads/${upload.id}`)).status).toBe(200);
    for (const suffix of ['', '/thumbnail']) {
      expectError(await api(t.url, 'GET', `/api/v1/uploads/${upload.id}${suffix}`, { token: stranger.token }), 404, 'not_found');
    }
    await alice.client.removeMember(group.id, bob.id);
    for (const suffix of ['', '/thumbnail']) {
      expectError(await api(t.url, 'GET', `/api/v1/uploads/${upload.id}${suffix}`, { token: bob.token }), 404, 'not_found');
    }
    expect((await fetchBytes(t.url, alice.token, `/api/v1/uploads/${upload.id}`)).status).toBe(200);
    expectError(await api(t.url, 'GET', `/api/v1/uploads/${upload.id}`), 401, 'unauthenticated');
    expectError(await api(t.url, 'GET', `/api/v1/uploads/nope`, { token: alice.token }), 404, 'not_found');
  });

  it('serves HTML that claims to be a PNG as what it is: text/html, nosniff, a sandbox and never inline', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
    const upload = await uploaded(alice.token, html, 'cat.png', 'image/png');
    expect(upload.contentType).toBe('text/html');
    expect([upload.width, upload.height]).toEqual([null, null]);
    const served = await fetchBytes(t.url, alice.token, `/api/v1/uploads/${upload.id}`);
    expect(served.headers.get('content-type')).toMatch(/^text\/html/);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment; filename="cat.png"/);
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expectError(await api(t.url, 'GET', `/api/v1/uploads/${upload.id}/thumbnail`, { token: alice.token }), 404, 'not_found');
  });

  it('refuses an upload over MAX_UPLOAD_BYTES with 413 and keeps nothing', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const refused = await uploadRaw(t.url, alice.token, Buffer.alloc(MAX + 1, 7), { filename: 'big.bin' });
    expectError(refused, 413, 'payload_too_large');
    expect(refused.body.error.message).toContain('MAX_UPLOAD_BYTES');
    expect(await t.server.services.store.uploads.uploadBytesUsed(alice.id)).toBe(0);
    if (t.server.services.config.blobStore === 'disk') {
      const tmp = path.join(t.dataDir, 'blobs', 'tmp');
      expect(readdirSync(tmp)).toEqual([]);
    }
    // Exactly the limit is fine.
    expect((await uploadRaw(t.url, alice.token, Buffer.alloc(MAX, 7))).status).toBe(201);
  });

  it('refuses an upload past the user quota with 413 saying so', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    for (let i = 0; i < 3; i++) expect((await uploadRaw(t.url, alice.token, Buffer.alloc(MAX - 10, i))).status).toBe(201);
    const refused = await uploadRaw(t.url, alice.token, Buffer.alloc(100, 9));
    expectError(refused, 413, 'payload_too_large');
    expect(refused.body.error.message).toMatch(/quota/i);
    expect((await uploadRaw(t.url, bob.token, Buffer.alloc(100, 9))).status).toBe(201);
  });

  it('sends a voice note with an audio upload, and refuses one with anything else', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const audio = await uploaded(alice.token, wav(1500), 'note.wav');
    expect(audio).toMatchObject({ contentType: expect.stringMatching(/^audio\/(wav|x-wav|vnd\.wave)$/), durationMs: 1500, width: null });
    const voice = { durationMs: 1500, waveform: [0, 128, 255, 40] };
    const sent = await send(t, alice.token, group.id, { kind: 'voice', attachmentIds: [audio.id], voice });
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ kind: 'voice', body: '', voice, attachments: [{ id: audio.id, durationMs: 1500 }] });
    expect((await fetchBytes(t.url, bob.token, `/api/v1/uploads/${audio.id}`)).headers.get('content-disposition')).toMatch(/^inline/);

    const picture = await uploaded(alice.token, image, 'not-audio.png');
    const refused = await send(t, alice.token, group.id, { kind: 'voice', attachmentIds: [picture.id], voice });
    expectError(refused, 400, 'validation_failed');
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: '/body/attachmentIds/0' })]);
    expectError(await send(t, alice.token, group.id, { kind: 'voice', attachmentIds: [audio.id] }), 400, 'validation_failed');
    const long = { durationMs: 1, waveform: Array.from({ length: 129 }, () => 1) };
    expectError(await send(t, alice.token, group.id, { kind: 'voice', attachmentIds: [audio.id], voice: long }), 400, 'validation_failed');
  });

  it('refuses attachments that are not the sender’s own uploads, too many, or on a text message', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const bobs = await uploaded(bob.token, image, 'b.png');
    const mine = await uploaded(alice.token, image, 'a.png');
    const other = await send(t, alice.token, group.id, { kind: 'attachment', attachmentIds: [mine.id, bobs.id] });
    expectError(other, 400, 'validation_failed');
    expect(other.body.error.details).toEqual([expect.objectContaining({ path: '/body/attachmentIds/1' })]);
    expectError(await send(t, alice.token, group.id, { kind: 'attachment', attachmentIds: [] }), 400, 'validation_failed');
    const eleven = Array.from({ length: 11 }, (_, i) => `${mine.id.slice(0, -2)}${String(i).padStart(2, '0')}`);
    expectError(await send(t, alice.token, group.id, { kind: 'attachment', attachmentIds: eleven }), 400, 'validation_failed');
    expectError(await send(t, alice.token, group.id, { body: 'hi', attachmentIds: [mine.id] }), 400, 'validation_failed');
    expectError(await send(t, alice.token, group.id, { kind: 'attachment' }), 400, 'validation_failed');
  });

  it('is idempotent by clientId with its files, and sends over the WebSocket too', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const a = await uploaded(alice.token, image, 'a.png');
    const b = await uploaded(alice.token, Buffer.from('notes\n'), 'notes.txt');
    const body = { clientId: crypto.randomUUID(), kind: 'attachment', attachmentIds: [a.id, b.id] };
    const first = await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, { token: alice.token, body });
    const again = await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, { token: alice.token, body });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.message).toEqual(first.body.message);
    expect(first.body.message.attachments.map((x: { contentType: string }) => x.contentType)).toEqual(['image/png', 'text/plain']);
    const changed = { ...body, attachmentIds: [a.id] };
    expectError(
      await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, { token: alice.token, body: changed }),
      409,
      'idempotency_conflict',
    );

    const socket = await RawSocket.ready(t.url, alice.token);
    socket.send({
      type: 'message.send',
      id: 'f1',
      conversationId: group.id,
      clientId: 'ws-1',
      kind: 'attachment',
      attachmentIds: [b.id],
      body: 'again',
    });
    const ack = (await socket.next((f) => f.type === 'ack' && f.id === 'f1')) as { message: Message };
    expect(ack.message).toMatchObject({ kind: 'attachment', body: 'again', attachments: [{ id: b.id, filename: 'notes.txt' }] });
    socket.close();
    const history = await bob.client.history(group.id, { limit: 5 });
    expect(history.items[0]!.attachments).toEqual([expect.objectContaining({ id: b.id })]);
  });

  it('deleting a message removes its files once no other message carries them', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const shared = await uploaded(alice.token, image, 'shared.png');
    const alone = await uploaded(alice.token, wav(200), 'alone.wav');
    const first = await send(t, alice.token, group.id, { kind: 'attachment', attachmentIds: [shared.id, alone.id] });
    const second = await send(t, alice.token, group.id, { kind: 'attachment', attachmentIds: [shared.id] });
    const deleted = await alice.client.messages.delete(first.body.message.id);
    expect(deleted.attachments).toBeUndefined();
    expect((await fetchBytes(t.url, alice.token, `/api/v1/uploads/${alone.id}`)).status).toBe(404);
    expect(await t.server.services.store.uploads.getUpload(alone.id)).toBeUndefined();
    expect((await fetchBytes(t.url, bob.token, `/api/v1/uploads/${shared.id}`)).status).toBe(200);
    await alice.client.messages.delete(second.body.message.id);
    expect((await fetchBytes(t.url, bob.token, `/api/v1/uploads/${shared.id}`)).status).toBe(404);
    expect((await fetchBytes(t.url, alice.token, `/api/v1/uploads/${shared.id}/thumbnail`)).status).toBe(404);
    expect(await t.server.services.store.uploads.uploadBytesUsed(alice.id)).toBe(0);
  });

  it('sweeps uploads no message carries once UPLOAD_ORPHAN_TTL_SECONDS have passed', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const orphan = await uploaded(alice.token, image, 'orphan.png');
    const kept = await uploaded(alice.token, image, 'kept.png');
    await send(t, alice.token, group.id, { kind: 'attachment', attachmentIds: [kept.id] });
    const uploads = t.server.services.files.uploads;
    const ttlMs = t.server.services.config.uploadOrphanTtlSeconds * 1000;
    await uploads.sweepOrphans(Date.now()); // too young
    expect((await fetchBytes(t.url, alice.token, `/api/v1/uploads/${orphan.id}`)).status).toBe(200);
    expect(await uploads.sweepOrphans(Date.now() + ttlMs + 1000)).toBeGreaterThanOrEqual(1);
    expect((await fetchBytes(t.url, alice.token, `/api/v1/uploads/${orphan.id}`)).status).toBe(404);
    expect((await fetchBytes(t.url, bob.token, `/api/v1/uploads/${kept.id}`)).status).toBe(200);
  });

  it('answers 401 without a token, 415 for a body that is not multipart, 400 without a part named file', async () => {
    const [alice] = await freshUsers(t.url, 1);
    expectError(await uploadRaw(t.url, undefined, image), 401, 'unauthenticated');
    expectError(await api(t.url, 'POST', '/api/v1/uploads', { token: alice.token, body: { file: 'x' } }), 415, 'unsupported_media_type');
    expectError(await uploadRaw(t.url, alice.token, image, { field: 'picture' }), 400, 'validation_failed');
  });

  it('answers 400 to a multipart body it cannot read: no boundary, or a part cut off (the fuzz found a 500)', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const post = (contentType: string, body: string) =>
      fetch(`${t.url}/api/v1/uploads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': contentType },
        body,
      });
    for (const [contentType, body] of [
      ['multipart/form-data', '{"file":"x"}'],
      ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nno end'],
      // Issue 35: a body that ends after its first boundary answered 500.
      ['multipart/form-data; boundary=x', '--x\r\n'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'],
      ['multipart/form-data; boundary=x', '--x'],
      ['multipart/form-data; boundary=x', ''],
      [
        'multipart/form-data; boundary=x',
        `--x\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n${'a'.repeat(300_000)}`,
      ],
    ] as const) {
      const res = await post(contentType, body);
      const answer = { status: res.status, body: await res.json() };
      expectError(answer, 400, 'validation_failed');
      expect(answer.body.error).toMatchObject({
        message: expect.any(String),
        details: [{ path: '/body/file' }],
      });
    }
  });
});
