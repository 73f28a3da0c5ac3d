import type { Draft, StoredEvent } from '../store.js';

/**
 * `store.scheduled`: messages scheduled to be sent later (issue 37). Each change a user makes, and
 * each schedule's end, is logged in the user's private stream in the same transaction. The
 * dispatcher claims due rows under a lease, as the notification outbox's rows are claimed.
 */
export interface ScheduledStore {
  /**
   * Stores a schedule and logs `announce(schedule)`. A (user, clientId) stored before answers
   * that schedule, whatever its state, with `created` false and nothing logged.
   */
  createScheduled(
    record: NewScheduled,
    announce: Draft<ScheduledRecord>,
  ): Promise<{ scheduled: ScheduledRecord; created: boolean; events: StoredEvent[] }>;
  getScheduled(id: string): Promise<ScheduledRecord | undefined>;
  /** A user's pending schedules, soonest first, after `after` (the last of the previous page). */
  listScheduled(userId: string, page: { limit: number; after?: ScheduledPageKey }): Promise<ScheduledRecord[]>;
  /**
   * Changes a pending schedule of `userId` that no live claim holds (one being sent is not
   * changed: `busy`) and logs `announce(schedule)`. Undefined scheduled: no such pending schedule of theirs.
   */
  updateScheduled(
    id: string,
    userId: string,
    patch: ScheduledPatch,
    now: number,
    announce: Draft<ScheduledRecord>,
  ): Promise<{ scheduled?: ScheduledRecord; busy: boolean; events: StoredEvent[] }>;
  /** Deletes a pending schedule of `userId` that no live claim holds, logging `announce`; as updateScheduled. */
  deleteScheduled(
    id: string,
    userId: string,
    now: number,
    announce: Draft<ScheduledEnd>,
  ): Promise<{ deleted: boolean; busy: boolean; events: StoredEvent[] }>;
  /**
   * Claims up to `limit` pending schedules due at `now` and not held by a live lease, soonest
   * first: each is held under `token` until `now + leaseMs` and its attempt counted. Several
   * nodes claiming at once never get the same row.
   */
  claimScheduled(now: number, claim: { token: string; leaseMs: number; limit: number }): Promise<ScheduledRecord[]>;
  /**
   * Ends a schedule `token` still holds: `sent` (with the message) or `failed`, logging
   * `announce`. False (nothing logged) when the claim no longer holds it.
   */
  finishScheduled(
    end: ScheduledEnd,
    token: string,
    now: number,
    announce: Draft<ScheduledEnd>,
  ): Promise<{ finished: boolean; events: StoredEvent[] }>;
  /** Lets a claimed schedule go until `until` (a retry after a passing failure). False when `token` no longer holds it. */
  deferScheduled(id: string, token: string, until: number): Promise<boolean>;
}

/** A schedule as stored. Times are epoch ms. */
export interface ScheduledRecord {
  id: string;
  userId: string;
  conversationId: string;
  clientId: string;
  body: string;
  replyToId: string | null;
  threadRootId: string | null;
  scheduledAt: number;
  createdAt: number;
  status: 'pending' | 'sent' | 'failed';
  /** The message it became, once sent. */
  messageId: string | null;
  /** Claims made, the one just made included. */
  attempts: number;
}

export type NewScheduled = Omit<ScheduledRecord, 'status' | 'messageId' | 'attempts'>;
export type ScheduledPatch = Partial<Pick<ScheduledRecord, 'body' | 'scheduledAt'>>;
export interface ScheduledPageKey {
  scheduledAt: number;
  id: string;
}

/** How a schedule left its user's list, as `scheduled.removed` announces it. */
export interface ScheduledEnd {
  id: string;
  userId: string;
  conversationId: string;
  reason: 'sent' | 'deleted' | 'failed';
  messageId: string | null;
  error: { code: string; message: string } | null;
}
