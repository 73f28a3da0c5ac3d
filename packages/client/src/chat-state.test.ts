import { describe, expect, it } from 'vitest';
import type { EventDraft, Message, PositionedEvent } from '@confab/protocol';
import { ChatState } from './chat-state.js';
import { at, me, message, summary } from './chat-state.test-support.js';

describe('ChatState: mentions, and my own settings', () => {
  it('counts mentions of me by others until my read marker passes them, and follows edits', async () => {
    const state = new ChatState(me, { conversations: [summary], pages: { c: [] } }, () => Promise.reject(new Error('no load')));
    let pos = 1;
    const apply = (event: EventDraft) => state.apply({ ...event, pos: ++pos, prev: pos - 1 } as PositionedEvent);
    const c = () => state.snapshot().conversations[0]!;
    await apply({ type: 'message.created', message: message(1, 'other', [me]) });
    await apply({ type: 'message.created', message: message(2, 'other') });
    await apply({ type: 'message.created', message: message(3, 'other', [me, 'x']) });
    expect(c()).toMatchObject({ unreadCount: 3, mentionCount: 2 });
    await apply({ type: 'message.updated', message: { ...message(3, 'other'), editedAt: at } });
    expect(c().mentionCount).toBe(1);
    await apply({ type: 'message.updated', message: { ...message(2, 'other', [me]), editedAt: at } });
    expect(c().mentionCount).toBe(2);
    await apply({ type: 'read.updated', conversationId: 'c', userId: me, readSeq: 1, unreadCount: 2, mentionCount: 1 });
    expect(c()).toMatchObject({ readSeq: 1, unreadCount: 2, mentionCount: 1 });
    // Someone else's marker changes nothing of mine.
    await apply({ type: 'read.updated', conversationId: 'c', userId: 'other', readSeq: 3, unreadCount: 0, mentionCount: 0 });
    expect(c().mentionCount).toBe(1);
    await apply({ type: 'message.created', message: message(4, me) }); // my send reads everything
    expect(c()).toMatchObject({ unreadCount: 0, mentionCount: 0, readSeq: 4 });
  });

  it('never counts, lists or shows an MLS commit or welcome (issue 39): devices apply them, people read application messages', async () => {
    const state = new ChatState(me, { conversations: [{ ...summary, encrypted: true }], pages: { c: [] } }, () =>
      Promise.reject(new Error('no load')),
    );
    let pos = 1;
    const apply = (event: EventDraft) => state.apply({ ...event, pos: ++pos, prev: pos - 1 } as PositionedEvent);
    const c = () => state.snapshot().conversations[0]!;
    const envelope = (seq: number, senderId: string, mls: 'application' | 'commit' | 'welcome'): Message => {
      const { body: _body, ...rest } = message(seq, senderId);
      return { ...rest, kind: 'encrypted', encrypted: true, mls, ciphertext: 'x', epoch: 1, senderDevice: 'd' };
    };
    await apply({ type: 'message.created', message: { ...envelope(1, 'other', 'application'), body: 'hello' } });
    await apply({ type: 'message.created', message: envelope(2, 'other', 'commit') });
    await apply({ type: 'message.created', message: envelope(3, 'other', 'welcome') });
    expect(c()).toMatchObject({ unreadCount: 1, lastSeq: 3, lastMessage: { seq: 1, body: 'hello' } });
    expect(state.snapshot().pages.c!.map((m) => m.seq)).toEqual([1]);
    // My own commit (my device sent it by itself) marks nothing read.
    await apply({ type: 'message.created', message: envelope(4, me, 'commit') });
    expect(c()).toMatchObject({ unreadCount: 1, readSeq: 0, lastSeq: 4, lastMessage: { seq: 1 } });
    // A reaction or edit this client does not decrypt is known by its envelope's relation: neither
    // unread, listed nor last, and mine marks nothing read (as the server counts them).
    const related = (seq: number, senderId: string, type: 'reaction' | 'edit'): Message => ({
      ...envelope(seq, senderId, 'application'),
      relatesTo: { type, messageId: 'm1' },
    });
    await apply({ type: 'message.created', message: related(5, 'other', 'reaction') });
    await apply({ type: 'message.created', message: related(6, 'other', 'edit') });
    await apply({ type: 'message.created', message: related(7, me, 'reaction') });
    expect(c()).toMatchObject({ unreadCount: 1, readSeq: 0, lastSeq: 7, lastMessage: { seq: 1 } });
    expect(state.snapshot().pages.c!.map((m) => m.seq)).toEqual([1]);
  });

  it('applies an encrypted edit from the message’s sender only, and lists neither edits nor reactions (issue 39 part 5)', async () => {
    const state = new ChatState(me, { conversations: [{ ...summary, encrypted: true }], pages: { c: [] } }, () =>
      Promise.reject(new Error('no load')),
    );
    let pos = 1;
    const apply = (event: EventDraft) => state.apply({ ...event, pos: ++pos, prev: pos - 1 } as PositionedEvent);
    const decrypted = (seq: number, senderId: string, extra: object): Message => ({
      ...message(seq, senderId),
      kind: 'encrypted',
      encrypted: true,
      mls: 'application',
      epoch: 1,
      senderDevice: 'd',
      ...extra,
    });
    const first = decrypted(1, 'other', { body: 'meet at five' });
    await apply({ type: 'message.created', message: first });
    await apply({ type: 'message.created', message: decrypted(2, me, { body: '', edit: { messageId: first.id, text: 'forged' } }) });
    await apply({
      type: 'message.created',
      message: decrypted(3, 'other', { body: '', reaction: { messageId: first.id, key: '👍', on: true } }),
    });
    expect(state.snapshot().pages.c!.map((m) => m.body)).toEqual(['meet at five']);
    await apply({
      type: 'message.created',
      message: decrypted(4, 'other', { body: '', edit: { messageId: first.id, text: 'meet at six' } }),
    });
    const [shown] = state.snapshot().pages.c!;
    expect(shown).toMatchObject({ id: first.id, body: 'meet at six', editedAt: expect.any(String) });
    expect(state.snapshot().conversations[0]!.lastMessage).toMatchObject({ id: first.id, body: 'meet at six' });
  });

  it('applies my private settings outside the conversation chain: a clear empties the page and the counts', async () => {
    const state = new ChatState(me, { conversations: [{ ...summary, archived: true }], pages: { c: [] } }, () =>
      Promise.reject(new Error('no load')),
    );
    await state.apply({ type: 'message.created', pos: 2, prev: 1, cursor: 'test', message: message(1, 'other', [me]) });
    const c = () => state.snapshot().conversations[0]!;
    expect(c()).toMatchObject({ archived: false, unreadCount: 1, mentionCount: 1, lastPos: 2 });
    const info = {
      id: 'c',
      kind: 'group' as const,
      title: 'g',
      createdBy: 'other',
      createdAt: at,
      lastSeq: 1,
      lastActivityAt: at,
      memberCount: 2,
      encrypted: false,
    };
    await state.apply({
      type: 'conversation.updated',
      cursor: 'test',
      pos: 3,
      prev: 0,
      conversation: info,
      by: me,
      settings: { muted: true, starred: false, archived: false, clearedSeq: 1 },
    });
    expect(c()).toMatchObject({ muted: true, clearedSeq: 1, unreadCount: 0, mentionCount: 0, lastMessage: null, lastPos: 2 });
    expect(state.snapshot().pages['c']).toEqual([]);
    // A private event's position is not the conversation's: a later shared event still applies.
    await state.apply({ type: 'message.created', pos: 4, prev: 2, cursor: 'test', message: message(2, 'other', [me]) });
    expect(c()).toMatchObject({ unreadCount: 1, mentionCount: 1, lastPos: 4 });
    // Notifications are not part of this state.
    await state.apply({
      type: 'notification.created',
      cursor: 'test',
      pos: 5,
      prev: 3,
      notification: { id: 'n', kind: 'mention', conversationId: 'c', messageId: 'm2', actorId: 'other', createdAt: at, readAt: null },
    });
    expect(c().lastPos).toBe(4);
  });
});

