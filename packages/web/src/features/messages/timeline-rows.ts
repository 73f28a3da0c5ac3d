import type { Message } from '@confab/protocol';
import type { PendingMessage } from '../../state/outbox.js';
import { formatDay } from '../../components/time.js';

/** One row of the timeline: a stored message or one of mine still pending, with what goes above it. */
export type TimelineRow =
  | { kind: 'message'; key: string; message: Message; day: string | null; newDivider: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; day: string | null; newDivider: false };

/**
 * The rows in order: a date separator above the first message of each day, the "new messages"
 * divider above the first message from someone else after `dividerAfterSeq` (my read marker as
 * it was when I opened the conversation, or null for none), then my pending messages.
 */
export function timelineRows(
  messages: readonly Message[],
  pending: readonly PendingMessage[],
  me: string,
  dividerAfterSeq: number | null,
  now: Date = new Date(),
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let lastDay: string | null = null;
  let dividerPlaced = dividerAfterSeq === null;
  // The calendar day from the Date's fields (cheap); the text is formatted only when it changes,
  // so ten thousand rows cost ten thousand Date parses, not ten thousand Intl calls.
  let lastKey = -1;
  const dayOf = (iso: string) => {
    const date = new Date(iso);
    const key = date.getFullYear() * 10_000 + date.getMonth() * 100 + date.getDate();
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
    rows.push({ kind: 'message', key: message.id, message, day: dayOf(message.createdAt), newDivider });
  }
  for (const p of pending)
    rows.push({ kind: 'pending', key: `pending:${p.clientId}`, pending: p, day: dayOf(p.createdAt), newDivider: false });
  return rows;
}
