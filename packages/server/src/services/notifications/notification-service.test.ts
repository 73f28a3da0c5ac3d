import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../bus/memory-bus.js';
import { userTopic } from '../../bus/bus.js';
import { Fixture } from '../../store/conformance/fixtures.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { MessageRecord } from '../../store/store.js';
import { BlockService } from '../conversations/block-service.js';
import { EventPublisher } from '../events/event-publisher.js';
import { MembershipCache } from '../conversations/membership.js';
import { MessageService } from '../messaging/message-service.js';
import { NotificationService } from './notification-service.js';
import { settingsUpdated } from '../events/event-drafts.js';
import { type MessageActivity, type MessageActivityKind, MessageActivityFeed } from '../messaging/message-activity.js';
import { pino } from 'pino';
import { RATE_LIMIT_DEFAULTS } from '../../rate-limit-config.js';
import { RateLimitService } from '../rate-limits.js';
import { LoggedSecurityEvents } from '../security-events.js';

/** The rules of who is notified of a message activity, over a real SQLite store and bus, written by the message writer. */
describe('NotificationService from message activities', () => {
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
    const membership = new MembershipCache(f.store);
    const blocks = new BlockService(f.store, membership, bus);
    const limits = {
      maxMessageLength: 4000,
      messagesPageSize: 50,
      messagesPageMax: 200,
      groupCommitMaxBatch: 500,
      allowMemberMentionAll: false,
    };
    const rateLimits = new RateLimitService(
      { ...RATE_LIMIT_DEFAULTS, enabled: true, backoffMaxSeconds: 300, wsFloodCloseAfter: 20 },
      new LoggedSecurityEvents(pino({ level: 'silent' })),
      {
        redis: null,
        prefix: '',
        logger: pino({ level: 'silent' }),
      },
    );
    const writer = new MessageService(
      f.store,
      membership,
      blocks,
      bus,
      new EventPublisher(bus),
      new MessageActivityFeed(),
      limits,
      rateLimits,
    );
    service = new NotificationService(f.store, writer, blocks);
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
  const kinds = async (userId: string) =>
    (await f.store.notifications.listNotifications(userId, { limit: 50 })).map((n) => n.kind).reverse();
  const send = async (message: Parameters<typeof f.append>[0][0]): Promise<MessageRecord> => (await f.append([message]))[0]!.message;

  const activity = (kind: MessageActivityKind, message: MessageRecord, actorId: string, userIds: string[]): MessageActivity => ({
    kind,
    conversationId: message.conversationId,
    messageId: message.id,
    actorId,
    userIds,
  });

  it('notifies each user once per message, a mention first, never the actor', async () => {
    const [amy, bo, cy] = [await f.user('amy'), await f.user('bo'), await f.user('cy')];
    const group = (await f.conversation('group', [amy.id, bo.id, cy.id])).conversation;
    for (const u of [amy, bo, cy]) await listen(u.id);
    const message = await send(f.msg(group.id, bo.id, 'm'));
    await service.fromActivities([
      activity('thread_reply', message, bo.id, [amy.id, cy.id, bo.id]),
      activity('mention', message, bo.id, [amy.id]),
      activity('reply', message, bo.id, [amy.id]),
    ]);
    expect(await kinds(amy.id)).toEqual(['mention']);
    expect(await kinds(cy.id)).toEqual(['thread_reply']);
    expect(await kinds(bo.id)).toEqual([]);
    expect(heard.get(amy.id)).toEqual([`mention:${message.id}`]);
    expect(heard.get(bo.id)).toEqual([]);
    await service.fromActivities([activity('reaction', message, cy.id, [bo.id])]);
    expect(await kinds(bo.id)).toEqual(['reaction']);
  });

  it('skips users who block the actor, and in muted conversations everything but mentions', async () => {
    const [amy, bo, cy] = [await f.user('amy'), await f.user('bo'), await f.user('cy')];
    const group = (await f.conversation('group', [amy.id, bo.id, cy.id])).conversation;
    await f.store.blocks.setBlock(cy.id, amy.id, true, f.tick());
    await f.store.members.updateMemberSettings(group.id, bo.id, { muted: true }, settingsUpdated(bo.id));
    const reply = await send(f.msg(group.id, amy.id, 'r'));
    await service.fromActivities([activity('reply', reply, amy.id, [bo.id]), activity('mention', reply, amy.id, [cy.id])]);
    expect(await kinds(bo.id)).toEqual([]); // muted: a reply does not notify
    expect(await kinds(cy.id)).toEqual([]); // blocks Amy
    const mention = await send(f.msg(group.id, amy.id, 'm'));
    await service.fromActivities([activity('mention', mention, amy.id, [bo.id])]);
    expect(await kinds(bo.id)).toEqual(['mention']); // muted, but mentioned
  });
});
