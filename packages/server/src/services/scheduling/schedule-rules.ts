import { MAX_SCHEDULE_AHEAD_MS, type SendMessageBody } from '@confab/protocol';
import { AppError, detail, invalid } from '../../errors.js';

/**
 * The rules of a schedule that need no store (issue 37), pure so they are tested alone
 * (schedule-rules.test.ts): when a message may be scheduled for, and what may be scheduled.
 */

/**
 * The time `scheduledAt` (ISO, as the schema checked it) names, when it is at least `minLeadMs`
 * after `now` and at most a year after it; else 400 `schedule_out_of_range` naming the window.
 * Detail paths point into the send's payload (the REST handler puts them under `/body`).
 */
export function scheduleTime(scheduledAt: string, now: number, minLeadMs: number): number {
  const at = Date.parse(scheduledAt);
  const earliest = now + minLeadMs;
  const latest = now + MAX_SCHEDULE_AHEAD_MS;
  if (Number.isNaN(at) || at < earliest || at > latest) {
    throw new AppError('schedule_out_of_range', `A message can be scheduled from ${Math.round(minLeadMs / 1000)} seconds to a year ahead`, [
      detail('/scheduledAt', 'outside the window a message may be scheduled in', {
        earliest: new Date(earliest).toISOString(),
        latest: new Date(latest).toISOString(),
      }),
    ]);
  }
  return at;
}

/** The send fields a schedule keeps: a text message, maybe a reply or a thread reply. */
export interface ScheduledContent {
  body: string;
  replyToId: string | null;
  threadRootId: string | null;
}

/**
 * What of a send can be scheduled: a text message only. Files are refused (an upload no message
 * links is swept after UPLOAD_ORPHAN_TTL_SECONDS, so it may be gone at the time), and so are
 * locations and polls (a live location or a poll's closing time is relative to when it is sent).
 */
export function scheduledContent(body: SendMessageBody): ScheduledContent {
  const refused = (['attachmentIds', 'voice', 'location', 'poll'] as const).filter((field) => body[field] !== undefined);
  if (body.kind !== undefined && body.kind !== 'text') refused.unshift('kind' as never);
  if (refused.length > 0)
    throw invalid(
      'Only a text message can be scheduled',
      refused.map((field) => detail(`/${field}`, 'cannot be scheduled: only a text message can')),
    );
  if (body.body === undefined) throw invalid('A text message needs a body', [detail('/body', 'is required for a text message')]);
  return { body: body.body, replyToId: body.replyToId ?? null, threadRootId: body.threadRootId ?? null };
}
