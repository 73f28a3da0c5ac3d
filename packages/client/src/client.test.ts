import { describe, expect, it } from 'vitest';
import { ConfabClient } from './client.js';
import { ConversationCalls } from './conversation-calls.js';
import { EncryptionCalls } from './encryption-calls.js';
import { MessageCalls } from './message-calls.js';
import { UserCalls } from './user-calls.js';
import { EncryptionError } from './crypto/encryption-error.js';

// ConfabClient's own methods are written by area and copied onto it (client.ts): the type says
// they are there whatever the copy does, so this checks the copy.
describe('ConfabClient method areas', () => {
  it.each([UserCalls, ConversationCalls, MessageCalls, EncryptionCalls])('has every method and getter of %o', (area) => {
    const names = Object.getOwnPropertyNames(area.prototype).filter((name) => name !== 'constructor');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(Object.getOwnPropertyDescriptor(ConfabClient.prototype, name), name).toEqual(
        Object.getOwnPropertyDescriptor(area.prototype, name),
      );
    }
  });

  it('keeps the public names of the SDK', () => {
    const client = new ConfabClient({ baseUrl: 'http://127.0.0.1:1' });
    for (const name of ['register', 'login', 'me', 'openDirect', 'createGroup', 'addMember', 'sendMessage', 'history', 'upload'] as const) {
      expect(typeof client[name], name).toBe('function');
    }
    for (const name of ['enableEncryption', 'revokeDevice', 'joinEncryptedConversations', 'sendEncryptedFiles', 'connect'] as const) {
      expect(typeof client[name], name).toBe('function');
    }
  });

  it('asks for a crypto store when encryption is used without one (a getter, not read at copy time)', () => {
    const client = new ConfabClient({ baseUrl: 'http://127.0.0.1:1' });
    expect(() => client.encryption).toThrow(EncryptionError);
    expect(() => client.deviceLinks).toThrow(/crypto: \{ store \}/);
  });

  it('answers no encrypted search hits without a crypto store', async () => {
    const client = new ConfabClient({ baseUrl: 'http://127.0.0.1:1' });
    await expect(client.searchEncrypted('hello')).resolves.toEqual([]);
  });
});
