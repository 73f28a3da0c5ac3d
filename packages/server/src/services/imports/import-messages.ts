import type { Readable } from 'node:stream';
import type {
  AttachmentRecord,
  ImportCounts,
  ImportSource,
  MessagePatch,
  MessageRecord,
  MessageUpdate,
  NewMessage,
  ReactionRecord,
  Store,
  StoredEvent,
  UserRecord,
} from '../../store/store.js';
import { messageUpdated, sendPlan } from '../events/event-drafts.js';
import type { ImportedMessage, MarkupConverter, NameLookup } from './import-model.js';
import type { ImportedTarget } from './import-conversations.js';
import { importClientId, importMessageId } from './import-ids.js';

/** Stores an upload for its owner (UploadService.create, quota and type checks included). */
export type StoreUpload = (ownerId: string, filename: string, file: Readable) => Promise<{ id: string }>;

export interface MessagesContext {
  store: Store;
  source: ImportSource;
  convert: MarkupConverter;
  names: NameLookup;
  users: ReadonlyMap<string, UserRecord>;
  storeUpload: StoreUpload;
}

/** At most this many messages per append (one transaction); a Slack day is nearly always one. */
const CHUNK = 1000;

/**
 * Appends one file's messages (sorted by time) to their conversation as their authors' sends,
 * keeping each one's time: ids and clientIds derived from the export make a second run find
 * them stored. Replies go under their root; then edits, reactions and pins are applied as
 * changes, each only when it changes something. No notification is made: this is history.
 */
export async function importMessages(
  context: MessagesContext,
  conversationId: string,
  target: ImportedTarget,
  messages: readonly ImportedMessage[],
): Promise<{ counts: Partial<ImportCounts>; events: StoredEvent[]; problems: string[] }> {
  const counts = { messages: 0, replies: 0, reactions: 0, pins: 0, files: 0 };
  const events: StoredEvent[] = [];
  const problems: string[] = [];
  const idOf = (key: string, sentAt: number) => importMessageId(context.source, conversationId, key, sentAt);
  const sentAtByKey = new Map(messages.map((m) => [m.key, m.sentAt]));
  for (let i = 0; i < messages.length; i += CHUNK) {
    const chunk = messages.slice(i, i + CHUNK).filter((m) => context.users.has(m.senderId));
    const skipped = Math.min(CHUNK, messages.length - i) - chunk.length;
    if (skipped > 0) problems.push(`${skipped} message(s) by people not in the export skipped`);
    const roots = await rootIds(context.store, chunk, sentAtByKey, idOf);
    const batch: NewMessage[] = [];
    for (const m of chunk) {
      const senderId = context.users.get(m.senderId)!.id;
      const { body, mentionIds } = context.convert(m.text, context.names);
      const attachments = await importFiles(context, senderId, m, problems);
      counts.files += attachments.created;
      const rootId = m.rootKey === null ? null : roots.get(m.rootKey);
      batch.push({
        id: idOf(m.key, m.sentAt),
        conversationId: target.conversation.id,
        senderId,
        clientId: importClientId(context.source, conversationId, m.key),
        body,
        createdAt: m.sentAt,
        kind: attachments.records.length > 0 ? 'attachment' : 'text',
        ...(attachments.records.length > 0 ? { attachments: attachments.records } : {}),
        threadRootId: rootId ?? null,
        mentions: mentionIds.filter((id) => id !== senderId && target.memberIds.has(id)),
      });
    }
    if (batch.length === 0) continue;
    const appended = await context.store.messages.appendMessages(batch, sendPlan);
    events.push(...appended.events);
    for (const outcome of appended.results) {
      if ('missingUploadIds' in outcome) problems.push(`a message lost its files (${outcome.missingUploadIds.join(', ')})`);
      else if ('epochConflict' in outcome || 'encryptedConversation' in outcome || 'deviceRevoked' in outcome)
        problems.push('an encrypted message could not be imported');
      else if (outcome.created) counts[outcome.message.threadRootId === null ? 'messages' : 'replies'] += 1;
    }
    // What each change added, by message (a change may be decided again when its transaction is retried).
    const added = new Map<string, { reactions: number; pins: number }>();
    const changes = chunk.flatMap((m) => changeOf(context, idOf(m.key, m.sentAt), m, added) ?? []);
    if (changes.length === 0) continue;
    const changed = await context.store.messages.updateMessages(changes);
    events.push(...changed.events);
    for (const outcome of changed.results) {
      if (!outcome || !('changed' in outcome) || !outcome.changed) continue;
      counts.reactions += added.get(outcome.message.id)?.reactions ?? 0;
      counts.pins += added.get(outcome.message.id)?.pins ?? 0;
    }
  }
  return { counts, events, problems };
}

