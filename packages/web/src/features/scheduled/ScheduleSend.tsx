import { useState } from 'react';
import { Link } from 'wouter';
import { CalendarClock, ChevronDown } from 'lucide-react';
import type { ConversationSummary } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { Dialog } from '../../components/ui/Dialog.js';
import { Menu } from '../../components/ui/Menu.js';
import { useApp } from '../../state/AppContext.js';
import { localInputValue, nextAt, useScheduled } from './useScheduled.js';
import './scheduled.css';

/**
 * "Schedule send" (issue 37): the menu beside Send, and the dialog that picks when — tomorrow at
 * 9:00, Monday at 9:00, or any date and time — then schedules what is typed (`onScheduled`
 * clears the field).
 */
export function ScheduleSendMenu({
  conversation,
  text,
  onScheduled,
}: {
  conversation: ConversationSummary;
  text: string;
  onScheduled(): void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Menu
        label="Send options"
        trigger={
          <button type="button" className="icon-button composer-send-menu" aria-label="Send options">
            <ChevronDown size={16} aria-hidden="true" />
          </button>
        }
        items={[
          {
            id: 'schedule',
            label: 'Schedule send…',
            icon: <CalendarClock size={16} />,
            disabled: text.trim() === '',
            onSelect: () => setOpen(true),
          },
        ]}
      />
      {open && <ScheduleDialog conversation={conversation} text={text} onClose={() => setOpen(false)} onScheduled={onScheduled} />}
    </>
  );
}

/** The dialog; `at` prefills the date and time (a reply chip's "Schedule for …"), else tomorrow 9:00. */
export function ScheduleDialog({
  conversation,
  text,
  at,
  onClose,
  onScheduled,
}: {
  conversation: ConversationSummary;
  text: string;
  at?: Date;
  onClose(): void;
  onScheduled(): void;
}) {
  const { client } = useApp();
  const [now] = useState(() => new Date());
  const [custom, setCustom] = useState(() => localInputValue(at ?? nextAt(now, 9)));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const schedule = async (at: Date) => {
    setBusy(true);
    try {
      await client.scheduled.schedule(conversation.id, text, at);
      onScheduled();
      onClose();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  };
  const quick = [
    { label: 'Tomorrow 9:00', at: nextAt(now, 9) },
    { label: 'Monday 9:00', at: nextAt(now, 9, 1) },
  ];
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title="Schedule send" className="schedule-dialog">
      <div className="schedule-choices">
        {quick.map(({ label, at }) => (
          <button key={label} type="button" disabled={busy} onClick={() => void schedule(at)}>
            <span>{label}</span>
            <time dateTime={at.toISOString()}>{at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>
          </button>
        ))}
      </div>
      <form
        className="schedule-custom"
        onSubmit={(event) => {
          event.preventDefault();
          void schedule(new Date(custom));
        }}
      >
        <label>
          Date and time
          <input type="datetime-local" value={custom} min={localInputValue(now)} onChange={(e) => setCustom(e.target.value)} required />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Schedule
        </button>
      </form>
      {error && <p role="alert">{error}</p>}
    </Dialog>
  );
}

/** "1 scheduled message" above the composer, linking to the list, while this conversation has some. */
export function ScheduledHint({ conversationId }: { conversationId: string }) {
  const { items, failed } = useScheduled();
  const count = items.filter((s) => s.conversationId === conversationId).length;
  const failedHere = failed?.conversationId === conversationId ? failed.message : null;
  if (count === 0 && failedHere === null) return null;
  return (
    <p className="scheduled-hint">
      <CalendarClock size={14} aria-hidden="true" />
      {count > 0 && <Link href="/scheduled">{count === 1 ? '1 scheduled message' : `${count} scheduled messages`}</Link>}
      {failedHere !== null && <span role="status">A scheduled message was not sent: {failedHere}</span>}
    </p>
  );
}
