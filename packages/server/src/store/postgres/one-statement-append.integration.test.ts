import { afterEach, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestSchema, postgresService, requireService, withPostgres } from '../../../test/services.js';
import { newId } from '../../ids.js';
import { drafts, Fixture, sendPlan } from '../conformance/fixtures.js';
import type { MlsGroupRecord, NewMessage } from '../store.js';
import { openPostgresStore } from './postgres-store.js';

/**
 * PostgreSQL's one-query append (`confab_append_fresh`) with MLS messages (issue 39): application
 * messages and welcomes take it, their sending devices checked inside it under the same shared
 * lock as sql/sending-devices.ts; a revoked device's message makes the batch fall back to the
 * statement-by-statement append, which refuses that message and stores the others.
 */

const describePostgres = await requireService(postgresService);

describePostgres('PostgreSQL one-query append of MLS messages', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A migrated store on one connection, what that connection sends (the function's calls as 'append', the rest by first word), and a pair in an encrypted group. */
  const setUp = async () => {
    const schema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const sent: string[] = [];
    const store = openPostgresStore(schema.url, {
      poolSize: 1,
      observePool: (pool) =>
        pool.on('connect', (client) => {
          const query = client.query.bind(client) as (...args: unknown[]) => unknown;
          (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
            if (typeof args[0] === 'string')
              sent.push(args[0].startsWith('select * from confab_append_fresh(') ? 'append' : args[0].split(/\s/)[0]!);
            return query(...args);
          };
        }),
    });
    cleanups.push(() => store.close());
    await store.migrate();
    const f = new Fixture();
    f.store = store;
    const [a, b] = [await f.user('ann'), await f.user('ben')];
    const { conversation } = await f.conversation('group', [a.id, b.id]);
    const group: MlsGroupRecord = {
      conversationId: conversation.id,
      groupId: conversation.id,
      ciphersuite: 1,
      epoch: 0,
      groupInfo: null,
      updatedAt: f.tick(),
    };
    const system = { id: newId(), system: { action: 'encryption_enabled' as const, actorId: a.id }, announce: drafts.messageCreated };
    await f.store.conversations.encryptConversation(group, drafts.conversationUpdated(a.id), system);
    const mls = (senderId: string, senderDevice: string, type: 'application' | 'welcome' | 'commit' = 'application'): NewMessage => ({
      ...f.msg(conversation.id, senderId, newId(), ''),
      kind: 'encrypted',
      mls: { type, ciphertext: `${type}-${newId()}`, epoch: 0, senderDevice, ...(type === 'welcome' ? { devices: ['x'] } : {}) },
      ...(type === 'commit' ? { advance: { epoch: 0, groupInfo: 'info-1' } } : {}),
    });
    const clear = () => sent.splice(0);
    return { schema, store, f, a, b, id: conversation.id, aDevice: await f.device(a.id), bDevice: await f.device(b.id), mls, sent, clear };
  };

  /** Polls until a session blocked by `blocker` (a backend pid; this client's by default) waits on a lock with a query starting `prefix`; answers its pid. */
  const waitingOnLock = async (client: pg.Client, prefix: string, blocker?: number): Promise<number> => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
      // The activity view is read once per transaction unless its snapshot is cleared (this client may be in one).
      await client.query('select pg_stat_clear_snapshot()');
      const { rows } = await client.query<{ pid: number }>(
        `select pid from pg_stat_activity where wait_event_type = 'Lock' and starts_with(query, $1)
           and coalesce($2, pg_backend_pid()) = any(pg_blocking_pids(pid))`,
        [prefix, blocker ?? null],
      );
      if (rows.length > 0) return rows[0]!.pid;
    }
    throw new Error(`no session waits on a lock with ${prefix}`);
  };

  it('stores a batch of MLS application messages and welcomes in one round trip; a commit goes statement by statement', async () => {
    const { store, a, b, id, aDevice, bDevice, mls, sent, clear } = await setUp();
    clear();
    const { results } = await store.messages.appendMessages(
      [mls(a.id, aDevice), mls(b.id, bDevice, 'welcome'), mls(b.id, bDevice)],
      sendPlan,
    );
    expect(sent).toEqual(['append']);
    expect(results).toMatchObject([
      { created: true, message: { seq: 2, mls: { type: 'application' } } },
      { created: true, message: { seq: 3, mls: { type: 'welcome' } } },
      { created: true, message: { seq: 4, mls: { type: 'application' } } },
    ]);
    clear();
    expect((await store.messages.appendMessages([mls(a.id, aDevice, 'commit')], sendPlan)).results).toMatchObject([
      { created: true, message: { seq: 5 } },
    ]);
    expect(sent).not.toContain('append');
    expect(await store.conversations.getMlsGroup(id)).toMatchObject({ epoch: 1 });
  });

  it("keeps an MLS message's log position as the statement-by-statement append does: log_pos, and logPos in the stored and published frame", async () => {
    const { schema, store, f, a, b, id, aDevice, bDevice, mls, sent, clear } = await setUp();
    const { conversation: open } = await f.conversation('group', [a.id, b.id]);
    // Through the function: MLS messages and a plain one (of another, unencrypted conversation) in one batch.
    clear();
    const inOne = await store.messages.appendMessages(
      [mls(b.id, bDevice), f.msg(open.id, a.id, newId(), 'plain'), mls(a.id, aDevice, 'welcome')],
      sendPlan,
    );
    expect(sent).toEqual(['append']);
    // Statement by statement (a batch with a commit never takes the function), as the reference.
    clear();
    const byStatements = await store.messages.appendMessages([mls(a.id, aDevice), mls(b.id, bDevice, 'commit')], sendPlan);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent).not.toContain('append');

    const stored = await withPostgres(schema.url, async (client) => ({
      logPos: new Map(
        (await client.query<{ id: string; log_pos: string | null }>('select id, log_pos from messages')).rows.map((r) => [r.id, r.log_pos]),
      ),
      payload: new Map(
        (await client.query<{ pos: string; payload: string }>('select pos, payload from events')).rows.map((r) => [
          Number(r.pos),
          r.payload,
        ]),
      ),
    }));
    // Each application message's event: its fields and its message's, in order.
    const shapes: string[] = [];
    for (const { results, events } of [inOne, byStatements]) {
      expect(events).toHaveLength(results.length);
      results.forEach((outcome, i) => {
        const message = 'created' in outcome ? outcome.message : undefined;
        const published = events[i]!;
        expect(published.event).toMatchObject({ type: 'message.created', message: { id: message!.id } });
        const event = published.event as Extract<typeof published.event, { type: 'message.created' }>;
        // The frame the statement path logs (event-log.ts `appendEvents`), published and stored as it.
        const logged = { ...sendPlan.announce(message!), pos: published.pos, prev: event.prev, cursor: event.cursor };
        expect(published.frame).toBe(JSON.stringify(logged));
        expect(stored.payload.get(published.pos)).toBe(published.frame);
        if (message!.mls) {
          expect(message!.logPos).toBe(published.pos);
          expect(event.message.logPos).toBe(published.pos);
          expect(stored.logPos.get(message!.id)).toBe(String(published.pos));
        } else {
          expect(message!.logPos).toBeUndefined();
          expect(published.frame).not.toContain('logPos');
          expect(stored.logPos.get(message!.id)).toBeNull();
        }
        if (message!.mls?.type === 'application') shapes.push(`${Object.keys(event).join()} / ${Object.keys(event.message).join()}`);
      });
    }
    // The application message's event has the same fields, in the same order, whichever path logged it.
    expect(shapes).toHaveLength(2);
    expect(shapes[0]).toBe(shapes[1]);
    expect(shapes[0]).toContain('logPos');
    // And as listed: the position kept in messages.log_pos.
    const listed = await store.messages.listMessages(id, { limit: 10, after: 0 });
    expect(listed.filter((m) => m.mls).map((m) => m.logPos)).toEqual(
      [...inOne.events, ...byStatements.events].filter((e) => e.conversationId === id).map((e) => e.pos),
    );
  });

  it("refuses a revoked device's message (and one naming another's device) in a batch that took the one query; the others are stored", async () => {
    const { store, a, b, id, aDevice, bDevice, mls, sent, clear } = await setUp();
    expect(await store.devices.revokeDevice(a.id, aDevice, () => Date.now())).toBe(true);
    clear();
    const { results, events } = await store.messages.appendMessages(
      [mls(b.id, bDevice), mls(a.id, aDevice), mls(a.id, bDevice, 'welcome'), mls(b.id, bDevice, 'welcome')],
      sendPlan,
    );
    // The function tried it, wrote nothing, and the statement-by-statement append took the batch.
    expect(sent[0]).toBe('append');
    expect(sent.slice(1)).not.toContain('append');
    expect(results).toMatchObject([
      { created: true, message: { seq: 2 } },
      { deviceRevoked: true },
      { deviceRevoked: true },
      { created: true, message: { seq: 3 } },
    ]);
    expect(events.map((e) => e.event.type)).toEqual(['message.created', 'message.created']);
    const listed = await store.messages.listMessages(id, { limit: 10, after: 0 });
    expect(listed.map((m) => [m.seq, m.senderId])).toEqual([
      [1, a.id],
      [2, b.id],
      [3, b.id],
    ]);
  });

  it('holds the sending device locked to its commit: a revocation waits and is dated after; one holding it first is seen', async () => {
    const { schema, store, a, b, aDevice, bDevice, mls, sent, clear } = await setUp();
    await withPostgres(schema.url, async (client) => {
      // The head held elsewhere stops the function after its device and conversation locks, before its commit.
      await client.query('begin');
      await client.query('select pos from stream_head where id = 1 for update');
      clear();
      const appending = store.messages.appendMessages([mls(a.id, aDevice)], sendPlan);
      const appender = await waitingOnLock(client, 'select * from confab_append_fresh(');
      // The revocation, on a connection of its own, waits for the device's shared lock.
      const other = openPostgresStore(schema.url, { poolSize: 1 });
      cleanups.push(() => other.close());
      let clockRead = 0;
      const revoking = other.devices.revokeDevice(a.id, aDevice, () => (clockRead = Date.now() + 1));
      await waitingOnLock(client, 'select "id" from "devices"', appender);
      await client.query('commit');
      const [stored] = (await appending).results;
      expect(sent).toEqual(['append']);
      expect(stored).toMatchObject({ created: true, message: { seq: 2 } });
      expect(await revoking).toBe(true);
      expect(clockRead).toBeGreaterThan('created' in stored! ? stored.message.createdAt : Infinity);

      // Now the device of b is locked by a revocation not yet committed: the function waits, then sees it.
      await client.query('begin');
      await client.query('select id from devices where id = $1 for update', [bDevice]);
      clear();
      const refused = store.messages.appendMessages([mls(b.id, bDevice), mls(a.id, aDevice)], sendPlan);
      await waitingOnLock(client, 'select * from confab_append_fresh(');
      await client.query('update devices set revoked_at = $1 where id = $2', [Date.now(), bDevice]);
      await client.query('commit');
      expect((await refused).results).toEqual([{ deviceRevoked: true }, { deviceRevoked: true }]);
      expect(sent[0]).toBe('append');
    });
  });
});
