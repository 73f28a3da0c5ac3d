import { describe, expect, it } from 'vitest';
import { notificationFor } from './notification-text.js';

const push = (kind: string, conversationId = 'c-1') => ({
  type: 'notification.created',
  userId: 'u-1',
  notification: { id: 'n-1', kind, conversationId, messageId: null, actorId: 'u-2', createdAt: '2026-01-01T00:00:00Z', readAt: null },
});

describe('notificationFor', () => {
  it('says what happened and opens the conversation, one notification per conversation', () => {
    expect(notificationFor(push('mention', 'c/ 1'))).toEqual({
      title: 'Confab',
      body: 'You were mentioned in a conversation',
      url: '/c/c%2F%201',
      tag: 'conversation:c/ 1',
    });
    expect(notificationFor(push('added_to_conversation')).body).toBe('You were added to a conversation');
    expect(notificationFor(push('thread_reply')).body).toBe('New reply in a thread you follow');
  });

  it('shows something for a payload it cannot read, and for a kind it does not know yet', () => {
    for (const payload of [undefined, null, 'text', 42, { type: 'other' }, { type: 'notification.created', notification: null }]) {
      expect(notificationFor(payload)).toEqual({ title: 'Confab', body: 'Something new is waiting for you', url: '/', tag: 'confab' });
    }
    expect(notificationFor(push('a_future_kind')).body).toBe('Something new is waiting for you');
  });
});
