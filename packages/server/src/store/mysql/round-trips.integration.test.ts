import { Connection } from 'mysql2';
import { afterEach, expect, it } from 'vitest';
import { Fixture, sendPlan } from '../conformance/fixtures.js';
import { createTestDatabase, mysqlService, requireService } from '../../../test/services.js';
import { openMysqlStore } from './mysql-store.js';

const describeMysql = await requireService(mysqlService);

/**
 * The round trips a batch of plain sends costs on MySQL/MariaDB (decision 0026): each is a wait
 * under the conversations' row locks. Counted at mysql2's connection, the one door every query
 * goes through.
 */
describeMysql('MySQL/MariaDB append round trips', () => {
  const query = Connection.prototype.query;
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    Connection.prototype.query = query;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const counting = async <T>(work: () => Promise<T>): Promise<{ result: T; sent: string[] }> => {
    const sent: string[] = [];
    Connection.prototype.query = function (this: Connection, ...args: unknown[]) {
      sent.push(typeof args[0] === 'string' ? args[0] : (args[0] as { sql: string }).sql);
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      return { result: await work(), sent };
    } finally {
      Connection.prototype.query = query;
    }
  };

  it('stores a batch of plain sends in two round trips, the events as the log reads them back', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const store = openMysqlStore(database.url, { poolSize: 2 });
    cleanups.push(() => store.close());
    await store.migrate();
    const f = new Fixture();
    f.store = store;
    const a = await f.user('alice');
    const b = await f.user('bob');
    const { conversation: one } = await f.conversation('group', [a.id, b.id]);
    const { conversation: two } = await f.conversation('group', [a.id, b.id]);
    await f.append([f.msg(one.id, a.id, 'first')]);

    const batch = [
      f.msg(one.id, a.id, 'a1'),
      f.msg(two.id, b.id, 'b1'),
      f.msg(one.id, b.id, 'b2'),
      { ...f.msg(one.id, a.id, 'a2'), mentions: [b.id] },
    ];
    const { result, sent } = await counting(() => store.messages.appendMessages(batch, sendPlan));
    expect(sent).toHaveLength(2);
    expect(result.results.map((r) => ('message' in r ? r.message.seq : null))).toEqual([2, 1, 3, 4]);
    const logged = [
      ...(await store.events.readConversationEvents(one.id, 0, 100)),
      ...(await store.events.readConversationEvents(two.id, 0, 100)),
    ];
    for (const event of result.events) expect(logged.find((e) => e.pos === event.pos)?.frame).toBe(event.frame);
    const inOne = result.events.filter((e) => e.conversationId === one.id);
    expect(inOne.map((e) => (e.event as { prev: number }).prev).slice(1)).toEqual(inOne.map((e) => e.pos).slice(0, -1));
    expect((await store.conversations.getConversation(one.id))?.lastSeq).toBe(4);

    // A resend: the check finds it stored, and the batch goes again with its new pairs alone.
    const again = await counting(() => store.messages.appendMessages([batch[0]!, f.msg(one.id, a.id, 'a3')], sendPlan));
    expect(again.result.results.map((r) => ('created' in r ? r.created : null))).toEqual([false, true]);
    expect(again.sent.length).toBeLessThanOrEqual(6);
  });
});
