import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf, ScheduledMessage } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { RawSocket, type TestServer, type TestUser, api, historyOf, until } from '../harness.js';

// A short lead and a quick poll, so a test schedules a second or two ahead instead of a minute.
const LEAD_MS = 1000;

/** Issue 37: scheduled send on every engine — the contract, the sending at its time, and the rights checked again then. */
describe.each(await engines({ SCHEDULED_MIN_LEAD_MS: String(LEAD_MS), SCHEDULED_POLL_INTERVAL_MS: '50' }))(
  'scheduled send on %s',
  (_engine, start) => {
    let t: TestServer;
    beforeAll(async () => {
      t = await start();
    }, 120_000);
    afterAll(() => t?.close());

    const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();
    const schedule = (user: TestUser, conversationId: string, body: Record<string, unknown>) =>
      api(t.url, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
        token: user.token,
        body: { clientId: crypto.randomUUID(), body: 'later', ...body },
      });
    const list = async (user: TestUser) =>
      (await api(t.url, 'GET', '/api/v1/scheduled', { token: user.token })).body.items as ScheduledMessage[];

    it('answers 202 with the schedule, the same one for a repeat of its clientId, lists mine soonest first, and edits and deletes only mine', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(alice, [bob]);
      const device = await RawSocket.ready(t.url, alice.token);
      const at = ahead(3_600_000);
      const created = await schedule(alice, group.id, { clientId: 'sched-1', body: 'in an hour', scheduledAt: at });
      expect(created.status).toBe(202);
      expect(created.body.scheduled).toEqual({
        id: expect.any(String),
        conversationId: group.id,
        clientId: 'sched-1',
        kind: 'text',
        body: 'in an hour',
        replyToId: null,
        threadRootId: null,
        scheduledAt: at,
        createdAt: expect.any(String),
      });
      const id = created.body.scheduled.id as string;
      const event = await device.next<EventOf<'scheduled.updated'>>((f) => f.type === 'scheduled.updated');
      expect(event.scheduled).toEqual(created.body.scheduled);
      // Idempotent by clientId; the key reused for another text is a conflict.
      const repeat = await schedule(alice, group.id, { clientId: 'sched-1', body: 'in an hour', scheduledAt: at });
      expect([repeat.status, repeat.body.scheduled.id]).toEqual([202, id]);
      expectError(await schedule(alice, group.id, { clientId: 'sched-1', body: 'other', scheduledAt: at }), 409, 'idempotency_conflict');
      const sooner = (await schedule(alice, group.id, { scheduledAt: ahead(600_000) })).body.scheduled as ScheduledMessage;
      expect((await list(alice)).map((s) => s.id)).toEqual([sooner.id, id]);
      expect(await list(bob)).toEqual([]);

      // Someone else's id is not found, whatever the call.
      expectError(await api(t.url, 'PATCH', `/api/v1/scheduled/${id}`, { token: bob.token, body: { body: 'mine now' } }), 404, 'not_found');
      expectError(await api(t.url, 'DELETE', `/api/v1/scheduled/${id}`, { token: bob.token }), 404, 'not_found');
      const moved = ahead(60_000);
      const edited = await api(t.url, 'PATCH', `/api/v1/scheduled/${id}`, {
        token: alice.token,
        body: { body: 'in a minute', scheduledAt: moved },
      });
      expect(edited.status).toBe(200);
      expect(edited.body.scheduled).toMatchObject({ id, body: 'in a minute', scheduledAt: moved });
      await device.next((f) => f.type === 'scheduled.updated' && f.scheduled.body === 'in a minute');
      expect((await list(alice)).map((s) => s.id)).toEqual([id, sooner.id]);
      expectError(
        await api(t.url, 'PATCH', `/api/v1/scheduled/${id}`, { token: alice.token, body: { scheduledAt: ahead(-1000) } }),
        400,
        'schedule_out_of_range',
      );
      expect((await api(t.url, 'DELETE', `/api/v1/scheduled/${id}`, { token: alice.token })).status).toBe(204);
      const gone = await device.next<EventOf<'scheduled.removed'>>((f) => f.type === 'scheduled.removed');
      expect(gone).toMatchObject({ scheduledId: id, conversationId: group.id, reason: 'deleted', messageId: null, error: null });
      expectError(await api(t.url, 'DELETE', `/api/v1/scheduled/${id}`, { token: alice.token }), 404, 'not_found');
      expect((await list(alice)).map((s) => s.id)).toEqual([sooner.id]);
      device.close();
    }, 90_000);

    it('refuses a time outside the window, content that cannot wait, non-members and the unauthenticated', async () => {
      const [alice, bob, carol] = await freshUsers(t.url, 3);
      const group = await createGroup(alice, [bob]);
      for (const at of [ahead(-60_000), ahead(LEAD_MS / 2), ahead(366 * 86_400_000)]) {
        const refused = await schedule(alice, group.id, { scheduledAt: at });
        expectError(refused, 400, 'schedule_out_of_range');
        expect(refused.body.error.details[0].path).toBe('/body/scheduledAt');
      }
      expectError(await schedule(alice, group.id, { scheduledAt: 'tomorrow' }), 400, 'validation_failed');
      const poll = await schedule(alice, group.id, {
        body: undefined,
        kind: 'poll',
        poll: { question: 'Lunch?', options: ['a', 'b'], multiple: false, anonymous: false },
        scheduledAt: ahead(60_000),
      });
      expectError(poll, 400, 'validation_failed');
      expectError(await schedule(carol, group.id, { scheduledAt: ahead(60_000) }), 404, 'not_found');
      expectError(await schedule(alice, group.id, { scheduledAt: ahead(60_000), replyToId: 'no-such-message' }), 400, 'validation_failed');
      expect((await api(t.url, 'GET', '/api/v1/scheduled')).status).toBe(401);
      expect(await list(alice)).toEqual([]);
    }, 90_000);

    it('sends it once at its time as a reply, and drops a removed member’s with a scheduled.removed saying why', async () => {
      const [alice, bob] = await freshUsers(t.url, 2);
      const group = await createGroup(alice, [bob]);
      const first = await alice.client.sendMessage(group.id, 'quoted');
      const aliceDevice = await RawSocket.ready(t.url, alice.token);
      const bobDevice = await RawSocket.ready(t.url, bob.token);
      const at = Date.now() + LEAD_MS + 500;
      const mine = (await schedule(alice, group.id, { body: 'on time', replyToId: first.id, scheduledAt: new Date(at).toISOString() })).body
        .scheduled as ScheduledMessage;
      const bobs = (await schedule(bob, group.id, { body: 'never', scheduledAt: new Date(at).toISOString() })).body
        .scheduled as ScheduledMessage;
      // Bob leaves before his is due: it is dropped at its time, and he is told.
      expect((await api(t.url, 'DELETE', `/api/v1/conversations/${group.id}/members/${bob.id}`, { token: alice.token })).status).toBe(204);

      const created = await aliceDevice.next<EventOf<'message.created'>>(
        (f) => f.type === 'message.created' && f.message.body === 'on time',
        10_000,
      );
      const lateness = Date.parse(created.message.createdAt) - at;
      expect(lateness).toBeGreaterThanOrEqual(0);
      expect(lateness).toBeLessThan(5000);
      expect(created.message).toMatchObject({ senderId: alice.id, replyToId: first.id, clientId: `sched-${mine.id}` });
      const sent = await aliceDevice.next<EventOf<'scheduled.removed'>>((f) => f.type === 'scheduled.removed' && f.scheduledId === mine.id);
      expect(sent).toMatchObject({ reason: 'sent', messageId: created.message.id, error: null });
      const failed = await bobDevice.next<EventOf<'scheduled.removed'>>(
        (f) => f.type === 'scheduled.removed' && f.scheduledId === bobs.id,
        10_000,
      );
      expect(failed).toMatchObject({ reason: 'failed', messageId: null, error: { code: 'not_found' } });
      expect(await list(alice)).toEqual([]);
      expect(await list(bob)).toEqual([]);
      // Once: nothing more is sent after a few more polls.
      await until(
        async () => (await historyOf(alice.client, group.id)).some((m) => m.kind === 'system' && m.id !== first.id),
        'the removal in the history',
      );
      const history = await historyOf(alice.client, group.id);
      expect(history.filter((m) => m.body === 'on time')).toHaveLength(1);
      expect(history.filter((m) => m.body === 'never')).toHaveLength(0);
      aliceDevice.close();
      bobDevice.close();
    }, 90_000);
  },
);
