import type { Message } from '@confab/protocol';
import type { PendingMessage } from '../../state/outbox.js';
import { formatDay } from '../../components/time.js';

/** One row of the timeline: a stored message or one of mine still pending, with what goes above it. */
export type TimelineRow =
  /** `continued`: follows a message of the same person within GROUP_WITHIN_MS, shown without avatar and name. */
  | { kind: 'message'; key: string; message: Message; day: string | null; newDivider: boolean; continued: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; day: string | null; newDivider: false }
  /** Messages folded away (from a person I block, in a group: issue 35), shown on request. */
  | { kind: 'folded'; key: string; messages: Message[]; day: string | null; newDivider: boolean };

/** Consecutive messages of one person this close together form one group under one avatar and name. */
export const GROUP_WITHIN_MS = 5 * 60_000;

/**
 * The rows in order: a date separator above the first message of each day, the "new messages"
 * divider above the first message from someone else after `dividerAfterSeq` (my read marker as
 * it was when I opened the conversation, or null for none), then my pending messages. Messages
 * `folded` says to fold become one row per run of them in a day ("2 messages from a blocked user").
 * A message continues the group of the one before it when the same person sent both within
 * GROUP_WITHIN_MS, on the same day, with no divider between.
 */
export function timelineRows(
  messages: readonly Message[],
  pending: readonly PendingMessage[],
  me: string,
  dividerAfterSeq: number | null,
  now: Date = new Date(),
  folded?: (message: Message) => boolean,
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let lastDay: string | null = null;
  let dividerPlaced = dividerAfterSeq === null;
  // The calendar day from the Date's fields, read once per message (rows are rebuilt on every
  // change); the text is formatted only when the day changes, not once per row.
  let lastKey = -1;
  const dayOf = (item: Message | PendingMessage) => {
    const iso = item.createdAt;
    const key = calendarDay(item);
    if (key === lastKey) return null;
    lastKey = key;
    const day = formatDay(iso, now);
    if (day === lastDay) return null;
    lastDay = day;
    return day;
  };
  for (const message of messages) {
    const newDivider = !dividerPlaced && message.seq > dividerAfterSeq! && message.senderId !== me;
    if (newDivider) dividerPlaced = true;
    const day = dayOf(message);
    if (folded?.(message)) {
      const last = rows.at(-1);
      if (last?.kind === 'folded' && day === null && !newDivider) last.messages.push(message);
      else rows.push({ kind: 'folded', key: `folded:${message.id}`, messages: [message], day, newDivider });
      continue;
    }
    const before = rows.at(-1);
    const continued =
      before?.kind === 'message' &&
      day === null &&
      !newDivider &&
      message.kind !== 'system' &&
      before.message.kind !== 'system' &&
      before.message.senderId === message.senderId &&
      Date.parse(message.createdAt) - Date.parse(before.message.createdAt) < GROUP_WITHIN_MS;
    rows.push({ kind: 'message', key: message.id, message, day, newDivider, continued });
  }
  for (const p of pending) rows.push({ kind: 'pending', key: `pending:${p.clientId}`, pending: p, day: dayOf(p), newDivider: false });
  return rows;
}

const calendarDays = new WeakMap<object, number>();

/** The local calendar day of a message's `createdAt` as one number, remembered per message object. */
function calendarDay(item: Message | PendingMessage): number {
  let key = calendarDays.get(item);
  if (key === undefined) {
    const date = new Date(item.createdAt);
    key = date.getFullYear() * 10_000 + date.getMonth() * 100 + date.getDate();
    calendarDays.set(item, key);
  }
  return key;
}
