import type { Message } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { announcementOf } from './LiveAnnouncer.js';

const message = (over: Partial<Message>): Message => ({
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  senderId: 'u1',
  clientId: 'k1',
  kind: 'text',
  body: 'hello',
  createdAt: '2026-11-25T10:00:00.000Z',
  editedAt: null,
  deletedAt: null,
  replyToId: null,
  replyTo: null,
  threadRootId: null,
  replyCount: 0,
  lastReplyAt: null,
  reactions: [],
  mentions: [],
  pinnedAt: null,
  pinnedBy: null,
  ...over,
});

describe('announcementOf', () => {
  it('names the sender and reads a text message', () => {
    expect(announcementOf(message({}), 'Ada')).toBe('New message from Ada: hello');
  });

  it('cuts a long body at 140 characters', () => {
    const said = announcementOf(message({ body: 'x'.repeat(500) }), 'Ada');
    expect(said).toBe(`New message from Ada: ${'x'.repeat(140)}…`);
  });

  it('says what a message without text is', () => {
    expect(announcementOf(message({ kind: 'voice', body: '' }), 'Ada')).toBe('New message from Ada: a voice message');
    expect(announcementOf(message({ kind: 'location', body: '' }), 'Ada')).toBe('New message from Ada: a location');
    expect(announcementOf(message({ kind: 'attachment', body: '' }), 'Ada')).toBe('New message from Ada: an attachment');
  });
});
