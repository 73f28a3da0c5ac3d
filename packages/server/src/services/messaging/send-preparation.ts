import type { MlsSend, Role } from '@confab/protocol';
import { detail, invalid } from '../../errors.js';
import { type MlsContent, type MlsDelivery, encryptedConversation } from '../encryption/mls-delivery.js';
import { newId } from '../../ids.js';
import type { MessageRecord, NewMessage, Store } from '../../store/store.js';
import type { BlockService } from '../conversations/block-service.js';
import type { ConversationFactsCache } from '../conversations/conversation-facts.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { RateLimitService } from '../rate-limits.js';
import { type Content, type ContentInput, ownUploads, resolveContent } from './message-content.js';
import { parseMentions } from './mentions.js';

export interface SendInput extends ContentInput {
  clientId: string;
  /** An MLS message, the only content an encrypted conversation takes (issue 39). */
  mls?: MlsSend;
  replyToId?: string;
  threadRootId?: string;
}

/** A send checked and ready to store: the draft, its content, and the messages it quotes and threads under. */
export interface PreparedSend {
  draft: NewMessage;
  content: Content | MlsContent;
  quoted: MessageRecord | undefined;
  root: MessageRecord | undefined;
}

export interface SendPreparationDeps {
  store: Store;
  membership: MembershipCache;
  /** A conversation's kind and whether it is encrypted, without a query per send. */
  conversationFacts: ConversationFactsCache;
  blocks: BlockService;
  /** Sends per user: one counter for REST and WebSocket, on every node. */
  rateLimits: Pick<RateLimitService, 'consume'>;
  mlsDelivery: MlsDelivery;
  limits: { maxMessageLength: number; allowMemberMentionAll: boolean };
  /** Reads a stored message in the writer's per-turn batch (message-writer.ts). */
  readMessage(id: string): Promise<MessageRecord | undefined>;
}

/**
 * Everything a send is checked for before it is stored: the rate limit, membership, blocks, the
 * content (readable, or MLS in an encrypted conversation), the messages it links to, and mentions.
 */
export async function prepareSend(
  deps: SendPreparationDeps,
  senderId: string,
  conversationId: string,
  input: SendInput,
  /** Content decided already (a forwarded copy: forwarding.ts), instead of resolving `input`'s. */
  prepared?: Content,
  /** False for a scheduled message at its time: its send was counted when it was scheduled. */
  metered = true,
): Promise<PreparedSend> {
  const { store, membership, limits } = deps;
  if (metered) await deps.rateLimits.consume('sendUser', senderId, { userId: senderId });
  const role = await membership.requireRole(conversationId, senderId);
  await deps.blocks.assertMaySend(senderId, conversationId);
  const encrypted = await encryptedContent(deps, senderId, conversationId, role, input, prepared);
  const [content, quoted, root] = await Promise.all([
    encrypted ?? prepared ?? resolveContent(store, senderId, input, limits.maxMessageLength),
    linked(deps, conversationId, input.replyToId, 'replyToId'),
    linked(deps, conversationId, input.threadRootId, 'threadRootId'),
  ]);
  if (root && root.threadRootId !== null)
    throw invalid('A thread root is a top-level message, not a thread reply', [detail('/threadRootId', 'must be a top-level message')]);
  const mentions = await parseMentions(
    store,
    {
      conversationId,
      kind: async () => (await deps.conversationFacts.of(conversationId))?.kind ?? 'direct',
      authorId: senderId,
      authorRole: role,
      memberIds: async () => (await membership.members(conversationId)).keys(),
      allowMemberMentionAll: limits.allowMemberMentionAll,
    },
    content.body,
  );
  const draft: NewMessage = {
    id: newId(),
    conversationId,
    senderId,
    clientId: input.clientId,
    ...content,
    createdAt: Date.now(),
    replyToId: quoted?.id ?? null,
    threadRootId: root?.id ?? null,
    mentions,
  };
  return { draft, content, quoted, root };
}

/**
 * What a send into an encrypted conversation stores (issue 39): only an MLS message, checked by
 * the Delivery Service's rules; anything readable is refused (400 encrypted_conversation). A
 * send into a plain conversation answers undefined (and may not carry `mls`).
 */
async function encryptedContent(
  deps: SendPreparationDeps,
  senderId: string,
  conversationId: string,
  role: Role,
  input: SendInput,
  prepared: Content | undefined,
): Promise<MlsContent | undefined> {
  // A plain send into a conversation known as plain goes on: should it have turned encrypted
  // since, the store refuses it under the conversation's lock (conversation-facts.ts).
  if (input.mls === undefined && !(await deps.conversationFacts.of(conversationId))?.encrypted) return undefined;
  const conversation = await deps.store.conversations.getConversation(conversationId);
  if (!conversation?.encrypted) {
    if (input.mls !== undefined)
      throw invalid('This conversation is not encrypted: send a `body`', [detail('/mls', 'is only for encrypted conversations')]);
    return undefined;
  }
  const readable = (['body', 'kind', 'voice', 'location', 'poll'] as const).find((key) => input[key] !== undefined);
  if (input.mls === undefined || prepared !== undefined || readable !== undefined) throw encryptedConversation();
  // A reaction or edit is no reply: quoting or threading it would count it where it is not read.
  const linking = (['replyToId', 'threadRootId'] as const).find((key) => input[key] !== undefined);
  if (input.mls.relatesTo !== undefined && linking !== undefined)
    throw invalid(`A reaction or edit carries no ${linking}`, [detail(`/${linking}`, 'is not for a message with `mls.relatesTo`')]);
  const files = input.attachmentIds;
  if (files !== undefined && input.mls.type !== 'application')
    throw invalid('Only an application message carries files', [detail('/attachmentIds', 'is only for an MLS application message')]);
  const content = await deps.mlsDelivery.prepare(senderId, conversation, role, await deps.membership.members(conversationId), input.mls);
  // Encrypted files (issue 39 part 5): the uploads hold ciphertext; the link lets the members
  // download them and keeps them from the orphan sweep, their keys are inside the MLS message.
  return files === undefined ? content : { ...content, attachments: await ownUploads(deps.store, senderId, files) };
}

/** The message a send links to (quotes, or threads under): one of this conversation, else 400. */
async function linked(
  deps: SendPreparationDeps,
  conversationId: string,
  id: string | undefined,
  field: 'replyToId' | 'threadRootId',
): Promise<MessageRecord | undefined> {
  if (id === undefined) return undefined;
  const message = await deps.readMessage(id);
  if (!message || message.conversationId !== conversationId)
    throw invalid(`${field} must name a message of this conversation`, [detail(`/${field}`, 'no such message in this conversation')]);
  return message;
}
