import type { ConversationRecord } from '../../store/store.js';

/**
 * The one check point for end-to-end encryption (issue 40 item 5, issue 39): Assist reads a
 * conversation's messages on the server only when this says it may: never an encrypted one (the
 * server holds only ciphertext there), so needs reply and catch-up return nothing for it (their
 * assistance, if any, runs in the browser over what it has decrypted).
 */
export function serverMayRead(conversation: Pick<ConversationRecord, 'id' | 'kind' | 'encrypted'>): boolean {
  return !conversation.encrypted && (conversation.kind === 'direct' || conversation.kind === 'group');
}
