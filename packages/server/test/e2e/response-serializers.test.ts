import fastJsonStringify from 'fast-json-stringify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient } from '@confab/client';
import { ConversationPage, MessagePage, MessageResponse, ThreadPage } from '@confab/protocol';
import { type TestServer, api, registerUser, startServer, uniqueName } from '../harness.js';

/**
 * Response serializers are built on first use (http/lazy-serializers.ts), so a schema that
 * fast-json-stringify cannot build would otherwise show only as a 500 the first time that answer
 * is sent: here every route's are built at once.
 */
describe('response serializers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  it('are left unbuilt at start-up, and every route’s can be built', async () => {
    const { serializers } = server.server.app;
    const pending = serializers.pendingCount;
    // Every route answers with several statuses: hundreds in all.
    expect(pending).toBeGreaterThan(300);
    const user = await registerUser(server.url);
    const me = await api(server.url, 'GET', '/api/v1/users/me', { token: user.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
    // Only what was answered was built (registering, and this).
    const left = serializers.pendingCount;
    expect(left).toBeLessThan(pending);
    expect(left).toBeGreaterThan(pending - 20);

    expect(serializers.compileAll()).toBe(left);
    expect(serializers.pendingCount).toBe(0);
    // An error answer, its serializer built by compileAll, still has the catalogue's shape.
    const refused = await api(server.url, 'GET', '/api/v1/users/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it('writes answers byte for byte as the schemas as written would (http/serialization-schema.ts), for messages of every kind', async () => {
    const person = async (prefix: string) => {
      const client = new ConfabClient({ baseUrl: server.url });
      const auth = await client.register({ username: uniqueName(prefix), password: 'correct horse battery' });
      return { client, id: auth.user.id, token: auth.accessToken };
    };
    const [alice, bob] = [await person('sa'), await person('sb')];
    const dm = await alice.client.openDirect(bob.id);
    const first = await alice.client.sendMessage(dm.id, `hello @${(await bob.client.me()).username}`);
    const reply = await bob.client.sendMessage(dm.id, 'a reply', undefined, { replyToId: first.id });
    await bob.client.sendMessage(dm.id, 'in the thread', undefined, { threadRootId: first.id });
    await alice.client.messages.edit(first.id, 'hello, edited');
    await bob.client.messages.react(first.id, '👍');
    await alice.client.messages.pin(first.id);
    const poll = await alice.client.sendMessage(dm.id, undefined, undefined, {
      kind: 'poll',
      poll: { question: 'Lunch?', options: ['pizza', 'sushi'], multiple: false, anonymous: false },
    });
    await bob.client.messages.vote(poll.id, [poll.poll!.options[0]!.id]);
    await alice.client.locations.send(dm.id, {
      lat: 48.85,
      lng: 2.29,
      accuracyM: 10,
      label: 'Tower',
      liveUntil: new Date(Date.now() + 60_000).toISOString(),
    });
    const png = await sharp({ create: { width: 4, height: 3, channels: 3, background: { r: 1, g: 2, b: 3 } } })
      .png()
      .toBuffer();
    const upload = await alice.client.upload(new Blob([png], { type: 'image/png' }), 'pixel.png');
    await alice.client.sendMessage(dm.id, 'a picture', undefined, { kind: 'attachment', attachmentIds: [upload.id] });
    await bob.client.messages.delete(reply.id);

    const asWritten = async (path: string, schema: object) => {
      const response = await fetch(server.url + path, { headers: { authorization: `Bearer ${alice.token}` } });
      const text = await response.text();
      expect(response.status, path).toBe(200);
      expect(fastJsonStringify(schema as never)(JSON.parse(text)), path).toBe(text);
      return JSON.parse(text) as { items?: unknown[] };
    };
    const page = await asWritten(`/api/v1/conversations/${dm.id}/messages?limit=50`, MessagePage);
    // The text (edited, reacted, pinned, a thread root), the deleted reply, the poll, the place, the picture.
    expect(page.items).toHaveLength(5);
    await asWritten('/api/v1/conversations?limit=100', ConversationPage);
    await asWritten(`/api/v1/messages/${first.id}`, MessageResponse);
    await asWritten(`/api/v1/messages/${poll.id}`, MessageResponse);
    await asWritten(`/api/v1/messages/${first.id}/thread`, MessagePage);
    await asWritten(`/api/v1/conversations/${dm.id}/threads`, ThreadPage);
  });
});
