import { type Message, replyExcerpt } from '@confab/protocol';
import type { CryptoStore } from './crypto-store.js';
import { decodeContent } from './encrypted-content.js';
import { editedText } from './encrypted-edits.js';

/**
 * A reply's quote in an encrypted conversation (issue 39): the server quotes the message's id,
 * sender and `seq` but has no text to excerpt, so the excerpt is read from what this device
 * decrypted at that seq (`plain:<conversation>:<seq>`), with its sender's latest edit. Where this
 * device holds no text (sent before it joined) the excerpt stays empty, for the app to say so.
 */
export async function withQuote(store: CryptoStore, message: Message): Promise<Message> {
  const quote = message.replyTo;
  if (!quote || quote.deleted || quote.seq === undefined || quote.excerpt !== '') return message;
  const plain = await store.get(`plain:${message.conversationId}:${quote.seq}`);
  const text =
    (await editedText(store, message.conversationId, quote.id, quote.senderId)) ?? (plain ? (decodeContent(plain).text ?? '') : '');
  return text === '' ? message : { ...message, replyTo: { ...quote, excerpt: replyExcerpt(text) } };
}
