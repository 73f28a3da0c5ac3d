import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, Me } from '@confab/protocol';
import { RawSocket, type TestServer, barrier, startServer } from '../harness.js';
import { expectError, freshUsers } from '../factories.js';
import { fetchBytes, png } from '../files.js';

const MAX = 512 * 1024;

/** PUT /users/me/avatar with `bytes` as the part `file` (raw, so the status can be checked). */
async function putAvatar(url: string, token: string | undefined, bytes: Buffer, field = 'file') {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'me.png');
  const response = await fetch(`${url}/api/v1/users/me/avatar`, {
    method: 'PUT',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

describe('avatars (issue 36 item 2)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ MAX_UPLOAD_BYTES: String(MAX) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sets a picture: cropped square in 64 and 256 px WebP, readable by another user, with an ETag', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const set = await putAvatar(t.url, alice.token, await png(300, 200));
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const me = set.body as Me;
    expect(me.avatarUrl).toMatch(new RegExp(`^/api/v1/users/${alice.id}/avatar\\?v=\\d+$`));
    // Another user sees it on the public profile and can fetch it.
    const seen = await bob.client.getUser(alice.id);
    expect(seen.avatarUrl).toBe(me.avatarUrl);
    for (const size of [64, 256]) {
      const picture = await fetchBytes(t.url, bob.token, `${me.avatarUrl!}&size=${String(size)}`);
      expect(picture.status).toBe(200);
      expect(picture.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(picture.bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', size, size]);
      const again = await fetchBytes(t.url, bob.token, `${me.avatarUrl!}&size=${String(size)}`, {
        'if-none-match': picture.headers.get('etag')!,
      });
      expect(again.status).toBe(304);
    }
    // Through the SDK too.
    const viaSdk = await bob.client.avatar(me.avatarUrl!, 64);
    expect((await sharp(Buffer.from(await viaSdk.arrayBuffer())).metadata()).width).toBe(64);
  });

  it('a new picture replaces the old (the old version is gone); removing it gives avatarUrl null', async () => {
    const [alice] = await freshUsers(t.url, 1);
    const first = (await alice.client.setAvatar(new Blob([new Uint8Array(await png(64, 64))]))).avatarUrl!;
    const second = (await alice.client.setAvatar(new Blob([new Uint8Array(await png(80, 80))]))).avatarUrl!;
    expect(second).not.toBe(first);
    expect((await fetchBytes(t.url, alice.token, first)).status).toBe(404);
    expect((await fetchBytes(t.url, alice.token, second)).status).toBe(200);
    const removed = await alice.client.removeAvatar();
    expect(removed.avatarUrl).toBeNull();
    expect((await alice.client.me()).avatarUrl).toBeNull();
    expect((await fetchBytes(t.url, alice.token, second)).status).toBe(404);
    // Removing none is no error.
    expect((await alice.client.removeAvatar()).avatarUrl).toBeNull();
  });

  it('takes the first frame of an animated GIF', async () => {
    const [alice] = await freshUsers(t.url, 1);
    // Two 40 × 60 frames stacked (sharp's animated layout: one page per pageHeight rows).
    const frames = await sharp(Buffer.concat([Buffer.alloc(40 * 60 * 4, 0xff), Buffer.alloc(40 * 60 * 4, 0x10)]), {
      raw: { width: 40, height: 120, channels: 4, pageHeight: 60 },
    })
      .gif()
      .toBuffer();
    expect((await sharp(frames, { pages: -1 }).metadata()).pages).toBe(2);
    const set = await putAvatar(t.url, alice.token, frames);
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const picture = await fetchBytes(t.url, alice.token, `${(set.body as Me).avatarUrl!}&size=64`);
    const meta = await sharp(picture.bytes).metadata();
    expect([meta.width, meta.height, meta.pages ?? 1]).toEqual([64, 64, 1]);
  });

  it('refuses what is not a raster image, too big a file, too many pixels, and no sign-in', async () => {
    const [alice] = await freshUsers(t.url, 1);
    expectError(await putAvatar(t.url, alice.token, Buffer.from('just some text, not a picture')), 415, 'unsupported_media_type');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    expectError(await putAvatar(t.url, alice.token, svg), 415, 'unsupported_media_type');
    expectError(await putAvatar(t.url, alice.token, Buffer.alloc(MAX + 10, 1)), 413, 'payload_too_large');
    // A tiny PNG that claims 10 000 × 10 000 pixels: refused before it is decoded.
    const huge = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(huge.length).toBeLessThan(MAX);
    expectError(await putAvatar(t.url, alice.token, huge), 413, 'payload_too_large');
    expectError(await putAvatar(t.url, alice.token, await png(10, 10), 'other'), 400, 'validation_failed');
    expectError(await putAvatar(t.url, undefined, await png(10, 10)), 401, 'unauthenticated');
    expect((await alice.client.me()).avatarUrl).toBeNull();
    const noPicture = await fetchBytes(t.url, alice.token, `/api/v1/users/${alice.id}/avatar`);
    expect(noPicture.status).toBe(404);
  });

  it('tells everyone who shares a conversation about a new name or picture (user.updated), and nobody else', async () => {
    const [alice, bob, stranger] = await freshUsers(t.url, 3);
    await alice.client.openDirect(bob.id);
    const [bobSocket, strangerSocket, aliceSocket] = await Promise.all([
      RawSocket.ready(t.url, bob.token),
      RawSocket.ready(t.url, stranger.token),
      RawSocket.ready(t.url, alice.token),
    ]);
    const about = (predicate: (user: EventOf<'user.updated'>['user']) => boolean) => (f: { type: string }) =>
      f.type === 'user.updated' && predicate((f as EventOf<'user.updated'>).user);

    await alice.client.updateMe({ displayName: 'Alice Renamed', bio: 'hello' });
    const renamed = await bobSocket.next<EventOf<'user.updated'>>(about((u) => u.displayName === 'Alice Renamed'));
    expect(renamed.user).toMatchObject({ id: alice.id, displayName: 'Alice Renamed', bio: 'hello', avatarUrl: null });
    expect(renamed.user).not.toHaveProperty('email'); // the public profile, not Me
    const me = await alice.client.setAvatar(new Blob([new Uint8Array(await png(64, 64))]));
    await bobSocket.next(about((u) => u.avatarUrl === me.avatarUrl));
    // My own devices hear it too; a private setting is no news to anyone.
    await aliceSocket.next(about((u) => u.avatarUrl === me.avatarUrl));
    await alice.client.updateMe({ hideLastSeen: true });
    await barrier(bobSocket, strangerSocket);
    expect(bobSocket.frames.filter((f) => f.type === 'user.updated')).toHaveLength(2);
    expect(strangerSocket.frames.filter((f) => f.type === 'user.updated')).toEqual([]);
    for (const socket of [bobSocket, strangerSocket, aliceSocket]) socket.close();
  });

  it("erasing an account deletes its picture's blobs and tells its contacts it is a deleted user", async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    await alice.client.openDirect(bob.id);
    const avatarUrl = (await alice.client.setAvatar(new Blob([new Uint8Array(await png(64, 64))]))).avatarUrl!;
    const version = new URL(avatarUrl, t.url).searchParams.get('v')!;
    const blobs = t.server.services.files.blobs;
    const keys = [64, 256].map((size) => `avatar-${alice.id}-${version}-${String(size)}`);
    for (const key of keys) expect(await blobs.get(key), key).toBeDefined();
    const bobSocket = await RawSocket.ready(t.url, bob.token);

    await alice.client.account.deleteAccount({ password: 'correct horse battery' });
    for (const key of keys) expect(await blobs.get(key), key).toBeUndefined();
    const told = await bobSocket.next<EventOf<'user.updated'>>((f) => f.type === 'user.updated');
    expect(told.user).toMatchObject({ id: alice.id, displayName: 'Deleted user', avatarUrl: null, deleted: true });
    expect((await bob.client.getUser(alice.id)).avatarUrl).toBeNull();
    bobSocket.close();
  });
});
