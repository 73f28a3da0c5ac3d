import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/memory-bus.js';
import { userTopic } from '../bus/bus.js';
import { Fixture } from '../store/conformance/fixtures.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { MessageRecord } from '../store/store.js';
import { EventPublisher } from './event-publisher.js';
import { NotificationService } from './notification-service.js';
import { settingsUpdated } from './event-drafts.js';

/** The rules of who is notified of a message, over a real SQLite store and bus. */
describe('NotificationService message hooks', () => {
  const f = new Fixture();
  let dir: string;
  let bus: MemoryBus;
  let service: NotificationService;
  const heard = new Map<string, string[]>();

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'confab-notify-'));
    f.store = openSqliteStore(path.join(dir, 'test.sqlite3'));
    await f.store.migrate();
    bus = new MemoryBus();
    service = new NotificationService(f.store, new EventPublisher(bus));
    heard.clear();
  });
  afterEach(async () => {
    await f.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const listen = async (userId: string) => {
    heard.set(userId, []);
    await bus.subscribe(userTopic(userId), ({ event }) => {
      if (event.type === 'notification.created') heard.get(userId)!.push(`${event.notification.kind}:${event.notification.messageId}`);
    });
  };
  const kinds = async (userId: string) => (await f.store.listNotifications(userId, { limit: 50 })).map((n) => n.kind).reverse();
  const send = async (message: Parameters<typeof f.append>[0][0]): Promise<MessageRecord> => (await f.append([message]))[0]!.message;

  it('notifies mentions, the quoted author and a thread, once per user and a mention first, never the author', async () => {
    const [amy, bo, cy, di] = [await f.user('amy'), await f.user('bo'), await f.user('cy'), await f.user('di')];
    const group = (await f.conversation('group', [amy.id, bo.id, cy.id, di.id])).conversation;
    for (const u of [amy, bo, cy, di]) await listen(u.id);

    const root = await send(f.msg(group.id, amy.id, 'root'));
    await service.messageCreated(root);
    const reply = await send({ ...f.msg(group.id, bo.id, 'r1'), replyToId: root.id, mentions: [cy.id, bo.id] });
    await service.messageCreated(reply);
    expect(await kinds(amy.id)).toEqual(['reply']);
    expect(await kinds(cy.id)).toEqual(['mention']);
    expect(await kinds(bo.id)).toEqual([]); // mentioning oneself notifies nobody

    const first = await send({ ...f.msg(group.id, cy.id, 't1'), threadRootId: root.id, mentions: [amy.id] });
    await service.messageCreated(first);
    const second = await send({ ...f.msg(group.id, di.id, 't2'), threadRootId: root.id });
    await service.messageCreated(second);
    expect(await kinds(amy.id)).toEqual(['reply', 'mention', 'thread_reply']); // the mention wins over the thread reply
    expect(await kinds(cy.id)).toEqual(['mention', 'thread_reply']); // replied in the thread before
    expect(await kinds(di.id)).toEqual([]);
    expect(heard.get(amy.id)).toEqual([`reply:${reply.id}`, `mention:${first.id}`, `thread_reply:${second.id}`]);
    expect(heard.get(di.id)).toEqual([]);
  });

  it('notifies only the newly mentioned on an edit, and the author of a reaction, not the reactor themselves', async () => {
    const [amy, bo, cy] = [await f.user('amy'), await f.user('bo'), await f.user('cy')];
    const group = (await f.conversation('group', [amy.id, bo.id, cy.id])).conversation;
    const message = await send({ ...f.msg(group.id, amy.id, 'm'), mentions: [bo.id] });
    await service.mentionsAdded({ ...message, mentions: [bo.id, cy.id] }, [bo.id]);
    expect(await kinds(bo.id)).toEqual([]);
    expect(await kinds(cy.id)).toEqual(['mention']);
    await service.reacted(message, bo.id);
    await service.reacted(message, amy.id);
    expect(await kinds(amy.id)).toEqual(['reaction']);
  });

  it('skips users who block the actor, and in muted conversations everything but mentions', async () => {
    const [amy, bo, cy] = [await f.user('amy'), await f.user('bo'), await f.user('cy')];
    const group = (await f.conversation('group', [amy.id, bo.id, cy.id])).conversation;
    await f.store.setBlock(cy.id, amy.id, true, f.tick());
    await f.store.updateMemberSettings(group.id, bo.id, { muted: true }, settingsUpdated(bo.id));
    const root = await send(f.msg(group.id, bo.id, 'root'));
    const reply = await send({ ...f.msg(group.id, amy.id, 'r'), replyToId: root.id, mentions: [cy.id] });
    await service.messageCreated(reply);
    expect(await kinds(bo.id)).toEqual([]); // muted: a reply does not notify
    expect(await kinds(cy.id)).toEqual([]); // blocks Amy
    const mention = await send({ ...f.msg(group.id, amy.id, 'm'), mentions: [bo.id] });
    await service.messageCreated(mention);
    expect(await kinds(bo.id)).toEqual(['mention']); // muted, but mentioned
  });
});
