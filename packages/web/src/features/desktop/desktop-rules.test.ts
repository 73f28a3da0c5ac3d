import type { Message } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { deservesNotification, notificationText } from './desktop-rules.js';

const message = (change: Partial<Message> = {}): Message =>
  ({
    id: 'm1',
    conversationId: 'c1',
    seq: 3,
    senderId: 'alice',
    clientId: 'x',
    kind: 'text',
    body: 'hello',
    mentions: [],
    deletedAt: null,
    ...change,
  }) as Message;

describe('desktop notification rules', () => {
  const none = new Set<string>();
  it('notifies a DM or a mention of me; in a muted conversation, a mention only', () => {
    expect(deservesNotification(message(), { kind: 'direct', muted: false }, 'me', none)).toBe(true);
    expect(deservesNotification(message(), { kind: 'group', muted: false }, 'me', none)).toBe(false);
    expect(deservesNotification(message({ mentions: ['me'] }), { kind: 'group', muted: false }, 'me', none)).toBe(true);
    expect(deservesNotification(message(), { kind: 'direct', muted: true }, 'me', none)).toBe(false);
    expect(deservesNotification(message({ mentions: ['me'] }), { kind: 'group', muted: true }, 'me', none)).toBe(true);
  });

  it('never for my own messages, system notices, a deleted message, someone I block, or an unknown conversation', () => {
    const direct = { kind: 'direct', muted: false } as const;
    expect(deservesNotification(message({ senderId: 'me' }), direct, 'me', none)).toBe(false);
    expect(deservesNotification(message({ kind: 'system' }), direct, 'me', none)).toBe(false);
    expect(deservesNotification(message({ deletedAt: '2026-01-01T00:00:00.000Z' }), direct, 'me', none)).toBe(false);
    expect(deservesNotification(message(), direct, 'me', new Set(['alice']))).toBe(false);
    expect(deservesNotification(message(), undefined, 'me', none)).toBe(false);
  });

  it('names the sender (and the group), with a one-line excerpt or what was sent', () => {
    expect(notificationText(message({ body: 'a\n\nb' }), 'Alice', { kind: 'direct', title: null })).toEqual({
      title: 'Alice',
      body: 'a b',
    });
    expect(notificationText(message(), 'Alice', { kind: 'group', title: 'Ops' }).title).toBe('Alice in Ops');
    expect(notificationText(message({ body: 'x'.repeat(300) }), 'A', { kind: 'direct', title: null }).body).toHaveLength(121);
    expect(notificationText(message({ kind: 'voice', body: '' }), 'A', { kind: 'direct', title: null }).body).toBe('Sent a voice message');
    const files = message({ kind: 'attachment', body: '', attachments: [{}, {}] as Message['attachments'] });
    expect(notificationText(files, 'A', { kind: 'direct', title: null }).body).toBe('Sent 2 files');
  });
});
