import type { HeldMessage, Message } from '@confab/protocol';
import { AppError, invalid, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { MessageRecord, Store } from '../../store/store.js';
import type { BlockService } from '../conversations/block-service.js';
import type { MembershipCache } from '../conversations/membership.js';
import { refuseIfEncrypted } from '../encryption/mls-delivery.js';
import { heldView, messageView } from '../views.js';
import type { Content } from './message-content.js';
import type { MessageService } from './message-service.js';

/**
 * The source conversations of forwarded copies that this reader is a member of: a copy names
 * where it came from only to them (issue 37). One membership read per distinct source.
 */
export async function sourcesOfReader(
  membership: Pick<MembershipCache, 'members'>,
  userId: string,
  messages: readonly MessageRecord[],
): Promise<Set<string>> {
  const sources = new Set(messages.flatMap((m) => (m.forwardedFrom ? [m.forwardedFrom.conversationId] : [])));
  const mine = new Set<string>();
  await Promise.all(
    [...sources].map(async (id) => {
      if ((await membership.members(id)).has(userId)) mine.add(id);
    }),
  );
  return mine;
}

/** Messages as this reader sees them (forwarded copies name their source only to its members). */
export async function readerViews(
  membership: Pick<MembershipCache, 'members'>,
  userId: string,
  messages: readonly MessageRecord[],
): Promise<Message[]> {
  const sources = await sourcesOfReader(membership, userId, messages);
  return messages.map((m) => messageView(m, sources));
}

/**
 * What a forwarded copy carries: the original's content as it is now, the same files (the copy's
 * own links to the uploads make them readable in the target: store/sql/message-links.ts), a live
 * location as a fixed place, a poll afresh (no votes, open, no deadline).
 */
export function copyContent(source: MessageRecord): Content {
  const forwardedFrom = source.forwardedFrom ?? {
    conversationId: source.conversationId,
    senderId: source.senderId,
    sentAt: source.createdAt,
  };
  const base = { kind: source.kind as Content['kind'], body: source.body, forwardedFrom };
  if (source.attachments) Object.assign(base, { attachments: source.attachments.map((a) => ({ ...a })) });
  if (source.voice) Object.assign(base, { voice: source.voice });
  if (source.location) Object.assign(base, { location: { ...source.location, liveUntil: null } });
  if (source.poll)
    Object.assign(base, {
      poll: { ...source.poll, options: source.poll.options.map((o) => ({ ...o, userIds: [] })), closesAt: null, closedAt: null },
    });
  return base;
}

/** `POST /api/v1/messages/:id/forward` (issue 37). */
export class ForwardService {
  constructor(
    private readonly membership: MembershipCache,
    private readonly blocks: Pick<BlockService, 'assertMaySend'>,
    private readonly messages: Pick<MessageService, 'sendOrHold' | 'readMessage'>,
    private readonly store: Store,
  ) {}

  /**
   * Copies a message I can read into conversations I can post in, each after my comment (when
   * given). Every target is checked before anything is sent, so a refused one sends nothing:
   * 404 for a conversation I am not in, 409 `blocked` for a DM with a block either way, 400
   * `encrypted_conversation` for an encrypted target or an encrypted message (its text is only on
   * the members' devices: a client forwards it by sending it again).
   * Each copy and comment passes the spam screen as a send does (issue 40): one it holds for
   * review is in `held`, not in `messages`, and reaches nobody until an admin releases it.
   */
  async forward(
    userId: string,
    messageId: string,
    conversationIds: readonly string[],
    comment?: string,
  ): Promise<{ messages: Message[]; held: HeldMessage[] }> {
    const source = await this.messages.readMessage(messageId);
    if (!source || !(await this.membership.members(source.conversationId)).has(userId)) throw notFound('Message');
    if (source.deletedAt !== null) throw new AppError('conflict', 'The message was deleted');
    if (source.kind === 'system') throw invalid('A system message cannot be forwarded');
    if (source.kind === 'encrypted')
      throw new AppError(
        'encrypted_conversation',
        'An end-to-end encrypted message cannot be forwarded by the server: send it again from a device',
      );
    for (const id of conversationIds) {
      await this.membership.requireRole(id, userId);
      await this.blocks.assertMaySend(userId, id);
      await refuseIfEncrypted(this.store, id, 'A forwarded copy');
    }
    const content = copyContent(source);
    const origin = content.forwardedFrom!.conversationId;
    const originKnown = (await this.membership.members(origin)).has(userId);
    const batch = newId();
    const views: Message[] = [];
    const held: HeldMessage[] = [];
    for (const [i, conversationId] of conversationIds.entries()) {
      if (comment !== undefined) {
        const sent = await this.messages.sendOrHold(userId, conversationId, { clientId: `fwd-${batch}-${i}-c`, body: comment });
        if ('held' in sent) held.push(heldView(sent.held));
        else views.push(sent.message);
      }
      const sent = await this.messages.sendOrHold(userId, conversationId, { clientId: `fwd-${batch}-${i}` }, content);
      if ('held' in sent) {
        held.push(heldView(sent.held));
        continue;
      }
      const { message } = sent;
      // The send's view is the one every member shares (no source named); mine names it when I am a member there.
      views.push(
        originKnown && message.forwardedFrom
          ? { ...message, forwardedFrom: { ...message.forwardedFrom, conversationId: origin } }
          : message,
      );
    }
    return { messages: views, held };
  }
}
