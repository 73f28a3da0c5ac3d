import { describe, expect, it } from 'vitest';
import { type RawStore, describeWithRawStore } from '../../test/raw-stores.js';
import { newId } from '../ids.js';
import { Fixture, sendPlan } from './conformance/fixtures.js';
import type { NewMessage } from './store.js';

/**
 * Migration 0039 on a database with MLS messages in it (issue 39): as part 2 left them (no
 * `shown` column), commits and welcomes come through as not shown, application and plain
 * messages as shown, so they stop counting as unread.
 */
function describeShownMigration(engine: string, open: () => Promise<RawStore>): void {
  describe(`migration 0039_messages_shown on existing messages: ${engine}`, () => {
    it('marks existing commits and welcomes not shown, and the unread counts leave them out', async () => {
      const { store, raw, dispose } = await open();
      try {
        const f = new Fixture();
        f.store = store;
        const [a, b] = [await f.user('ma'), await f.user('mb')];
        const { conversation } = await f.conversation('group', [a.id, b.id]);
        const dev = await f.device(a.id);
        const mls = (type: 'application' | 'commit' | 'welcome'): NewMessage => ({
          ...f.msg(conversation.id, a.id, newId(), ''),
          kind: 'encrypted',
          mls: { type, ciphertext: `${type}-x`, epoch: 0, senderDevice: dev },
        });
        await store.messages.appendMessages(
          [f.msg(conversation.id, a.id, 'plain'), mls('application'), mls('commit'), mls('welcome')],
          sendPlan,
        );

        // As part 2 left it: no column, so every message counted.
        await raw('alter table messages drop column shown');
        await raw(`delete from kysely_migration where name = '0039_messages_shown'`);
        await store.migrate();
        const rows = await raw('select seq, shown from messages where conversation_id = $1 order by seq', [conversation.id]);
        expect(rows.map((r) => [Number(r.seq), Number(r.shown)])).toEqual([
          [1, 1],
          [2, 1],
          [3, 0],
          [4, 0],
        ]);
        expect(await store.markers.countUnreadTotal(b.id)).toBe(2);
        expect(await store.conversations.getConversationView(b.id, conversation.id)).toMatchObject({
          unreadCount: 2,
          lastMessage: { seq: 2 },
        });
      } finally {
        await dispose();
      }
    });
  });
}

describeWithRawStore(describeShownMigration);
