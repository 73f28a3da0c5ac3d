import { useEffect, useState } from 'react';
import type { ScheduledMessage } from '@confab/protocol';
import { useApp } from '../../state/AppContext.js';

/**
 * My pending scheduled messages (issue 37), soonest first, kept current by my devices' events:
 * `scheduled.updated` (made or changed anywhere) and `scheduled.removed` (sent, deleted, failed).
 */
/** A schedule that could not be sent at its time, as `scheduled.removed` said. */
export interface ScheduledFailure {
  conversationId: string;
  message: string;
}

export function useScheduled(): { items: ScheduledMessage[]; failed: ScheduledFailure | null } {
  const { client, connection } = useApp();
  const [items, setItems] = useState<ScheduledMessage[]>([]);
  const [failed, setFailed] = useState<ScheduledFailure | null>(null);
  useEffect(() => {
    let live = true;
    // The list is read once, then changed by each event as it comes (they carry the schedule), so
    // what is shown, and what "Send now" sends, is the newest text at once. Reading the list again
    // on each event left the old text in place until that read answered, and "Send now" in that
    // moment sent the old text (a browser test caught it, 2026-11-27); two reads could also answer
    // out of order. Events heard before the first read answered are applied on top of it.
    let loaded = false;
    const early: ((list: ScheduledMessage[]) => ScheduledMessage[])[] = [];
    const change = (apply: (list: ScheduledMessage[]) => ScheduledMessage[]) => {
      if (!live) return;
      if (loaded) setItems(apply);
      else early.push(apply);
    };
    const settle = (all: ScheduledMessage[]) => {
      if (!live) return;
      loaded = true;
      setItems(early.splice(0).reduce((list, apply) => apply(list), all));
    };
    void client.scheduled.all().then(settle, () => settle([]));
    const stops = [
      connection.on('scheduled.updated', ({ scheduled }) => change((list) => upsert(list, scheduled))),
      connection.on('scheduled.removed', (event) => {
        if (event.reason === 'failed' && live)
          setFailed({ conversationId: event.conversationId, message: event.error?.message ?? 'It could not be sent' });
        change((list) => list.filter((s) => s.id !== event.scheduledId));
      }),
    ];
    return () => {
      live = false;
      for (const stop of stops) stop();
    };
  }, [client, connection]);
  return { items, failed };
}

/** The list with `scheduled` in it (replacing its earlier version), soonest first as the server lists them. */
export function upsert(list: readonly ScheduledMessage[], scheduled: ScheduledMessage): ScheduledMessage[] {
  return [...list.filter((s) => s.id !== scheduled.id), scheduled].sort(
    (a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The next `weekday` (0 Sunday … 6 Saturday; today's counts only if still before `hour`) at `hour`:00, local time. */
export function nextAt(now: Date, hour: number, weekday?: number): Date {
  const at = new Date(now);
  at.setHours(hour, 0, 0, 0);
  if (weekday === undefined) {
    at.setDate(at.getDate() + 1);
    return at;
  }
  let days = (weekday - now.getDay() + 7) % 7;
  if (days === 0 && at <= now) days = 7;
  at.setDate(at.getDate() + days);
  return at;
}

/** A `datetime-local` input's value for a time (local, to the minute). */
export function localInputValue(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
