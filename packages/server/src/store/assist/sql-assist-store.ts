import type { SqlContext } from '../sql-context.js';
import type { AssistStore } from './assist-store.js';
import * as assist from '../sql/assist.js';

/** `store.assist` on the SQL engines: each method calls its query in store/sql/assist.ts. */
export function sqlAssistStore({ db }: SqlContext): AssistStore {
  return {
    getSettings: (userId) => assist.getAssistSettings(db, userId),
    putSettings: (userId, settings, at) => assist.putAssistSettings(db, userId, settings, at),
    dismiss: (userId, message, at) => assist.dismissNeedsReply(db, userId, message, at),
    needsReplyCandidates: (userId, page) => assist.needsReplyCandidates(db, userId, page),
    myLatestSeqs: (userId, since) => assist.myLatestSeqs(db, userId, since),
    interactions: (userId, since, limit) => assist.listInteractions(db, userId, since, limit),
  };
}
