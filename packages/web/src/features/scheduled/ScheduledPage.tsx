import { useState } from 'react';
import { Link } from 'wouter';
import { Pencil, Send, Trash2 } from 'lucide-react';
import type { ScheduledMessage } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { IconButton } from '../../components/ui/IconButton.js';
import { useApp, useConversationList } from '../../state/AppContext.js';
import { localInputValue, useScheduled } from './useScheduled.js';
import './scheduled.css';

/**
 * My scheduled messages (issue 37), soonest first, across conversations: change the text or the
 * time, send now, or delete. The list follows my other devices through their events.
 */
export function ScheduledPage() {
  const { items, failed } = useScheduled();
  return (
    <section className="scheduled-page" aria-labelledby="scheduled-title">
      <h1 id="scheduled-title">Scheduled messages</h1>
      {failed && <p role="status">A scheduled message was not sent: {failed.message}</p>}
      {items.length === 0 && <p>Nothing scheduled. Use “Schedule send…” in the menu beside Send.</p>}
      <ul className="scheduled-list">
        {items.map((s) => (
          <ScheduledItem key={s.id} scheduled={s} />
        ))}
      </ul>
    </section>
  );
}

function ScheduledItem({ scheduled }: { scheduled: ScheduledMessage }) {
  const { client, outbox } = useApp();
  const list = useConversationList();
  const title = list.conversations.find((c) => c.id === scheduled.conversationId)?.title ?? 'Conversation';
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(scheduled.body);
  const [at, setAt] = useState(() => localInputValue(new Date(scheduled.scheduledAt)));
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  const sendNow = () =>
    run(async () => {
      // Deleted first: if it is being sent right now, the delete is refused and nothing is sent twice.
      await client.scheduled.delete(scheduled.id);
      outbox.send(scheduled.conversationId, scheduled.body, {
        ...(scheduled.replyToId === null ? {} : { replyToId: scheduled.replyToId }),
        ...(scheduled.threadRootId === null ? {} : { threadRootId: scheduled.threadRootId }),
      });
    });
  return (
    <li className="scheduled-item">
      <div className="scheduled-meta">
        <Link href={`/c/${scheduled.conversationId}`}>{title}</Link>
        <time dateTime={scheduled.scheduledAt}>
          {new Date(scheduled.scheduledAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
        </time>
      </div>
      {editing ? (
        <form
          className="scheduled-edit"
          onSubmit={(event) => {
            event.preventDefault();
            void run(async () => {
              await client.scheduled.update(scheduled.id, { body, scheduledAt: new Date(at).toISOString() });
              setEditing(false);
            });
          }}
        >
          <label>
            Text
            <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={2} required />
          </label>
          <label>
            Date and time
            <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} required />
          </label>
          <div className="scheduled-edit-actions">
            <button type="submit" className="primary">
              Save
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <p className="scheduled-body">{scheduled.body}</p>
      )}
      <div className="scheduled-actions">
        <IconButton label="Edit" icon={<Pencil size={16} aria-hidden="true" />} onClick={() => setEditing(true)} />
        <IconButton label="Send now" icon={<Send size={16} aria-hidden="true" />} onClick={() => void sendNow()} />
        <IconButton
          label="Delete"
          icon={<Trash2 size={16} aria-hidden="true" />}
          onClick={() => void run(() => client.scheduled.delete(scheduled.id))}
        />
      </div>
      {error && <p role="alert">{error}</p>}
    </li>
  );
}
