import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Draft, EventOf, ServerFrame } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers, postMessage } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, barrier } from '../harness.js';

/** Issue 37: drafts that follow me across devices — versioned saves, clears on send, `draft.updated` to my devices only. */
describe.each(await engines({ MAX_MESSAGE_LENGTH: '50' }))('drafts on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const put = (user: TestUser, conversationId: string, body: Record<string, unknown>) =>
    api(t.url, 'PUT', `/api/v1/conversations/${conversationId}/draft`, { token: user.token, body });
  const remove = (user: TestUser, conversationId: string) =>
    api(t.url, 'DELETE', `/api/v1/conversations/${conversationId}/draft`, { token: user.token });
  const list = async (user: TestUser) => ((await api(t.url, 'GET', '/api/v1/drafts', { token: user.token })).body.items as Draft[]) ?? [];
  const isDraft = (f: ServerFrame): f is EventOf<'draft.updated'> => f.type === 'draft.updated';

  it('saves on the version seen (200 with the next), refuses a stale one with 409 and the current draft, and lists mine newest first', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const [g1, g2] = [await createGroup(alice, [bob]), await createGroup(alice, [bob])];
    const quoted = (await postMessage(t.url, bob, g1.id, 'quote me')).body.message as { id: string };
    const first = await put(alice, g1.id, { body: 'hel', version: 0 });
    expect(first.status).toBe(200);
    expect(first.body.draft).toEqual({ conversationId: g1.id, body: 'hel', replyToId: null, version: 1, updatedAt: expect.any(String) });
    const second = await put(alice, g1.id, { body: 'hello', replyToId: quoted.id, version: 1 });
    expect(second.body.draft).toMatchObject({ body: 'hello', replyToId: quoted.id, version: 2 });
    // A device still on version 1 (or one that knew of no draft) is refused, and told what is stored.
    for (const version of [1, 0]) {
      const stale = await put(alice, g1.id, { body: 'mine', version });
      expect(stale.status).toBe(409);
      expect(stale.body.error).toMatchObject({ code: 'draft_conflict', draft: second.body.draft });
    }
    await put(alice, g2.id, { body: 'newer', version: 0 });
    expect((await list(alice)).map((d) => [d.conversationId, d.body])).toEqual([
      [g2.id, 'newer'],
      [g1.id, 'hello'],
    ]);
    expect(await list(bob)).toEqual([]);
  });

  it('answers 404 to a non-member, 400 to a malformed save, a body over the message limit or a reply to another conversation, 401 without a token', async () => {
    const [alice, bob, eve] = await freshUsers(t.url, 3);
    const [group, other] = [await createGroup(alice, [bob]), await createGroup(bob, [])];
    const elsewhere = (await postMessage(t.url, bob, other.id, 'elsewhere')).body.message as { id: string };
    expectError(await put(eve, group.id, { body: 'x', version: 0 }), 404, 'not_found');
    expectError(await remove(eve, group.id), 404, 'not_found');
    expectError(await put(alice, 'no-such-conversation', { body: 'x', version: 0 }), 404, 'not_found');
    for (const body of [
      { body: 'x' },
      { body: 'x', version: -1 },
      { body: 'x', version: 1.5 },
      { body: 'a\u0000b', version: 0 },
      { body: 'x', version: 0, extra: 1 },
    ])
      expectError(await put(alice, group.id, body), 400, 'validation_failed');
    expectError(await put(alice, group.id, { body: 'x'.repeat(51), version: 0 }), 400, 'validation_failed');
    expect((await put(alice, group.id, { body: '😀'.repeat(50), version: 0 })).status).toBe(200);
    expectError(await put(alice, group.id, { body: 'x', replyToId: elsewhere.id, version: 1 }), 400, 'validation_failed');
    expectError(
      await api(t.url, 'PUT', `/api/v1/conversations/${group.id}/draft`, { body: { body: 'x', version: 0 } }),
      401,
      'unauthenticated',
    );
    expect((await api(t.url, 'GET', '/api/v1/drafts')).status).toBe(401);
  });

  it('tells my other devices (and not the other members) with draft.updated, replayed on resume; DELETE clears it (204, idempotent)', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    const laptop = await RawSocket.ready(t.url, alice.token);
    const theirs = await RawSocket.ready(t.url, bob.token);
    const ready = laptop.frames.find((f) => f.type === 'ready') as { cursor: string };
    const phone = await put(alice, group.id, { body: 'from my phone', version: 0 });
    const seen = await laptop.next((f) => isDraft(f) && f.draft.version === 1);
    expect(seen).toMatchObject({ type: 'draft.updated', deleted: false, draft: phone.body.draft });
    expect((await remove(alice, group.id)).status).toBe(204);
    expect((await remove(alice, group.id)).status).toBe(204);
    await laptop.next((f) => isDraft(f) && f.deleted);
    await barrier(laptop, theirs);
    expect(laptop.frames.filter(isDraft).map((f) => [f.draft.body, f.draft.version, f.deleted])).toEqual([
      ['from my phone', 1, false],
      ['', 2, true],
    ]);
    expect(theirs.frames.filter(isDraft)).toEqual([]);
    expect(await list(alice)).toEqual([]);
    // A device that was away gets both, in order, when it resumes.
    const away = await RawSocket.open(t.url, alice.token, { query: { since: ready.cursor } });
    await away.next((f) => f.type === 'ready');
    expect(away.frames.filter(isDraft).map((f) => f.draft.version)).toEqual([1, 2]);
    for (const s of [laptop, theirs, away]) s.close();
  });

  it('clears my draft when I send there from another device, with the event, and leaves the other members’ drafts alone', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    const group = await createGroup(alice, [bob]);
    await put(alice, group.id, { body: 'typed on the phone', version: 0 });
    await put(bob, group.id, { body: 'bob types too', version: 0 });
    const laptop = await RawSocket.ready(t.url, alice.token);
    laptop.send({ type: 'message.send', id: 's1', conversationId: group.id, clientId: crypto.randomUUID(), body: 'sent from the laptop' });
    await laptop.next((f) => f.type === 'ack' && f.id === 's1');
    const cleared = await laptop.next((f) => isDraft(f) && f.deleted);
    expect(cleared).toMatchObject({ draft: { conversationId: group.id, body: '', replyToId: null, version: 2 } });
    expect(await list(alice)).toEqual([]);
    expect((await list(bob)).map((d) => d.body)).toEqual(['bob types too']);
    // The phone's save from before the send is refused: the sent text does not come back.
    const late = await put(alice, group.id, { body: 'typed on the phone', version: 1 });
    expect(late.status).toBe(409);
    expect(late.body.error.draft).toMatchObject({ body: '', version: 2 });
    laptop.close();
  });
});
