import { newId } from '../../ids.js';
import type { ConversationRecord, ImportSource, NewMember, Store, StoredEvent, UserRecord } from '../../store/store.js';
import { conversationCreated } from '../events/event-drafts.js';
import type { ImportedConversation } from './import-model.js';

/** What the message writer needs of an imported conversation. */
export interface ImportedTarget {
  conversation: ConversationRecord;
  memberIds: Set<string>;
  /** The exported channel's name, for `<#C123>`. */
  name: string | null;
}

/**
 * Makes an exported channel, private channel or group DM a group (its members those of the
 * export's people this run mapped; its topic the description), and a DM the pair's direct
 * conversation (the one they already have, if any). The group's id is mapped before the group is
 * made, so a run that stops in between makes that same group next time.
 */
export async function importConversation(
  store: Store,
  source: ImportSource,
  exported: ImportedConversation,
  users: ReadonlyMap<string, UserRecord>,
): Promise<{ target: ImportedTarget; created: boolean; events: StoredEvent[] } | undefined> {
  const members = [...new Set(exported.memberIds.flatMap((id) => users.get(id)?.id ?? []))];
  const creator = (exported.creatorId && users.get(exported.creatorId)?.id) || members[0];
  if (!creator) return undefined;
  if (!members.includes(creator)) members.unshift(creator);
  const createdAt = exported.createdAt || Date.now();
  const direct = exported.kind === 'direct' && members.length === 2;
  const known = (await store.imports.getMappings(source, 'conversation', [exported.id])).get(exported.id);
  const id = direct ? newId() : (known ?? (await mapConversation(store, source, exported.id)));
  const stored = known && !direct ? await store.conversations.getConversation(known) : undefined;
  if (stored) return { target: await targetOf(store, stored, exported), created: false, events: [] };
  const title = direct ? null : (exported.title ?? groupTitle(exported.memberIds, users));
  const { conversation, created, events } = await store.conversations.createConversation(
    {
      id,
      kind: direct ? 'direct' : 'group',
      title: title && [...title].slice(0, 100).join(''),
      directKey: direct ? [...members].sort().join(':') : null,
      createdBy: creator,
      createdAt,
      lastActivityAt: createdAt,
      ...(exported.description && !direct ? { description: [...exported.description].slice(0, 250).join('') } : {}),
    },
    members.map((userId): NewMember => ({
      conversationId: id,
      userId,
      role: !direct && userId === creator ? 'owner' : 'member',
      joinedAt: createdAt,
    })),
    conversationCreated,
  );
  // A DM the pair already had is theirs whatever id this run would have given it.
  if (direct && !known) await store.imports.putMappings(source, 'conversation', [{ externalId: exported.id, localId: conversation.id }]);
  return { target: await targetOf(store, conversation, exported), created, events };
}

async function mapConversation(store: Store, source: ImportSource, externalId: string): Promise<string> {
  const mapped = await store.imports.putMappings(source, 'conversation', [{ externalId, localId: newId() }]);
  return mapped.get(externalId)!;
}

async function targetOf(store: Store, conversation: ConversationRecord, exported: ImportedConversation): Promise<ImportedTarget> {
  const members = await store.members.listMembers(conversation.id);
  return { conversation, memberIds: new Set(members.map((m) => m.userId)), name: exported.title };
}

/** A group DM is named by its people, as Slack shows it. */
function groupTitle(memberIds: readonly string[], users: ReadonlyMap<string, UserRecord>): string {
  return memberIds.flatMap((id) => users.get(id)?.displayName ?? []).join(', ') || 'Group';
}
