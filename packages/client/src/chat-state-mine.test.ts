import { describe, expect, it } from 'vitest';
import type { EventDraft, Message, PositionedEvent } from '@confab/protocol';
import { ChatState } from './chat-state.js';
import { at, me, message, summary } from './chat-state.test-support.js';

// My own state as ChatState keeps it (threads, drafts, schedules), and the people it knows.
// Thread read state (issue 35 item 2).
describe('ChatState: threads', () => {
  const setUp = (pages: Message[] = []) => {
    const state = new ChatState(me, { conversations: [summary], pages: { c: pages } }, () => Promise.reject(new Error('no load')));
    let pos = 1;
    const apply = (event: EventDraft) => state.apply({ ...event, pos: ++pos, prev: pos - 1 } as PositionedEvent);
    const c = () => state.snapshot().conversations[0]!;
    return { state, apply, c };
  };
  const reply = (seq: number, senderId: string, rootId: string, mentions: string[] = []): Message => ({
    ...message(seq, senderId, mentions),
    threadRootId: rootId,
  });

  it('leaves thread replies out of unreadCount, counts my mentions in them, and an unread followed thread once', async () => {
    const { state, apply, c } = setUp();
    await apply({ type: 'message.created', message: message(1, me) }); // my root
    await apply({ type: 'message.created', message: message(2, 'other') });
    await apply({ type: 'message.created', message: reply(3, 'other', 'm1') });
    await apply({ type: 'message.created', message: reply(4, 'other', 'm1', [me]) });
    expect(c()).toMatchObject({ readSeq: 1, unreadCount: 1, mentionCount: 1, unreadThreads: 1, lastSeq: 4 });
    expect(state.thread('m1')).toMatchObject({ following: true, unreadCount: 2 });
    expect(state.unreadThreadsOf('c').map((t) => t.rootId)).toEqual(['m1']);
    // A thread I am not involved in: unread in the thread, not in unreadThreads.
    await apply({ type: 'message.created', message: reply(5, 'other', 'm2') });
    expect(state.thread('m2')).toMatchObject({ following: false, unreadCount: 1 });
    expect(c().unreadThreads).toBe(1);
    // My reply in a thread reads it and follows it, without moving my conversation marker.
    await apply({ type: 'message.created', message: reply(6, me, 'm2') });
    expect(state.thread('m2')).toMatchObject({ following: true, unreadCount: 0 });
    expect(c()).toMatchObject({ readSeq: 1, unreadCount: 1 });
  });

  it("takes the server's word from thread.read and thread.updated, and from a threads() page", async () => {
    const { state, apply, c } = setUp([message(1, me)]);
    await apply({ type: 'message.created', message: reply(2, 'other', 'm1') });
    expect(c().unreadThreads).toBe(1);
    const state1 = { conversationId: 'c', rootId: 'm1', readSeq: 2, unreadCount: 0, following: true, unreadThreads: 0 };
    await apply({ type: 'thread.read', ...state1 });
    expect(c().unreadThreads).toBe(0);
    expect(state.thread('m1')).toMatchObject({ unreadCount: 0, following: true });
    await apply({ type: 'thread.updated', ...state1, following: false });
    await apply({ type: 'message.created', message: reply(3, 'other', 'm1') });
    expect(c().unreadThreads).toBe(0); // unfollowed: unread in the thread only
    expect(state.thread('m1')).toMatchObject({ unreadCount: 1, following: false });
    const root = { ...message(9, 'other'), id: 'm9', replyCount: 1 };
    state.knowThreads('c', [{ root, replyCount: 1, lastReplyAt: at, unreadCount: 2, following: true }]);
    expect(state.unreadThreadsOf('c')).toEqual([
      { conversationId: 'c', rootId: 'm9', rootSenderId: 'other', following: true, unreadCount: 2 },
    ]);
  });
});

describe('ChatState: a thread met by its reply alone', () => {
  it("learns the root's author from the root's message.updated that follows the reply", async () => {
    const state = new ChatState(me, { conversations: [summary], pages: { c: [] } }, () => Promise.reject(new Error('no load')));
    let pos = 1;
    const apply = (event: EventDraft) => state.apply({ ...event, pos: ++pos, prev: pos - 1 } as PositionedEvent);
    await apply({ type: 'message.created', message: { ...message(5, 'other'), threadRootId: 'm1' } });
    expect(state.snapshot().conversations[0]!.unreadThreads).toBe(0);
    await apply({ type: 'message.updated', message: { ...message(1, me), replyCount: 1 } });
    expect(state.snapshot().conversations[0]!.unreadThreads).toBe(1);
    expect(state.thread('m1')).toMatchObject({ rootSenderId: me, following: true, unreadCount: 1 });
    // Someone else's root: not followed.
    await apply({ type: 'message.created', message: { ...message(6, 'other'), threadRootId: 'm2' } });
    await apply({ type: 'message.updated', message: { ...message(2, 'other'), replyCount: 1 } });
    expect(state.thread('m2')).toMatchObject({ rootSenderId: 'other', following: false });
    expect(state.snapshot().conversations[0]!.unreadThreads).toBe(1);
  });
});

