import type { ConversationRecord } from '../../store/store.js';

/**
 * The one check point for end-to-end encryption (issue 40 item 5): Assist reads a conversation's
 * messages on the server only when this says it may. Encrypted conversations do not exist yet, so
 * every conversation is readable today; the encryption work makes this answer false for an
 * encrypted one, and then needs reply and catch-up return nothing for it (their assistance, if
 * any, runs in the browser over what it has decrypted).
 */
export function serverMayRead(conversation: Pick<ConversationRecord, 'id' | 'kind'>): boolean {
  return conversation.kind === 'direct' || conversation.kind === 'group';
}
