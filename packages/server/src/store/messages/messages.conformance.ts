import { describe, expect, it } from 'vitest';
import type { AppendResult, Store } from '../store.js';
import { drafts, type Fixture, sendPlan } from '../conformance/fixtures.js';

export function describeMessages(f: Fixture): void {
  const { user, conversation, append, msg } = f;

  describe('messages', () => {
    it('assigns gap-free seqs per conversation within and across batches', async () => {
      const [a, b] = [await user('ada'), await user('bix')];
      const one = (await conversation('group', [a.id, b.id])).conversation;
      const two = (await conversation('group', [a.id, b.id])).conversation;
      const first = await append([msg(one.id, a.id, '1'), msg(two.id, a.id, '2'), msg(one.id, b.id, '3')]);
      expect(first.map((r) => [r.message.conversationId, r.message.seq, r.created])).toEqual([
        [one.id, 1, true],
        [two.id, 1, true],
        [one.id, 2, true],
      ]);
      const second = await append([msg(one.id, a.id, '4')]);
      expect(second[0]!.message.seq).toBe(3);
      expect((await f.store.conversations.getConversation(one.id))?.lastSeq).toBe(3);
    });

    it('returns the stored message for a repeated (sender, clientId), in a later batch or the same one, whatever its body', async () => {
      const [a, b] = [await user('abe'), await user('bree')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      const [stored] = await append([msg(conv.id, a.id, 'same')]);
      const again = await append([msg(conv.id, a.id, 'same', 'different body'), msg(conv.id, b.id, 'same')]);
      expect(again[0]).toEqual({ message: stored!.message, created: false });
      expect(again[1]).toMatchObject({ created: true, message: { senderId: b.id, seq: 2 } });
      const twice = await append([msg(conv.id, a.id, 'x'), msg(conv.id, a.id, 'x', 'another body')]);
      expect(twice[0]!.created).toBe(true);
      expect(twice[1]).toEqual({ message: twice[0]!.message, created: false });
      expect((await f.store.messages.listMessages(conv.id, { limit: 10 })).map((m) => m.seq)).toEqual([3, 2, 1]);
    });

    it("finds the stored (sender, clientId) pairs of a batch larger than one lookup, never a pair of one sender with another's clientId", async () => {
      const [a, b, c] = [await user('bxa'), await user('bxb'), await user('bxc')];
      const conv = (await conversation('group', [a.id, b.id, c.id])).conversation;
      // Stored: a's k0…k449. The batch: each of those again (past the first lookup's 400 pairs),
      // and b and c using the same clientIds, which are new pairs.
      const keys = Array.from({ length: 450 }, (_, i) => `k${i}`);
      const stored = await append(keys.map((k) => msg(conv.id, a.id, k)));
      const batch = keys.flatMap((k) => [msg(conv.id, a.id, k, 'again'), msg(conv.id, b.id, k), msg(conv.id, c.id, k)]);
      const answers = await append(batch);
      expect(answers.filter((r, i) => batch[i]!.senderId === a.id)).toEqual(stored.map((r) => ({ message: r.message, created: false })));
      const fresh = answers.filter((r, i) => batch[i]!.senderId !== a.id);
      expect(fresh.every((r) => r.created)).toBe(true);
      expect(fresh.map((r) => r.message.seq)).toEqual(Array.from({ length: 900 }, (_, i) => 451 + i));
    });

    it('stores one message when appends of one (sender, clientId) race, whatever their bodies; the others get it back', async () => {
      const [a, b] = [await user('rae'), await user('rob')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      const other = (await conversation('group', [a.id, b.id])).conversation;
      // Separate transactions (on PostgreSQL, separate connections, opened beforehand so that
      // all three start at once): each misses the others' rows in its idempotency read, and the
      // unique index settles it.
      await Promise.all([1, 2, 3].map(() => f.store.ping()));
      const answers = await Promise.all([
        f.store.messages.appendMessages([msg(conv.id, a.id, 'raced', 'first body')], sendPlan),
        f.store.messages.appendMessages([msg(conv.id, a.id, 'raced', 'second body')], sendPlan),
        f.store.messages.appendMessages([msg(other.id, a.id, 'raced', 'elsewhere')], sendPlan),
      ]);
      const results = answers.map((answer) => answer.results[0] as AppendResult);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)!.message;
      expect(results.map((r) => r.message)).toEqual([winner, winner, winner]);
      expect(answers.flatMap((answer) => answer.events)).toHaveLength(1);
      const stored = [
        ...(await f.store.messages.listMessages(conv.id, { limit: 10 })),
        ...(await f.store.messages.listMessages(other.id, { limit: 10 })),
      ];
      expect(stored).toEqual([winner]);
    });

    it('stores every body exactly as sent, in the row and in its logged event, whatever characters it holds', async () => {
      // On PostgreSQL a batch of plain messages goes to a function in the database as JSON, and its
      // events are joined there from pieces (postgres/one-statement-append.ts): quotes, backslashes
      // and `$n` must come back as sent.
      const [a, b] = [await user('qua'), await user('qub')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      const bodies = [
        `it's ''quoted'' and "double"`,
        String.raw`back\slash \\x41 \' E'\n' \0`,
        '$1 $2 $$ $10 $body$ ; commit; --',
        'tab\tnew\nline, emoji 👍🏽, 漢字, \u00a0nbsp',
      ];
      const results = await append(bodies.map((body, i) => msg(conv.id, i % 2 === 0 ? a.id : b.id, `q${i}`, body)));
      expect(results.map((r) => r.message.body)).toEqual(bodies);
      const stored = await f.store.messages.listMessages(conv.id, { limit: 10 });
      expect(stored.map((m) => m.body).reverse()).toEqual(bodies);
      const logged = await f.store.events.readConversationEvents(conv.id, 0, 10);
      const created = logged.flatMap((e) => (e.event.type === 'message.created' ? [e.event.message.body] : []));
      expect(created).toEqual(bodies);
      // The numbers that stand in for a seq and positions while the event is cut into pieces,
      // in a body: that batch goes statement by statement, stored as well.
      const odd = '9007199254740001 9007199254740002 9007199254740003';
      const [again] = await append([msg(conv.id, a.id, 'q-odd', odd)]);
      expect(again!.message).toMatchObject({ body: odd, seq: bodies.length + 1 });
      const [last] = await f.store.events.readConversationEvents(conv.id, logged.at(-1)!.pos, 10);
      expect(last!.event).toMatchObject({
        type: 'message.created',
        message: { body: odd, seq: bodies.length + 1 },
        prev: logged.at(-1)!.pos,
      });
      expect(JSON.parse(last!.frame)).toEqual(last!.event);
    });

    it('refuses a batch naming a conversation that does not exist, storing and numbering nothing', async () => {
      const [a, b] = [await user('gna'), await user('gnb')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      await append([msg(conv.id, a.id, 'g1')]);
      await expect(append([msg(conv.id, a.id, 'g2'), msg('no-such-conversation', a.id, 'g3')])).rejects.toThrow();
      expect((await f.store.conversations.getConversation(conv.id))?.lastSeq).toBe(1);
      const [next] = await append([msg(conv.id, b.id, 'g4')]);
      expect(next!.message.seq).toBe(2);
      const events = await f.store.events.readConversationEvents(conv.id, 0, 10);
      expect(events.at(-1)!.event.prev).toBe(events.at(-2)!.pos);
    });

    it("logs the plan's event for each new message and moves the read markers it names, up to the newest", async () => {
      const [a, b] = [await user('ari'), await user('bal')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      const { events } = await f.store.messages.appendMessages(
        [msg(conv.id, b.id, 'b1'), msg(conv.id, a.id, 'a1'), msg(conv.id, b.id, 'b2')],
        sendPlan,
      );
      expect(events.map((e) => e.event)).toMatchObject([1, 2, 3].map((seq) => ({ type: 'message.created', message: { seq } })));
      expect((await f.store.members.getMember(conv.id, a.id))?.readSeq).toBe(2);
      expect((await f.store.members.getMember(conv.id, b.id))?.readSeq).toBe(3);
      expect((await f.store.conversations.getConversationView(a.id, conv.id))?.unreadCount).toBe(1);
      expect((await f.store.conversations.getConversationView(b.id, conv.id))?.unreadCount).toBe(0);
      // Without `readBy` no marker moves: that rule is the caller's.
      await f.store.messages.appendMessages([msg(conv.id, a.id, 'a2')], { announce: drafts.messageCreated });
      expect((await f.store.members.getMember(conv.id, a.id))?.readSeq).toBe(2);
    });

    it('pages history backwards and forwards by seq', async () => {
      const [a, b] = [await user('axl'), await user('bud')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      await append(Array.from({ length: 10 }, (_, i) => msg(conv.id, a.id, `m${i}`)));
      const seqs = async (page: { limit: number; before?: number; after?: number }) =>
        (await f.store.messages.listMessages(conv.id, page)).map((m) => m.seq);
      expect(await seqs({ limit: 3 })).toEqual([10, 9, 8]);
      expect(await seqs({ limit: 3, before: 8 })).toEqual([7, 6, 5]);
      expect(await seqs({ limit: 3, after: 8 })).toEqual([9, 10]);
      expect(await seqs({ limit: 10, after: 2, before: 6 })).toEqual([3, 4, 5]);
    });

    it('advances read markers forward only, clamped to the last seq', async () => {
      const [a, b] = [await user('aja'), await user('bam')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      await append(Array.from({ length: 5 }, (_, i) => msg(conv.id, a.id, `r${i}`)));
      expect((await f.read(conv.id, b.id, 3)).readSeq).toBe(3);
      expect((await f.read(conv.id, b.id, 1)).readSeq).toBe(3);
      expect((await f.read(conv.id, b.id, 99)).readSeq).toBe(5);
      expect((await f.store.conversations.getConversationView(b.id, conv.id))?.unreadCount).toBe(0);
    });

    it('lists recent messages across my conversations with sender, recipient and read filters', async () => {
      const [a, b, c] = [await user('aki'), await user('bly'), await user('cid')];
      const ab = (await conversation('direct', [a.id, b.id], [a.id, b.id].sort().join(':'))).conversation;
      const bc = (await conversation('direct', [b.id, c.id], [b.id, c.id].sort().join(':'))).conversation;
      await append([msg(ab.id, a.id, 'a->b'), msg(ab.id, b.id, 'b->a'), msg(bc.id, c.id, 'c->b')]);
      const bodies = async (userId: string, filter: Omit<Parameters<Store['messages']['listRecentMessages']>[1], 'limit'>) =>
        (await f.store.messages.listRecentMessages(userId, { limit: 10, ...filter })).map((m) => m.body);
      expect(await bodies(a.id, {})).toEqual(['b->a', 'a->b']); // never b and c's conversation
      expect(await bodies(b.id, {})).toEqual(['c->b', 'b->a', 'a->b']);
      expect(await bodies(b.id, { sender: c.id })).toEqual(['c->b']);
      expect(await bodies(b.id, { recipient: a.id })).toEqual(['b->a']);
      expect(await bodies(a.id, { isRead: false })).toEqual(['b->a']);
      expect(await bodies(a.id, { isRead: true })).toEqual(['a->b']);
      const [newest] = await f.store.messages.listRecentMessages(b.id, { limit: 1 });
      expect(await bodies(b.id, { beforeId: newest!.id })).toEqual(['b->a', 'a->b']);
    });
  });
}
