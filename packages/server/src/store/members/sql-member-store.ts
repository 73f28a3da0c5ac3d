import type { SqlContext } from '../sql-context.js';
import type { MemberStore } from './member-store.js';
import * as members from '../sql/members.js';
import * as memberSettings from '../sql/member-settings.js';

/**
 * `store.members` on the SQL engines: each method calls its query in store/sql/members.ts,
 * sql/member-settings.ts.
 */
export function sqlMemberStore({ db, unique }: SqlContext): MemberStore {
  return {
    getMember: (conversationId, userId) => members.getMember(db, conversationId, userId),
    listMembers: (conversationId) => members.listMembers(db, conversationId),
    findMembersByUsername: (conversationId, usernames) => members.findMembersByUsername(db, conversationId, usernames),
    addMember: (member, announce, also) => unique(() => members.addMember(db, member, announce, also)),
    removeMember: (conversationId, userId, announce, system) => members.removeMember(db, conversationId, userId, announce, system),
    setRoles: (conversationId, changes, announce) => members.setRoles(db, conversationId, changes, announce),
    sharesConversation: (userId, otherId) => members.sharesConversation(db, userId, otherId),
    updateMemberSettings: (conversationId, userId, change, announce) =>
      memberSettings.updateMemberSettings(db, conversationId, userId, change, announce),
    getMemberSettings: (conversationId, userId) => memberSettings.getMemberSettings(db, conversationId, userId),
    mutedAmong: (pairs) => memberSettings.mutedAmong(db, pairs),
  };
}