describe('ChatState: live locations', () => {
  it('lists the live locations held, as their moves left them, until they end or are stopped', async () => {
    const state = new ChatState(me, { conversations: [summary], pages: { c: [] } }, () => Promise.reject(new Error('no load')));
    let pos = 1;
    const apply = (event: EventDraft) => state.apply({ ...event, pos: ++pos, prev: pos - 1 } as PositionedEvent);
    const now = Date.parse('2026-01-01T10:00:00.000Z');
    const location = (seq: number, lat: number, liveUntil: string | null): Message => ({
      ...message(seq, 'other'),
      kind: 'location',
      body: '',
      location: { lat, lng: 2, accuracyM: null, label: null, liveUntil },
    });
    await apply({ type: 'message.created', message: location(1, 1, '2026-01-01T11:00:00.000Z') });
    await apply({ type: 'message.created', message: location(2, 5, null) });
    await apply({ type: 'message.created', message: message(3, 'other') });
    expect(state.liveLocations(now).map((m) => m.location?.lat)).toEqual([1]);
    await apply({ type: 'message.updated', message: location(1, 1.5, '2026-01-01T11:00:00.000Z') });
    expect(state.liveLocations(now).map((m) => m.location?.lat)).toEqual([1.5]);
    expect(state.liveLocations(Date.parse('2026-01-01T11:00:00.000Z'))).toEqual([]);
    await apply({ type: 'message.updated', message: location(1, 1.5, '2026-01-01T09:59:00.000Z') });
    expect(state.liveLocations(now)).toEqual([]);
  });
});

