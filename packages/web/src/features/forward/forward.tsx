import { Forward } from 'lucide-react';
import { type FormEvent, useState, useSyncExternalStore } from 'react';
import { MAX_FORWARD_TARGETS } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { Dialog } from '../../components/ui/Dialog.js';
import { type MessageContext, messageActions, messageAddons } from '../messages/extensions.js';
import { messageDialogSlot } from '../messages/message-dialog.js';
import './forward.css';

/**
 * Forwarding (issue 37): "Forward…" in a message's menu opens a picker of my conversations and
 * an optional comment; the server copies the message into each one chosen.
 */

const dialog = messageDialogSlot();

messageActions.push({
  id: 'forward',
  label: 'Forward…',
  icon: Forward,
  plainOnly: true,
  available: (c) => c.message.deletedAt === null && c.message.kind !== 'system',
  run: (c) => dialog.open(c.message.id),
});
messageAddons.push({ id: 'forward-dialog', component: ForwardDialog });

function ForwardDialog({ context }: { context: MessageContext }) {
  const open = dialog.useIsOpen(context.message.id);
  return open ? <ForwardForm context={context} /> : null;
}

function ForwardForm({ context }: { context: MessageContext }) {
  const { services, message } = context;
  const list = useSyncExternalStore(services.conversations.subscribe, services.conversations.getSnapshot);
  const [chosen, setChosen] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function toggle(id: string) {
    setChosen((before) => (before.includes(id) ? before.filter((c) => c !== id) : [...before, id]));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (chosen.length === 0) return;
    setBusy(true);
    try {
      await services.client.messages.forward(message.id, chosen, comment.trim() === '' ? undefined : comment.trim());
      dialog.close();
    } catch (e) {
      setError(describeError(e));
      setBusy(false);
    }
  }

  return (
    <Dialog open onOpenChange={(open) => !open && dialog.close()} title="Forward message">
      <form className="forward-form" onSubmit={submit}>
        <fieldset>
          <legend>{`Send to (up to ${MAX_FORWARD_TARGETS})`}</legend>
          <ul className="forward-targets">
            {list.conversations.map((c) => (
              <li key={c.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.includes(c.id)}
                    disabled={!chosen.includes(c.id) && chosen.length >= MAX_FORWARD_TARGETS}
                    onChange={() => toggle(c.id)}
                  />{' '}
                  {c.title ?? 'Direct conversation'}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <label>
          Comment (optional)
          <input value={comment} onChange={(e) => setComment(e.target.value)} />
        </label>
        {error && <p role="alert">{error}</p>}
        <button type="submit" className="primary" disabled={busy || chosen.length === 0}>
          Forward
        </button>
      </form>
    </Dialog>
  );
}
