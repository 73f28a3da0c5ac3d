import type { SqlContext } from '../sql-context.js';
import type { AssistStore } from './assist-store.js';
import * as assist from '../sql/assist.js';
import * as moderation from '../sql/assist-moderation.js';

/** `store.assist` on the SQL engines: each method calls its query in store/sql/assist.ts. */
export function sqlAssistStore({ db }: SqlContext): AssistStore {
  return {
    getSettings: (userId) => assist.getAssistSettings(db, userId),
    putSettings: (userId, settings, at) => assist.putAssistSettings(db, userId, settings, at),
    dismiss: (userId, message, at) => assist.dismissNeedsReply(db, userId, message, at),
    needsReplyCandidates: (userId, page) => assist.needsReplyCandidates(db, userId, page),
    myLatestSeqs: (userId, since) => assist.myLatestSeqs(db, userId, since),
    interactions: (userId, since, limit) => assist.listInteractions(db, userId, since, limit),
    myReplyPairs: (userId, since, limit) => moderation.myReplyPairs(db, userId, since, limit),
    addReport: (report) => moderation.addReport(db, report),
    getReport: (id) => moderation.getReport(db, id),
    listReports: (page) => moderation.listReports(db, page),
    resolveReport: (id, decision, by, at) => moderation.resolveReport(db, id, decision, by, at),
    senderStanding: (userId, limit) => moderation.senderStanding(db, userId, limit),
    hold: (held, at) => moderation.hold(db, held, at),
    getHeld: (messageId) => moderation.getHeld(db, messageId),
    getHeldByClientId: (senderId, clientId) => moderation.getHeldByClientId(db, senderId, clientId),
    listHeld: (page) => moderation.listHeld(db, page),
    unhold: (messageId) => moderation.unhold(db, messageId),
    trainSpam: (features, spam, weight) => moderation.trainSpam(db, features, spam, weight),
    spamModel: () => moderation.spamModel(db),
  };
}
