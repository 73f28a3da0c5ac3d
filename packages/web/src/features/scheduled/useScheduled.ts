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
    const reload = () =>
      void client.scheduled.all().then(
        (all) => live && setItems(all),
        () => undefined,
      );
    reload();
    const stops = [
      connection.on('scheduled.updated', reload),
      connection.on('scheduled.removed', (event) => {
        if (event.reason === 'failed' && live)
          setFailed({ conversationId: event.conversationId, message: event.error?.message ?? 'It could not be sent' });
        reload();
      }),
    ];
    return () => {
      live = false;
      for (const stop of stops) stop();
    };
  }, [client, connection]);
  return { items, failed };
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
