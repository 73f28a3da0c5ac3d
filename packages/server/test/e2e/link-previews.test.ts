import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, Message } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers, postMessage } from '../factories.js';
import { fetchBytes } from '../files.js';
import { RawSocket, type TestServer, api, barrier } from '../harness.js';
import { LinkPages } from '../link-pages.js';

/**
 * Issue 37: link previews end to end. The pages are served on 127.0.0.1, which the operator
 * trusts here (LINK_PREVIEW_ALLOW_HOSTS); the SSRF refusals themselves are in
 * src/infra/link-card.test.ts. A card arrives after the send's answer, as `message.updated`.
 */
const pages = await LinkPages.start();
afterAll(() => pages.close());

describe.each(await engines({ LINK_PREVIEW_ALLOW_HOSTS: '127.0.0.1' }))('link previews on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const updateOf = (socket: RawSocket, id: string, match: (m: Message) => boolean) =>
    socket.next<EventOf<'message.updated'>>((f) => f.type === 'message.updated' && f.message.id === id && match(f.message), 10_000);

  it("brings the first link's card after the send (OpenGraph and a picture only members get), or the <title> alone", async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob]);
    const socket = await RawSocket.ready(t.url, bob.token);
    const sent = await postMessage(t.url, alice, group.id, `look (${pages.url('/og')}) and ${pages.url('/title-only')}`);
    expect(sent.status).toBe(201);
    const message = sent.body.message as Message;
    expect(message.preview).toBeUndefined();
    const { message: updated } = await updateOf(socket, message.id, (m) => m.preview != null);
    expect(updated.preview).toEqual({
      url: pages.url('/og'),
      title: 'Confab & friends',
      description: 'A chat server you host yourself.',
      siteName: 'Confab Site',
      image: expect.stringMatching(new RegExp(`^/api/v1/messages/${message.id}/preview/image\\?v=[0-9a-f]+$`)) as string,
    });
    const picture = await fetchBytes(t.url, bob.token, updated.preview!.image!);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/webp');
    expect((await fetchBytes(t.url, carol.token, updated.preview!.image!)).status).toBe(404);
    expect((await fetchBytes(t.url, bob.token, `/api/v1/messages/${message.id}/preview/image?v=00`)).status).toBe(404);
    const read = await api(t.url, 'GET', `/api/v1/messages/${message.id}`, { token: bob.token });
    expect(read.body.message.preview).toEqual(updated.preview);

    const plain = (await postMessage(t.url, alice, group.id, `${pages.url('/title-only')}!`)).body.message as Message;
    expect((await updateOf(socket, plain.id, (m) => m.preview != null)).message.preview).toEqual({
      url: pages.url('/title-only'),
      title: 'Just a title',
      description: null,
      siteName: '127.0.0.1',
      image: null,
    });
    socket.close();
  });

  it('lets only the sender remove a preview: null for everyone, its picture gone, and not fetched again', async () => {
    const [alice, bob, carol] = await freshUsers(t.url, 3);
    const group = await createGroup(alice, [bob]);
    const socket = await RawSocket.ready(t.url, bob.token);
    const message = (await postMessage(t.url, alice, group.id, `see ${pages.url('/og')}`)).body.message as Message;
    const image = (await updateOf(socket, message.id, (m) => m.preview != null)).message.preview!.image!;
    const remove = (token?: string, id = message.id) => api(t.url, 'DELETE', `/api/v1/messages/${id}/preview`, { token });
    expectError(await remove(bob.token), 403, 'forbidden');
    expectError(await remove(carol.token), 404, 'not_found');
    expectError(await remove(alice.token, '01J0000000000000000000000Z'), 404, 'not_found');
    expect((await remove()).status).toBe(401);
    expect((await remove(alice.token)).status).toBe(204);
    expect((await updateOf(socket, message.id, (m) => m.preview === null)).message.preview).toBeNull();
    expect((await fetchBytes(t.url, bob.token, image)).status).toBe(404);
    // Removing again changes nothing and tells no one.
    const before = socket.frames.length;
    expect((await remove(alice.token)).status).toBe(204);
    await barrier(socket);
    expect(socket.frames.slice(before).filter((f) => f.type === 'message.updated')).toEqual([]);
    // An edit that keeps the link keeps it removed; the message still reads as removed.
    await api(t.url, 'PATCH', `/api/v1/messages/${message.id}`, { token: alice.token, body: { body: `still ${pages.url('/og')}` } });
    const edited = await updateOf(socket, message.id, (m) => (m.body ?? '').startsWith('still'));
    expect(edited.message.preview).toBeNull();
    socket.close();
  });

  it('fetches again when an edit changes the link, and drops the card when the new link gives none', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const socket = await RawSocket.ready(t.url, bob.token);
    const message = (await postMessage(t.url, alice, group.id, pages.url('/og'))).body.message as Message;
    await updateOf(socket, message.id, (m) => m.preview?.title === 'Confab & friends');
    const edit = (body: string) => api(t.url, 'PATCH', `/api/v1/messages/${message.id}`, { token: alice.token, body: { body } });
    expect((await edit(`moved to ${pages.url('/title-only')}`)).status).toBe(200);
    await updateOf(socket, message.id, (m) => m.preview?.title === 'Just a title');
    // A redirect to ::1 is refused (only 127.0.0.1 is trusted): no card, so the old one goes.
    const hostile = pages.url(`/redirect?to=${encodeURIComponent(`http://[::1]:${String(pages.port)}/og`)}`);
    expect((await edit(`and now ${hostile}`)).status).toBe(200);
    const dropped = await updateOf(socket, message.id, (m) => (m.body ?? '').startsWith('and now') && m.preview === undefined);
    expect(dropped.message.preview).toBeUndefined();
    socket.close();
  });
});
