import { describe, expect, it } from 'vitest';
import type { Message } from '@confab/protocol';
import { ConfabClient } from '../client.js';
import { memoryCryptoStore } from './crypto-store.js';
import { keepDecrypted } from './decrypted-search.js';
import { encodeContent } from './encrypted-content.js';
import { keepEdit } from './encrypted-edits.js';

/** An envelope as a conversation list carries it: kind encrypted, no body. */
const envelope = (seq: number, extra: Partial<Message> = {}): Message =>
  ({
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    senderId: 'u1',
    kind: 'encrypted',
    mls: 'application',
    createdAt: '2026-01-01T00:00:00.000Z',
    deletedAt: null,
    threadRootId: null,
    ...extra,
  }) as Message;

describe('decryptedText: what this device already read, without decrypting', () => {
  // No request is ever made: a server at this address would refuse the connection.
  const clientWith = (store = memoryCryptoStore()) => ({
    store,
    client: new ConfabClient({ baseUrl: 'http://127.0.0.1:9', crypto: { store } }),
  });

  it('answers the text this device kept when it decrypted the message, with its sender’s latest edit', async () => {
    const { store, client } = clientWith();
    await keepDecrypted(store, envelope(3), new TextEncoder().encode('see you at noon'));
    expect(await client.decryptedText(envelope(3))).toBe('see you at noon');
    // Carried content (files and the like): its text.
    await keepDecrypted(store, envelope(4), encodeContent({ text: 'the plan', files: [] }));
    expect(await client.decryptedText(envelope(4))).toBe('the plan');
    await keepEdit(store, envelope(5), { messageId: 'm3', text: 'see you at one' });
    expect(await client.decryptedText(envelope(3))).toBe('see you at one');
  });

  it('answers nothing for a message never decrypted here, a deleted one, a plain one, or without a crypto store', async () => {
    const { store, client } = clientWith();
    await keepDecrypted(store, envelope(3), new TextEncoder().encode('kept'));
    expect(await client.decryptedText(envelope(9))).toBeUndefined();
    expect(await client.decryptedText(envelope(3, { conversationId: 'c2' }))).toBeUndefined();
    expect(await client.decryptedText(envelope(3, { deletedAt: '2026-01-02T00:00:00.000Z' }))).toBeUndefined();
    expect(await client.decryptedText(envelope(3, { kind: 'text', body: 'kept' } as Partial<Message>))).toBeUndefined();
    expect(await new ConfabClient({ baseUrl: 'http://127.0.0.1:9' }).decryptedText(envelope(3))).toBeUndefined();
  });
});
