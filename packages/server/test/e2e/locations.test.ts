import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, Message } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, until } from '../harness.js';

const HOUR = 3_600_000;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe.each(await engines())('location messages on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const send = (user: TestUser, conversationId: string, body: Record<string, unknown>) =>
    api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
      token: user.token,
      body: { clientId: crypto.randomUUID(), kind: 'location', ...body },
    });
  const move = (user: TestUser, id: string, body: unknown) =>
    api(t.url, 'PATCH', `/api/v1/messages/${id}/location`, { token: user.token, body });
  const stop = (user: TestUser, id: string) => api(t.url, 'POST', `/api/v1/messages/${id}/location/stop`, { token: user.token });

  it('sends a fixed place, with its label and a caption, in history and to members', async () => {
    const [a, b] = await freshUsers(t.url, 2);
    const group = await createGroup(a, [b]);
    const socket = await RawSocket.ready(t.url, b.token);
    const response = await send(a, group.id, {
      location: { lat: 48.8584, lng: 2.2945, accuracyM: 12.5, label: 'Eiffel Tower' },
      body: 'here!',
    });
    expect(response.status).toBe(201);
    const message = response.body.message as Message;
    expect(message).toMatchObject({
      kind: 'location',
      body: 'here!',
      location: { lat: 48.8584, lng: 2.2945, accuracyM: 12.5, label: 'Eiffel Tower', liveUntil: null },
    });
    const created = await socket.next<EventOf<'message.created'>>((f) => f.type === 'message.created' && f.message.id === message.id);
    expect(created.message).toEqual(message);
    expect((await b.client.history(group.id)).items.at(-1)).toEqual(message);
    // The SDK over the socket, as `message.send` carries it.
    const realtime = a.client.connect();
    await realtime.ready();
    const viaSocket = await realtime.sendLocation(group.id, { lat: -33.8568, lng: 151.2153 });
    expect(viaSocket).toMatchObject({
      kind: 'location',
      body: '',
      location: { lat: -33.8568, lng: 151.2153, accuracyM: null, label: null },
    });
    realtime.close();
    socket.close();
  });

  it('forgets where a deleted location message was: in history, its answer, live and in the replayed events', async () => {
    const [a, b] = await freshUsers(t.url, 2);
    const group = await createGroup(a, [b]);
    const sent = (await send(a, group.id, { location: { lat: 51.5007, lng: -0.1246, label: 'Home' }, body: 'here' })).body
      .message as Message;
    const socket = await RawSocket.ready(t.url, b.token);
    const deleted = await api(t.url, 'DELETE', `/api/v1/messages/${sent.id}`, { token: a.token });
    expect(deleted.status).toBe(200);
    expect(deleted.body.message).toMatchObject({ id: sent.id, body: '', deletedAt: expect.any(String) });
    expect(deleted.body.message).not.toHaveProperty('location');
    const live = await socket.next<EventOf<'message.deleted'>>((f) => f.type === 'message.deleted' && f.message.id === sent.id);
    expect(live.message).not.toHaveProperty('location');
    const kept = (await b.client.history(group.id)).items.find((m) => m.id === sent.id);
    expect(kept).toBeDefined();
    expect(kept).not.toHaveProperty('location');
    // The replayed log: the message.created event no longer carries the place either.
    const replay = await api(t.url, 'GET', `/api/v1/conversations/${group.id}/events?after=0`, { token: b.token });
    expect(replay.status).toBe(200);
    const events = replay.body.events as { type: string; message?: Message }[];
    const about = events.filter((e) => e.message?.id === sent.id);
    expect(about.length).toBeGreaterThan(0);
    for (const event of about) expect(event.message).not.toHaveProperty('location');
    expect(JSON.stringify(events)).not.toContain('51.5007');
    socket.close();
  });

  it('refuses coordinates out of bounds, a liveUntil past or over 8 hours ahead, and kinds without what they need', async () => {
    const [a] = await freshUsers(t.url, 1);
    const group = await createGroup(a, []);
    for (const location of [
      { lat: 90.0001, lng: 0 },
      { lat: -91, lng: 0 },
      { lat: 0, lng: 180.5 },
      { lat: 0, lng: -181 },
      { lat: 0, lng: 0, accuracyM: -1 },
      { lat: '1', lng: 0 },
      { lat: 0 },
      { lat: 0, lng: 0, extra: true },
      { lat: 0, lng: 0, liveUntil: 'soon' },
      { lat: 0, lng: 0, liveUntil: inMs(-1000) },
      { lat: 0, lng: 0, liveUntil: inMs(8 * HOUR + 60_000) },
      { lat: 0, lng: 0, label: '' },
    ]) {
      expectError(await send(a, group.id, { location }), 400, 'validation_failed');
    }
    expect((await send(a, group.id, { location: { lat: 90, lng: -180, liveUntil: inMs(8 * HOUR - 60_000) } })).status).toBe(201);
    expectError(await send(a, group.id, {}), 400, 'validation_failed');
    const textWithLocation = await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
      token: a.token,
      body: { clientId: 'c1', body: 'hi', location: { lat: 0, lng: 0 } },
    });
    expectError(textWithLocation, 400, 'validation_failed');
    expect(textWithLocation.body.error.details).toEqual([expect.objectContaining({ path: '/body/location' })]);
    expectError(
      await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, { token: a.token, body: { clientId: 'c2' } }),
      400,
      'validation_failed',
    );
  });

  it('lets the author move a live location until liveUntil, announced as message.updated; then 409', async () => {
    const [a, b, stranger] = await freshUsers(t.url, 3);
    const group = await createGroup(a, [b]);
    const socket = await RawSocket.ready(t.url, b.token);
    // Live for a short while: long enough to move it, soon enough to see it end.
    const liveUntil = Date.now() + 1500;
    const { message } = (await send(a, group.id, { location: { lat: 1, lng: 2, liveUntil: new Date(liveUntil).toISOString() } })).body as {
      message: Message;
    };
    const moved = await move(a, message.id, { lat: 1.5, lng: 2.5, accuracyM: 3 });
    expect(moved.status).toBe(200);
    expect(moved.body.message.location).toEqual({
      lat: 1.5,
      lng: 2.5,
      accuracyM: 3,
      label: null,
      liveUntil: new Date(liveUntil).toISOString(),
    });
    const updated = await socket.next<EventOf<'message.updated'>>((f) => f.type === 'message.updated' && f.message.id === message.id);
    expect(updated.message).toEqual(moved.body.message);
    expectError(await move(b, message.id, { lat: 0, lng: 0 }), 403, 'forbidden');
    expectError(await move(stranger, message.id, { lat: 0, lng: 0 }), 404, 'not_found');
    expectError(await move(a, message.id, { lat: 91, lng: 0 }), 400, 'validation_failed');
    expectError(await move(a, message.id, { lat: 1, lng: 1, label: 'x' }), 400, 'validation_failed');
    expectError(await move(a, 'no-such-message', { lat: 1, lng: 1 }), 404, 'not_found');
    await until(() => Date.now() > liveUntil, 'the live location to end');
    expectError(await move(a, message.id, { lat: 1, lng: 1 }), 409, 'conflict');
    // Stopping one that has ended changes nothing.
    expect((await stop(a, message.id)).body.message).toEqual(moved.body.message);
    socket.close();
  });

  it('stops a live location early; a fixed place or a text message cannot be moved or stopped', async () => {
    const [a, b] = await freshUsers(t.url, 2);
    const group = await createGroup(a, [b]);
    // Through the SDK, as an application does it.
    const live = await a.client.locations.send(group.id, { lat: 1, lng: 2, liveUntil: inMs(HOUR) }, { body: 'on my way' });
    expect(await a.client.locations.update(live.id, { lat: 1.1, lng: 2.1 })).toMatchObject({ location: { lat: 1.1, lng: 2.1 } });
    expectError(await stop(b, live.id), 403, 'forbidden');
    const stopped = await a.client.locations.stop(live.id);
    expect(Date.parse(stopped.location!.liveUntil!)).toBeLessThanOrEqual(Date.now());
    expectError(await move(a, live.id, { lat: 1, lng: 1 }), 409, 'conflict');
    const fixed = (await send(a, group.id, { location: { lat: 1, lng: 2 } })).body.message as Message;
    expectError(await move(a, fixed.id, { lat: 1, lng: 1 }), 409, 'conflict');
    expectError(await stop(a, fixed.id), 409, 'conflict');
    const text = await a.client.sendMessage(group.id, 'just text');
    expectError(await move(a, text.id, { lat: 1, lng: 1 }), 409, 'conflict');
    await a.client.messages.delete(live.id);
    expectError(await stop(a, live.id), 409, 'conflict');
  });
});
