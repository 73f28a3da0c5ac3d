import type { Receipts } from '../../state/receipts-store.js';
import { seenBy, tickFor } from '../../state/receipts-store.js';
import { PersonName } from '../../components/PersonName.js';

const TICKS = { sent: '✓', delivered: '✓✓', read: '✓✓' } as const;
const LABELS = { sent: 'Sent', delivered: 'Delivered', read: 'Read' } as const;

/**
 * The state of one of my messages: sent, delivered (to a device of someone else), read; in a
 * group, who has seen it. Text says it; the ticks only decorate.
 */
export function MessageStatus({ seq, receipts, me, showSeenBy }: { seq: number; receipts: Receipts; me: string; showSeenBy: boolean }) {
  const tick = tickFor(seq, receipts, me);
  const seen = showSeenBy ? seenBy(seq, receipts, me) : [];
  return (
    <span className="message-status" data-tick={tick}>
      <span aria-hidden="true" className="ticks">
        {TICKS[tick]}
      </span>{' '}
      <span className="tick-label">{LABELS[tick]}</span>
      {seen.length > 0 && (
        <span className="seen-by">
          {' · Seen by '}
          {seen.map((userId, i) => (
            <span key={userId}>
              {i > 0 && ', '}
              <PersonName userId={userId} />
            </span>
          ))}
        </span>
      )}
    </span>
  );
}
