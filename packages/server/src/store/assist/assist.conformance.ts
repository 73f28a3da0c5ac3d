import { describe, expect, it } from 'vitest';
import { drafts, type Fixture } from '../conformance/fixtures.js';
import { settingsDraft } from '../members/member-settings.conformance.js';

/** Assist (issue 40): switches, dismissals, the needs-reply candidates, my latest answers, interactions. */
export function describeAssist(f: Fixture): void {
  const { user, conversation, append, msg } = f;

  const setUp = async (prefix: string) => {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => user(`${prefix}${n}`)));
    const key = [a!.id, b!.id].sort().join(':');
    const dm = (await conversation('direct', [a!.id, b!.id], key)).conversation;
    const group = (await conversation('group', [a!.id, b!.id, c!.id])).conversation;
    return { a: a!, b: b!, c: c!, dm, group };
  };

  describe('assist', () => {
    it('keeps my switches: none until set, then replaced whole', async () => {
      const { a, b } = await setUp('as');
      expect(await f.store.assist.getSettings(a.id)).toBeUndefined();
      await f.store.assist.putSettings(a.id, { enabled: true, needsReply: false, catchUp: true, replySuggestions: true }, f.tick());
      await f.store.assist.putSettings(a.id, { enabled: false, needsReply: false, catchUp: true, replySuggestions: false }, f.tick());
      expect(await f.store.assist.getSettings(a.id)).toEqual({ enabled: false, needsReply: false, catchUp: true, replySuggestions: false });
      expect(await f.store.assist.getSettings(b.id)).toBeUndefined();
    });

    it('hands over direct messages, mentions of me and replies to me from others, newest first, less what I dismissed', async () => {
      const { a, b, c, dm, group } = await setUp('an');
      const since = f.now;
      const [mine] = await append([msg(group.id, a.id, 'an-mine')]);
      const [direct] = await append([msg(dm.id, b.id, 'an-direct', 'can you look?')]);
      await append([msg(group.id, b.id, 'an-chatter')]); // a group message neither to nor about me
      const [mention] = await append([{ ...msg(group.id, c.id, 'an-mention'), mentions: [a.id] }]);
      const [reply] = await append([{ ...msg(group.id, b.id, 'an-reply'), replyToId: mine!.message.id }]);
      await append([msg(dm.id, a.id, 'an-own')]); // my own message never

      const candidates = await f.store.assist.needsReplyCandidates(a.id, { since, limit: 10 });
      expect(candidates.map((x) => [x.message.id, x.direct, x.mentionsMe, x.repliesToMe])).toEqual([
        [reply!.message.id, false, false, true],
        [mention!.message.id, false, true, false],
        [direct!.message.id, true, false, false],
      ]);
      expect(candidates[0]!.message.replyTo).toMatchObject({ id: mine!.message.id });
      // A page below an id; nothing older than `since`.
      const below = await f.store.assist.needsReplyCandidates(a.id, { since, limit: 1, beforeId: mention!.message.id });
      expect(below.map((x) => x.message.id)).toEqual([direct!.message.id]);
      expect(await f.store.assist.needsReplyCandidates(a.id, { since: f.now + 1, limit: 10 })).toEqual([]);

      expect(await f.store.assist.dismiss(a.id, mention!.message, f.tick())).toBe(true);
      expect(await f.store.assist.dismiss(a.id, mention!.message, f.tick())).toBe(false);
      const left = await f.store.assist.needsReplyCandidates(a.id, { since, limit: 10 });
      expect(left.map((x) => x.message.id)).toEqual([reply!.message.id, direct!.message.id]);
      // Dismissed for me only.
      const forB = await f.store.assist.needsReplyCandidates(b.id, { since, limit: 10 });
      expect(forB.map((x) => x.message.id)).toEqual([(await f.store.messages.listMessages(dm.id, { limit: 1 }))[0]!.id]);
    });

    it('leaves out deleted messages and what I cleared', async () => {
      const { a, b, dm } = await setUp('ad');
      const since = f.now;
      const [gone, kept] = await append([msg(dm.id, b.id, 'ad-1'), msg(dm.id, b.id, 'ad-2')]);
      await f.update(
        gone!.message.id,
        () => ({ body: '', deletedAt: f.tick(), reactions: [], mentions: [], erase: true }),
        drafts.messageUpdated,
      );
      expect((await f.store.assist.needsReplyCandidates(a.id, { since, limit: 10 })).map((x) => x.message.id)).toEqual([kept!.message.id]);
      await f.store.members.updateMemberSettings(dm.id, a.id, { clear: true }, settingsDraft(a.id));
      expect(await f.store.assist.needsReplyCandidates(a.id, { since, limit: 10 })).toEqual([]);
    });

    it('knows my newest message in each conversation and each thread', async () => {
      const { a, b, group, dm } = await setUp('al');
      const since = f.now;
      const [root] = await append([msg(group.id, b.id, 'al-root')]);
      const [m1] = await append([msg(group.id, a.id, 'al-1')]);
      const [t1] = await append([{ ...msg(group.id, a.id, 'al-t1'), threadRootId: root!.message.id }]);
      const [m2] = await append([msg(group.id, a.id, 'al-2')]);
      await append([msg(dm.id, b.id, 'al-dm')]);
      const latest = await f.store.assist.myLatestSeqs(a.id, since);
      expect(latest.sort((x, y) => x.seq - y.seq)).toEqual([
        { conversationId: group.id, threadRootId: root!.message.id, seq: t1!.message.seq },
        { conversationId: group.id, threadRootId: null, seq: m2!.message.seq },
      ]);
      expect(m1!.message.seq).toBeLessThan(m2!.message.seq);
    });

    it('lists my interactions: sent (with the direct peer), replies, mentions both ways, reactions, reads', async () => {
      const { a, b, c, dm, group } = await setUp('ai');
      const since = f.now;
      const [theirs] = await append([msg(group.id, c.id, 'ai-theirs')]);
      await append([msg(dm.id, a.id, 'ai-dm')]);
      await append([{ ...msg(group.id, a.id, 'ai-reply'), replyToId: theirs!.message.id, mentions: [b.id] }]);
      await append([{ ...msg(group.id, b.id, 'ai-mention'), mentions: [a.id] }]);
      await f.update(theirs!.message.id, (m) => ({ reactions: [...m.reactions, { emoji: '👍', userIds: [a.id] }] }), drafts.messageUpdated);
      const found = await f.store.assist.interactions(a.id, since, 50);
      const kinds = found.map((i) => `${i.kind}:${i.conversationId === dm.id ? 'dm' : 'group'}:${i.peerId ?? '-'}`).sort();
      expect(kinds).toEqual(
        [
          `sent:dm:${b.id}`,
          `sent:group:-`,
          `replied:group:${c.id}`,
          `mentioned:group:${b.id}`,
          `mentioned_me:group:${b.id}`,
          `reacted:group:${c.id}`,
          // The sender has read what they sent (the fixture's append): both conversations.
          `read:dm:${b.id}`,
          `read:group:-`,
        ].sort(),
      );
      expect(found.every((i) => i.at >= since)).toBe(true);
      expect(await f.store.assist.interactions(a.id, f.now + 1, 50)).toEqual([]);
    });

    it('pairs each of my messages with what it answered: the quote, else the message before it in its thread', async () => {
      const { a, b, c, group } = await setUp('ap');
      const since = f.now;
      const [q1] = await append([msg(group.id, b.id, 'ap-q1', 'lunch at noon?')]);
      await append([msg(group.id, a.id, 'ap-r1', 'sounds good')]);
      await append([msg(group.id, a.id, 'ap-r1b', 'and a second thought')]); // after my own: no pair
      const [q2] = await append([msg(group.id, c.id, 'ap-q2', 'build is red')]);
      await append([msg(group.id, b.id, 'ap-between', 'unrelated')]);
      await append([{ ...msg(group.id, a.id, 'ap-r2', 'on it'), replyToId: q2!.message.id }]);
      const [t] = await append([{ ...msg(group.id, c.id, 'ap-t', 'thread question'), threadRootId: q1!.message.id }]);
      await append([msg(group.id, b.id, 'ap-main', 'main timeline chatter')]);
      await append([{ ...msg(group.id, a.id, 'ap-tr', 'thread answer'), threadRootId: q1!.message.id }]);
      const pairs = await f.store.assist.myReplyPairs(a.id, since, 10);
      expect(pairs.map((p) => [p.promptBody, p.replyBody])).toEqual([
        [t!.message.body, 'thread answer'],
        ['build is red', 'on it'],
        ['lunch at noon?', 'sounds good'],
      ]);
      expect(pairs.every((p) => p.conversationId === group.id && p.repliedAt >= since)).toBe(true);
      expect(await f.store.assist.myReplyPairs(a.id, since, 1)).toHaveLength(1);
      expect(await f.store.assist.myReplyPairs(b.id, f.now + 1, 10)).toEqual([]);
    });

    it('keeps one report per person and message, lists open and resolved ones, and resolves a message’s reports together', async () => {
      const { a, b, c, group } = await setUp('ar');
      const [m] = await append([msg(group.id, b.id, 'ar-1', 'buy cheap pills')]);
      const [other] = await append([msg(group.id, b.id, 'ar-2')]);
      const report = (id: string, reporterId: string, messageId = m!.message.id) =>
        f.store.assist.addReport({
          id,
          messageId,
          conversationId: group.id,
          senderId: b.id,
          reporterId,
          reason: 'spam',
          note: reporterId === a.id ? 'again and again' : null,
          // A report of an encrypted message may carry what its reporter read (a multi-line text kept as it is).
          sharedText: reporterId === c.id ? 'line one\nline two ✓' : null,
          createdAt: f.tick(),
        });
      const [r1, r2, r3] = ['01ar1', '01ar2', '01ar3'];
      expect(await report(r1, a.id)).toBe(true);
      expect(await report('01ar1x', a.id)).toBe(false); // the same person again: the same report
      expect(await report(r2, c.id)).toBe(true);
      expect(await report(r3, a.id, other!.message.id)).toBe(true);
      expect((await f.store.assist.listReports({ resolved: false, limit: 10 })).map((r) => r.id)).toEqual([r3, r2, r1]);
      expect((await f.store.assist.listReports({ resolved: false, limit: 10, beforeId: r2 })).map((r) => r.id)).toEqual([r1]);
      expect(await f.store.assist.getReport(r1)).toMatchObject({
        reporterId: a.id,
        note: 'again and again',
        sharedText: null,
        decision: null,
        resolvedAt: null,
      });
      expect(await f.store.assist.getReport(r2)).toMatchObject({ reporterId: c.id, sharedText: 'line one\nline two ✓' });
      expect(await f.store.assist.senderStanding(b.id, 20)).toEqual({ messagesSent: 2, spamDecisions: 0 });

      const at = f.tick();
      const results = await Promise.all([
        f.store.assist.resolveReport(r1, 'spam', a.id, at),
        f.store.assist.resolveReport(r1, 'spam', a.id, at),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1); // concurrent resolutions: one wins
      expect(await f.store.assist.resolveReport(r1, 'not_spam', a.id, f.tick())).toBe(false);
      expect(await f.store.assist.resolveReport('01nosuch', 'spam', a.id, f.tick())).toBe(false);
      expect(await f.store.assist.getReport(r2)).toMatchObject({ decision: 'spam', resolvedBy: a.id, resolvedAt: at });
      expect((await f.store.assist.listReports({ resolved: true, limit: 10 })).map((r) => r.id)).toEqual([r2, r1]);
      expect((await f.store.assist.listReports({ resolved: false, limit: 10 })).map((r) => r.id)).toEqual([r3]);
      expect(await f.store.assist.senderStanding(b.id, 1)).toEqual({ messagesSent: 1, spamDecisions: 2 });
    });

    it('holds a send once per clientId, lists held ones oldest first, and lets one caller take it out', async () => {
      const { a, b, group, dm } = await setUp('ah');
      const draft = (clientId: string) => ({ ...msg(group.id, b.id, clientId, 'free money here 💸'), mentions: [a.id], replyToId: null });
      const first = draft('ah-1');
      expect(await f.store.assist.hold({ draft: first, score: 0.975 }, f.tick())).toBe(true);
      expect(await f.store.assist.hold({ draft: { ...draft('ah-1') }, score: 0.99 }, f.tick())).toBe(false);
      const second = { ...msg(dm.id, b.id, 'ah-2'), kind: 'text' as const };
      expect(await f.store.assist.hold({ draft: second, score: 1 }, f.tick())).toBe(true);
      expect(await f.store.assist.getHeld(first.id)).toEqual({ draft: first, score: 0.975 });
      expect(await f.store.assist.getHeldByClientId(b.id, 'ah-1')).toEqual({ draft: first, score: 0.975 });
      expect(await f.store.assist.getHeldByClientId(a.id, 'ah-1')).toBeUndefined();
      const ids = [first.id, second.id].sort();
      expect((await f.store.assist.listHeld({ limit: 10 })).map((h) => h.draft.id)).toEqual(ids);
      expect((await f.store.assist.listHeld({ limit: 10, afterId: ids[0] })).map((h) => h.draft.id)).toEqual([ids[1]]);
      // Nothing of it is in the conversation.
      expect((await f.store.messages.listMessages(group.id, { limit: 10 })).map((m) => m.id)).not.toContain(first.id);
      const taken = await Promise.all([f.store.assist.unhold(first.id), f.store.assist.unhold(first.id)]);
      expect(taken.filter(Boolean)).toHaveLength(1);
      expect(await f.store.assist.getHeld(first.id)).toBeUndefined();
    });

    it('adds up the spam model’s counts, concurrent trainings included', async () => {
      expect(await f.store.assist.spamModel()).toEqual([]);
      await Promise.all([
        f.store.assist.trainSpam(['w:free', 'w:money', '#docs'], true, 1),
        f.store.assist.trainSpam(['w:free', 'w:money', '#docs'], true, 1),
        f.store.assist.trainSpam(['w:lunch', 'w:free', '#docs', 'w:lunch'], false, 1),
      ]);
      await f.store.assist.trainSpam([], true, 1);
      expect(await f.store.assist.spamModel()).toEqual([
        { feature: '#docs', spam: 2, ham: 1 },
        { feature: 'w:free', spam: 2, ham: 1 },
        { feature: 'w:lunch', spam: 0, ham: 1 },
        { feature: 'w:money', spam: 2, ham: 0 },
      ]);
    });
  });
}
