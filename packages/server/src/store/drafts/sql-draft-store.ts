import type { SqlContext } from '../sql-context.js';
import type { DraftStore } from './draft-store.js';
import * as drafts from '../sql/drafts.js';

/** `store.drafts` on the SQL engines: each method calls its query in store/sql/drafts.ts. */
export function sqlDraftStore({ db }: SqlContext): DraftStore {
  return {
    saveDraft: (save, announce) => drafts.saveDraft(db, save, announce),
    clearDraft: (userId, conversationId, now, announce) => drafts.clearDraft(db, userId, conversationId, now, announce),
    clearSent: (sends, now, announce) => drafts.clearSent(db, sends, now, announce),
    listDrafts: (userId) => drafts.listDrafts(db, userId),
    getDraft: (userId, conversationId) => drafts.getDraft(db, userId, conversationId),
  };
}
