import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ErrorCode } from '@confab/protocol';
import { AppError } from '../../errors.js';
import type { ScheduledEnd, ScheduledRecord, Store } from '../../store/store.js';
import type { AccountStates } from '../accounts/account-states.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { scheduledRemoved } from '../events/event-drafts.js';
import type { MessageService } from '../messaging/message-service.js';
import { sendClientId } from './scheduled-service.js';

export interface ScheduledDispatcherOptions {
  /** How often the node looks for due schedules (SCHEDULED_POLL_INTERVAL_MS): a message goes out within this of its time. */
  pollIntervalMs: number;
  /** Most schedules one node sends at once. */
  concurrency?: number;
}

/**
 * Refusals at sending that will not change by trying again: the schedule is dropped and I am told
 * (`scheduled.removed`, reason `failed`). No longer a member (or the conversation is gone), a
 * block or a deactivated account on either side, a reply's message gone.
 */
const REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'not_found',
  'forbidden',
  'blocked',
  'user_deactivated',
  'account_deactivated',
  'validation_failed',
]);
/** Claims of one schedule before a passing failure (the store unreachable) counts as for good. */
const MAX_ATTEMPTS = 10;
/** How long a claim holds a schedule: far past a send's time, so a live node never loses one it is sending. */
const LEASE_MS = 30_000;
const RETRY_MS = 2000;

/**
 * Sends scheduled messages at their time (issue 37). Every node runs one: it claims due rows under
 * a lease (its token, as the notification outbox's dispatcher does: outbox-dispatcher.ts), sends
 * each through the normal send path as its author — membership, blocks and deactivation checked
 * again there — then marks it sent or failed. The send's clientId comes from the schedule's id, so
 * a node that dies after sending but before marking leaves a row whose next claim (once the lease
 * passes) finds the message stored and sends nothing twice.
 */
export class ScheduledDispatcher {
  private readonly token = randomBytes(12).toString('base64url');
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly messages: Pick<MessageService, 'sendOrHold'>,
    private readonly accounts: Pick<AccountStates, 'isDeactivated'>,
    private readonly events: Pick<EventPublisher, 'publish'>,
    private readonly options: ScheduledDispatcherOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.concurrency = options.concurrency ?? 64;
  }

  start(): void {
    this.stopped = false;
    this.schedulePoll(0);
  }

  /** Stops claiming; resolves once the sends in flight have settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedulePoll(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => {
        this.running = undefined;
      });
    }, delay);
    this.timer.unref();
  }

  /** Claims what is due and sends it, batch after batch while batches come full, then waits a poll interval. */
  private async poll(): Promise<void> {
    let full = false;
    try {
      const claimed = await this.store.scheduled.claimScheduled(this.now(), {
        token: this.token,
        leaseMs: LEASE_MS,
        limit: this.concurrency,
      });
      full = claimed.length === this.concurrency;
      await Promise.all(claimed.map((s) => this.dispatch(s)));
    } catch (error) {
      // The store is unreachable: the rows stay, and the next poll tries again.
      this.logger.warn({ err: error }, 'scheduled: could not claim due messages');
    }
    this.schedulePoll(full ? 0 : this.options.pollIntervalMs);
  }

  private async dispatch(scheduled: ScheduledRecord): Promise<void> {
    try {
      await this.finish(scheduled, await this.attempt(scheduled));
    } catch (error) {
      this.logger.warn({ err: error, scheduled: scheduled.id }, 'scheduled: could not settle a scheduled message');
    }
  }

  /** What sending came to: sent, refused for good, or (undefined) deferred for another attempt. */
  private async attempt(scheduled: ScheduledRecord): Promise<Pick<ScheduledEnd, 'reason' | 'messageId' | 'error'> | undefined> {
    try {
      if (await this.accounts.isDeactivated(scheduled.userId))
        throw new AppError('account_deactivated', 'Your account is deactivated: it sends nothing');
      // Through the spam screen as a send now would be (issue 40): held, it is done here and
      // waits for an admin; released, it arrives with the id it was given (`messageId`).
      const sent = await this.messages.sendOrHold(
        scheduled.userId,
        scheduled.conversationId,
        {
          clientId: sendClientId(scheduled),
          body: scheduled.body,
          ...(scheduled.replyToId === null ? {} : { replyToId: scheduled.replyToId }),
          ...(scheduled.threadRootId === null ? {} : { threadRootId: scheduled.threadRootId }),
        },
        undefined,
        false,
      );
      return { reason: 'sent', messageId: 'held' in sent ? sent.held.id : sent.message.id, error: null };
    } catch (error) {
      // Sent before, then the message was edited (a node died between sending and marking): it was sent.
      if (error instanceof AppError && error.code === 'idempotency_conflict') return { reason: 'sent', messageId: null, error: null };
      if (error instanceof AppError && REFUSALS.has(error.code))
        return { reason: 'failed', messageId: null, error: { code: error.code, message: error.message } };
      if (scheduled.attempts >= MAX_ATTEMPTS) {
        this.logger.error({ err: error, scheduled: scheduled.id }, 'scheduled: a message failed every attempt and is dropped');
        return { reason: 'failed', messageId: null, error: { code: 'unavailable', message: 'It could not be sent' } };
      }
      this.logger.warn({ err: error, scheduled: scheduled.id }, 'scheduled: sending failed; it will be retried');
      await this.store.scheduled.deferScheduled(scheduled.id, this.token, this.now() + RETRY_MS);
      return undefined;
    }
  }

  private async finish(scheduled: ScheduledRecord, outcome: Pick<ScheduledEnd, 'reason' | 'messageId' | 'error'> | undefined) {
    if (!outcome) return;
    const end: ScheduledEnd = { id: scheduled.id, userId: scheduled.userId, conversationId: scheduled.conversationId, ...outcome };
    const { events } = await this.store.scheduled.finishScheduled(end, this.token, this.now(), scheduledRemoved);
    await this.events.publish(events);
  }
}
