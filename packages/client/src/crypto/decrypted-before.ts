import type { Message } from '@confab/protocol';
import type { CryptoStore } from './crypto-store.js';
import { KEYS } from './conversation-keys.js';
import { readableContent } from './encrypted-content.js';
import { editedText } from './encrypted-edits.js';

/**
 * The text of an encrypted message (an envelope, as a conversation list's last message comes) if
 * this device decrypted it before: a read of what the crypto store kept then, with its sender's
 * latest edit. No MLS work and no read of the log, so a list can ask for every row; undefined for
 * one never decrypted here, a deleted one, or a message that is not encrypted.
 */
export async function decryptedBefore(store: CryptoStore, message: Message): Promise<string | undefined> {
  if (message.kind !== 'encrypted' || message.deletedAt !== null) return undefined;
  const plain = await store.get(KEYS.plain(message.conversationId, message.seq));
  if (!plain) return undefined;
  const edited = await editedText(store, message.conversationId, message.id, message.senderId);
  return edited ?? readableContent(plain).body;
}
