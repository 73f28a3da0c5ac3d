import { refuseIfEncrypted } from '../encryption/mls-delivery.js';
import Type from 'typebox';
import type { PageQuery, ScheduledMessage, ScheduledPage, SendMessageBody, UpdateScheduledBody } from '@confab/protocol';
import { AppError, detail, invalid, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { CursorFields, decodeCursor, encodeCursor } from '../../infra/cursor.js';
import type { ScheduledRecord, Store } from '../../store/store.js';
import type { BlockService } from '../conversations/block-service.js';
import type { MembershipCache } from '../conversations/membership.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { scheduledRemoved, scheduledUpdated } from '../events/event-drafts.js';
import { SCHEDULED_CLIENT_ID_PREFIX, validateBody } from '../messaging/message-rules.js';
import type { RateLimitService } from '../rate-limits.js';
import { scheduledView } from '../views.js';
import { scheduleTime, scheduledContent } from './schedule-rules.js';

export interface SchedulingLimits {
  /** The soonest a message may be scheduled for, ms ahead (SCHEDULED_MIN_LEAD_MS; a minute). */
  scheduledMinLeadMs: number;
  maxMessageLength: number;
  messagesPageSize: number;
}

/**
 * Scheduled send (issue 37): a message of mine stored now and sent at its time by whichever
 * node's dispatcher claims it (scheduled-dispatcher.ts). What I can schedule is checked now as
 * a send would be (member, not blocked, a text message, its reply or thread in this
 * conversation), and again at sending. Every change is an event in my private stream, so my
 * other devices' lists follow.
 */
export class ScheduledService {
  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    private readonly blocks: BlockService,
    private readonly events: Pick<EventPublisher, 'publish'>,
    private readonly rateLimits: Pick<RateLimitService, 'consume'>,
    private readonly limits: SchedulingLimits,
    /** The clock the time rules read (tests may move it). */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Schedules `body` (a send's body with `scheduledAt`). Idempotent by `clientId`: a repeat
   * answers the same schedule; the key reused for another conversation or text is 409
   * `idempotency_conflict`, as a send's is.
   */
  async schedule(userId: string, conversationId: string, body: SendMessageBody & { scheduledAt: string }): Promise<ScheduledMessage> {
    await this.rateLimits.consume('sendUser', userId, { userId });
    const now = this.now();
    await refuseIfEncrypted(this.store, conversationId, 'A scheduled message');
    const content = scheduledContent(body);
    validateBody(content.body, this.limits.maxMessageLength);
    const scheduledAt = scheduleTime(body.scheduledAt, now, this.limits.scheduledMinLeadMs);
    await this.membership.requireRole(conversationId, userId);
    await this.blocks.assertMaySend(userId, conversationId);
    await this.assertLinks(conversationId, content.replyToId, content.threadRootId);
    const { scheduled, created, events } = await this.store.scheduled.createScheduled(
      { id: newId(), userId, conversationId, clientId: body.clientId, ...content, scheduledAt, createdAt: now },
      scheduledUpdated,
    );
    await this.events.publish(events);
    if (!created && (scheduled.conversationId !== conversationId || scheduled.body !== content.body))
      throw new AppError('idempotency_conflict', 'This clientId was already used to schedule another message');
    return scheduledView(scheduled);
  }

  /** My pending schedules, soonest first. */
  async list(userId: string, query: PageQuery): Promise<ScheduledPage> {
    const limit = query.limit ?? this.limits.messagesPageSize;
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ScheduledKey);
    const rows = await this.store.scheduled.listScheduled(userId, { limit: limit + 1, ...(after ? { after } : {}) });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(scheduledView),
      nextCursor: rows.length > limit && last ? encodeCursor({ scheduledAt: last.scheduledAt, id: last.id }) : null,
    };
  }

  /** Changes the text and/or time of a pending schedule of mine; 404 for anyone else's, 409 while it is being sent. */
  async update(userId: string, id: string, patch: UpdateScheduledBody): Promise<ScheduledMessage> {
    const now = this.now();
    if (patch.body !== undefined) validateBody(patch.body, this.limits.maxMessageLength);
    const scheduledAt = patch.scheduledAt === undefined ? undefined : scheduleTime(patch.scheduledAt, now, this.limits.scheduledMinLeadMs);
    const { scheduled, busy, events } = await this.store.scheduled.updateScheduled(
      id,
      userId,
      { ...(patch.body === undefined ? {} : { body: patch.body }), ...(scheduledAt === undefined ? {} : { scheduledAt }) },
      now,
      scheduledUpdated,
    );
    if (busy) throw beingSent();
    if (!scheduled) throw notFound('Scheduled message');
    await this.events.publish(events);
    return scheduledView(scheduled);
  }

  /** Deletes a pending schedule of mine; 404 for anyone else's, 409 while it is being sent. */
  async remove(userId: string, id: string): Promise<void> {
    const { deleted, busy, events } = await this.store.scheduled.deleteScheduled(id, userId, this.now(), scheduledRemoved);
    if (busy) throw beingSent();
    if (!deleted) throw notFound('Scheduled message');
    await this.events.publish(events);
  }

  /** A reply quotes, and a thread reply hangs under a top-level message, of this conversation (as a send checks). */
  private async assertLinks(conversationId: string, replyToId: string | null, threadRootId: string | null): Promise<void> {
    for (const [field, id] of [
      ['replyToId', replyToId],
      ['threadRootId', threadRootId],
    ] as const) {
      if (id === null) continue;
      const message = await this.store.messages.getMessage(id);
      if (!message || message.conversationId !== conversationId)
        throw invalid(`${field} must name a message of this conversation`, [detail(`/${field}`, 'no such message in this conversation')]);
      if (field === 'threadRootId' && message.threadRootId !== null)
        throw invalid('A thread root is a top-level message, not a thread reply', [detail('/threadRootId', 'must be a top-level message')]);
    }
  }
}

const beingSent = () => new AppError('conflict', 'This scheduled message is being sent now');

/** A decoded cursor of this list: the last item's (time, id). */
const ScheduledKey = Type.Object({ scheduledAt: CursorFields.integer, id: CursorFields.id }, { additionalProperties: false });

/** The clientId a schedule is sent with: the same on every attempt, so a send repeated after a crash is stored once. */
export const sendClientId = (scheduled: Pick<ScheduledRecord, 'id'>): string => `${SCHEDULED_CLIENT_ID_PREFIX}${scheduled.id}`;