/** The roots the chunk's replies name, by key: in the chunk itself, or stored by an earlier file or run. */
async function rootIds(
  store: Store,
  chunk: readonly ImportedMessage[],
  sentAtByKey: ReadonlyMap<string, number>,
  idOf: (key: string, sentAt: number) => string,
): Promise<Map<string, string>> {
  const inChunk = new Set(chunk.filter((m) => m.rootKey === null).map((m) => m.key));
  const found = new Map<string, string>();
  const elsewhere = new Map<string, string>();
  for (const m of chunk) {
    if (m.rootKey === null) continue;
    // A Slack ts names its time: a root outside this file has the id its time and key give.
    const id = idOf(m.rootKey, sentAtByKey.get(m.rootKey) ?? keyTime(m.rootKey));
    if (inChunk.has(m.rootKey)) found.set(m.rootKey, id);
    else elsewhere.set(m.rootKey, id);
  }
  if (elsewhere.size > 0) {
    const stored = new Set(
      (await store.messages.getMessages([...elsewhere.values()])).filter((r) => r.threadRootId === null).map((r) => r.id),
    );
    for (const [key, id] of elsewhere) if (stored.has(id)) found.set(key, id);
  }
  // A reply whose root is not in the export stays in the conversation's main timeline.
  return found;
}

/** A key's time when it is a Slack ts ("1700000000.000100"); Mattermost keys carry theirs after the last colon. */
const keyTime = (key: string): number => {
  const slack = /^(\d+)(?:\.(\d+))?$/.exec(key);
  if (slack) return Number(slack[1]) * 1000 + Number((slack[2] ?? '').padEnd(3, '0').slice(0, 3));
  return Number(key.slice(key.lastIndexOf(':') + 1)) || 0;
};

/** Uploads the message's files the export holds (once: mapped by file id) and describes them for the message. */
async function importFiles(
  context: MessagesContext,
  ownerId: string,
  message: ImportedMessage,
  problems: string[],
): Promise<{ records: AttachmentRecord[]; created: number }> {
  const present = message.files.filter((f) => f.open !== undefined);
  if (present.length === 0) return { records: [], created: 0 };
  const known = await context.store.imports.getMappings(
    context.source,
    'file',
    present.map((f) => f.id),
  );
  let created = 0;
  for (const file of present) {
    if (known.has(file.id)) continue;
    try {
      const upload = await context.storeUpload(ownerId, file.name, await file.open!());
      const mapped = await context.store.imports.putMappings(context.source, 'file', [{ externalId: file.id, localId: upload.id }]);
      known.set(file.id, mapped.get(file.id)!);
      created += 1;
    } catch (error) {
      problems.push(`file ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const uploads = await context.store.uploads.getUploads(present.flatMap((f) => known.get(f.id) ?? []));
  const records = uploads.map(({ id, filename, contentType, size, width, height, durationMs }): AttachmentRecord => ({
    id,
    filename,
    contentType,
    size,
    width,
    height,
    durationMs,
  }));
  return { records, created };
}

/** The edit time, reactions and pin the export gives a message, as one change that applies only what differs. */
function changeOf(
  context: MessagesContext,
  id: string,
  m: ImportedMessage,
  added: Map<string, { reactions: number; pins: number }>,
): MessageUpdate | undefined {
  const reactions: ReactionRecord[] = m.reactions.flatMap((r) => {
    const userIds = [...new Set(r.userIds.flatMap((u) => context.users.get(u)?.id ?? []))];
    return userIds.length > 0 ? [{ emoji: r.emoji, userIds }] : [];
  });
  if (m.editedAt === null && reactions.length === 0 && !m.pinned) return undefined;
  const senderId = context.users.get(m.senderId)!.id;
  return {
    id,
    change: (current: MessageRecord) => {
      const patch: MessagePatch = {};
      const counts = { reactions: 0, pins: 0 };
      added.set(id, counts);
      if (m.editedAt !== null && current.editedAt === null) patch.editedAt = m.editedAt;
      const merged = mergeReactions(current.reactions, reactions);
      if (merged.added > 0) {
        patch.reactions = merged.reactions;
        counts.reactions = merged.added;
      }
      if (m.pinned && current.pinnedAt === null) {
        // The export does not say who pinned it or when: its author, at its time.
        patch.pinnedAt = m.sentAt;
        patch.pinnedBy = senderId;
        counts.pins = 1;
      }
      return Object.keys(patch).length > 0 ? patch : null;
    },
    announce: messageUpdated,
  };
}

function mergeReactions(current: readonly ReactionRecord[], imported: readonly ReactionRecord[]) {
  const reactions = current.map((r) => ({ emoji: r.emoji, userIds: [...r.userIds] }));
  let added = 0;
  for (const r of imported) {
    let entry = reactions.find((c) => c.emoji === r.emoji);
    if (!entry) reactions.push((entry = { emoji: r.emoji, userIds: [] }));
    for (const userId of r.userIds) {
      if (entry.userIds.includes(userId)) continue;
      entry.userIds.push(userId);
      added += 1;
    }
  }
  return { reactions, added };
}