describe('ChatState: files', () => {
  it('shows an attachment or voice message with its files, and loses them when it is deleted', async () => {
    const state = new ChatState(me, { conversations: [summary], pages: { c: [] } }, () => Promise.reject(new Error('no load')));
    let pos = 1;
    const apply = (event: EventDraft) => state.apply({ ...event, pos: ++pos, prev: pos - 1 } as PositionedEvent);
    const file = { id: 'u1', filename: 'a.ogg', contentType: 'audio/ogg', size: 10, width: null, height: null, durationMs: 900 };
    const voice: Message = {
      ...message(1, 'other'),
      kind: 'voice',
      body: '',
      attachments: [file],
      voice: { durationMs: 900, waveform: [3, 200] },
    };
    await apply({ type: 'message.created', message: voice });
    expect(state.snapshot().pages['c']).toEqual([voice]);
    expect(state.snapshot().conversations[0]!).toMatchObject({ unreadCount: 1, lastMessage: { attachments: [file], voice: voice.voice } });
    const { attachments: _a, voice: _v, ...tombstone } = { ...voice, deletedAt: at };
    await apply({ type: 'message.deleted', message: tombstone });
    expect(state.snapshot().pages['c']![0]).not.toHaveProperty('attachments');
    expect(state.snapshot().conversations[0]!.lastMessage).not.toHaveProperty('voice');
  });
});

describe('ChatState: one reducer entry per positioned event type', () => {
  const info = {
    id: 'c',
    kind: 'group',
    title: 'g',
    createdBy: 'other',
    createdAt: at,
    lastSeq: 0,
    lastActivityAt: at,
    memberCount: 2,
    encrypted: false,
  } as const;
  const member = (userId: string, role: 'member' | 'admin' = 'member') => ({ userId, role, joinedAt: at });
  const fresh = () => new ChatState(me, { conversations: [summary], pages: { c: [] } }, () => Promise.reject(new Error('no load')));

  it('applies each event of a conversation once: one the snapshot already reflects (pos at or below lastPos) changes nothing', async () => {
    const state = fresh();
    const c = () => state.snapshot().conversations[0]!;
    const events: EventDraft[] = [
      { type: 'conversation.updated', conversation: { ...info, title: 'renamed', encrypted: true }, by: 'other' },
      { type: 'member.added', conversationId: 'c', member: member('third'), conversation: { ...info, memberCount: 3 }, by: 'other' },
      { type: 'member.updated', conversationId: 'c', member: member(me, 'admin'), by: 'other' },
      { type: 'message.created', message: message(1, 'other') },
      { type: 'read.updated', conversationId: 'c', userId: me, readSeq: 1, unreadCount: 0, mentionCount: 0 },
      { type: 'member.removed', conversationId: 'c', userId: 'third', by: 'other' },
    ];
    // At pos 1 (the snapshot's lastPos): all already reflected, so none applies.
    for (const event of events) await state.apply({ ...event, pos: 1, prev: 0, cursor: 'e.1' } as PositionedEvent);
    expect(state.snapshot()).toEqual({ conversations: [summary], pages: { c: [] } });
    let pos = 1;
    for (const event of events) await state.apply({ ...event, pos: ++pos, prev: pos - 1, cursor: `e.${pos}` } as PositionedEvent);
    expect(c()).toMatchObject({
      title: 'renamed',
      encrypted: true,
      memberCount: 2,
      myRole: 'admin',
      lastSeq: 1,
      readSeq: 1,
      unreadCount: 0,
      lastPos: 7,
    });
    expect(state.snapshot().pages.c!.map((m) => m.id)).toEqual(['m1']);
  });

  it('leaves my notifications out, creates a conversation I am in, and drops one I am removed from', async () => {
    const state = fresh();
    const notification = {
      id: 'n',
      kind: 'mention',
      conversationId: 'c',
      messageId: 'm1',
      actorId: 'other',
      createdAt: at,
      readAt: null,
    } as const;
    await state.apply({ type: 'notification.created', pos: 2, prev: 0, cursor: 'e.2', notification });
    expect(state.snapshot().conversations).toEqual([summary]);
    await state.apply({
      type: 'conversation.created',
      pos: 3,
      prev: 0,
      cursor: 'e.3',
      conversation: { ...info, id: 'd' },
      members: [member(me)],
    });
    await state.apply({ type: 'conversation.created', pos: 4, prev: 0, cursor: 'e.4', conversation: { ...info, id: 'x' }, members: [] });
    expect(
      state
        .snapshot()
        .conversations.map((c) => c.id)
        .sort(),
    ).toEqual(['c', 'd']);
    await state.apply({ type: 'member.removed', pos: 5, prev: 1, cursor: 'e.5', conversationId: 'c', userId: me, by: 'other' });
    expect(state.snapshot()).toEqual({ conversations: [expect.objectContaining({ id: 'd', lastPos: 3 })], pages: { d: [] } });
  });
});
