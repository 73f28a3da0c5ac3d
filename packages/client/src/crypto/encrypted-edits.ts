import type { Message } from '@confab/protocol';
import type { CryptoStore } from './crypto-store.js';

/**
 * Edits in encrypted conversations (issue 39 part 5): an edit is an MLS application message
 * `{edit: {messageId, text}}`; the server cannot check who may edit what, so each reader applies
 * one only when its sender is the edited message's sender, and only the latest (by seq). Kept per
 * message and sender (`edit:<conversation>:<messageId>:<senderId>`: someone else's later edit
 * cannot push the author's aside) so that a message read later shows its last text.
 */
interface KeptEdit {
  text: string;
  seq: number;
  senderId: string;
  editedAt: string;
}

const key = (conversationId: string, messageId: string, senderId: string) => `edit:${conversationId}:${messageId}:${senderId}`;

/** Keeps the edit `message` carries, unless a later one is kept. */
export async function keepEdit(store: CryptoStore, message: Message, edit: { messageId: string; text: string }): Promise<void> {
  const before = await keptEdit(store, message.conversationId, edit.messageId, message.senderId);
  if (before && before.seq >= message.seq) return;
  const kept: KeptEdit = { text: edit.text, seq: message.seq, senderId: message.senderId, editedAt: message.createdAt };
  await store.put(key(message.conversationId, edit.messageId, message.senderId), new TextEncoder().encode(JSON.stringify(kept)));
}

/** The message with its latest edit by its own sender applied (body and `editedAt`), or as it is. */
export async function withEdit(store: CryptoStore, message: Message): Promise<Message> {
  if (message.body === undefined || message.deletedAt !== null) return message;
  const kept = await keptEdit(store, message.conversationId, message.id, message.senderId);
  if (!kept) return message;
  return { ...message, body: kept.text, editedAt: kept.editedAt };
}

/** The latest text its own sender gave `messageId` by an edit, if any. */
export async function editedText(
  store: CryptoStore,
  conversationId: string,
  messageId: string,
  senderId: string,
): Promise<string | undefined> {
  return (await keptEdit(store, conversationId, messageId, senderId))?.text;
}

async function keptEdit(store: CryptoStore, conversationId: string, messageId: string, senderId: string): Promise<KeptEdit | undefined> {
  const bytes = await store.get(key(conversationId, messageId, senderId));
  return bytes && (JSON.parse(new TextDecoder().decode(bytes)) as KeptEdit);
}