describe('ChatState: drafts (issue 37)', () => {
  it('keeps my newest draft of each conversation, from drafts() and draft.updated, never going back a version', async () => {
    const state = new ChatState(me, { conversations: [summary], pages: {} }, () => Promise.reject(new Error('no load')));
    const draft = (version: number, body: string) => ({ conversationId: 'c', body, replyToId: null, version, updatedAt: at });
    state.knowDrafts([draft(2, 'listed')]);
    const event = (pos: number, version: number, body: string): PositionedEvent => ({
      type: 'draft.updated',
      pos,
      prev: pos - 1,
      cursor: `e.${pos}`,
      draft: draft(version, body),
      deleted: body === '',
    });
    await state.apply(event(5, 1, 'older, replayed'));
    expect(state.draft('c')).toEqual(draft(2, 'listed'));
    await state.apply(event(6, 3, ''));
    expect(state.draft('c')).toEqual(draft(3, ''));
    expect(state.draft('other')).toBeUndefined();
  });
});

describe('ChatState: my scheduled messages', () => {
  it('follows my devices’ schedules: made or changed, then gone when sent, deleted or failed; soonest first', async () => {
    const state = new ChatState(me, { conversations: [summary], pages: { c: [] } }, () => Promise.reject(new Error('no load')));
    const scheduled = (id: string, scheduledAt: string, conversationId = 'c') => ({
      id,
      conversationId,
      clientId: `k-${id}`,
      kind: 'text' as const,
      body: id,
      replyToId: null,
      threadRootId: null,
      scheduledAt,
      createdAt: at,
    });
    state.knowScheduled([scheduled('s1', '2026-01-03T09:00:00.000Z')]);
    let pos = 1;
    const apply = (event: EventDraft) => state.apply({ ...event, pos: ++pos, prev: pos - 1 } as PositionedEvent);
    await apply({ type: 'scheduled.updated', scheduled: scheduled('s2', '2026-01-02T09:00:00.000Z') });
    await apply({ type: 'scheduled.updated', scheduled: scheduled('s3', '2026-01-04T09:00:00.000Z', 'other') });
    expect(state.scheduledMessages().map((s) => s.id)).toEqual(['s2', 's1', 's3']);
    expect(state.scheduledMessages('c').map((s) => s.id)).toEqual(['s2', 's1']);
    await apply({ type: 'scheduled.updated', scheduled: { ...scheduled('s1', '2026-01-01T09:00:00.000Z'), body: 'moved' } });
    expect(state.scheduledMessages('c').map((s) => [s.id, s.body])).toEqual([
      ['s1', 'moved'],
      ['s2', 's2'],
    ]);
    const removed = { type: 'scheduled.removed' as const, conversationId: 'c', messageId: null, error: null };
    await apply({ ...removed, scheduledId: 's1', reason: 'sent', messageId: 'm9' });
    await apply({ ...removed, scheduledId: 's2', reason: 'failed', error: { code: 'not_found', message: 'gone' } });
    expect(state.scheduledMessages().map((s) => s.id)).toEqual(['s3']);
  });
});

describe('ChatState: people', () => {
  it('keeps the profiles it was given and takes the latest from user.updated', () => {
    const chat = new ChatState(me, { conversations: [], pages: {} }, () => Promise.reject(new Error('no page')));
    const alice = { id: 'a', username: 'alice', displayName: 'Alice', bio: '', avatarUrl: null, createdAt: at };
    expect(chat.user('a')).toBeUndefined();
    chat.knowUsers([alice]);
    expect(chat.user('a')?.displayName).toBe('Alice');
    chat.applyUser({ type: 'user.updated', user: { ...alice, displayName: 'Alice L', avatarUrl: '/api/v1/users/a/avatar?v=1' } });
    expect(chat.user('a')).toMatchObject({ displayName: 'Alice L', avatarUrl: '/api/v1/users/a/avatar?v=1' });
  });
});
