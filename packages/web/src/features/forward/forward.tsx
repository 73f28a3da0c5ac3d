import { Forward } from 'lucide-react';
import { type FormEvent, useState, useSyncExternalStore } from 'react';
import { MAX_FORWARD_TARGETS } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { describeError } from '../../components/errors.js';
import { Dialog } from '../../components/ui/Dialog.js';
import { ConversationTitle } from '../conversations/ConversationTitle.js';
import { type MessageContext, messageActions, messageAddons } from '../messages/extensions.js';
import { messageDialogSlot } from '../messages/message-dialog.js';
import './forward.css';

/**
 * Forwarding (issue 37): "Forward…" in a message's menu opens a picker of my conversations and
 * an optional comment; the server copies the message into each one chosen. Into an encrypted
 * conversation, or from one, the SDK makes the copy in this browser (issue 39), and a message of an
 * encrypted conversation can go only into encrypted ones: the picker offers only those, and says
 * why. A forwarded message says so above its body, naming who wrote it.
 */

const dialog = messageDialogSlot();

messageActions.push({
  id: 'forward',
  label: 'Forward…',
  icon: Forward,
  // A message this browser cannot read (sent before it joined) has nothing to forward.
  available: (c) =>
    c.message.deletedAt === null && c.message.kind !== 'system' && !(c.message.kind === 'encrypted' && c.message.body === undefined),
  run: (c) => dialog.open(c.message.id),
});
messageAddons.push({ id: 'forward-dialog', component: ForwardDialog });
messageAddons.push({ id: 'forwarded-from', placement: 'before-body', component: ForwardedLabel });

/** "Forwarded from Bob" above a copy's body. */
function ForwardedLabel({ context: { message } }: { context: MessageContext }) {
  if (!message.forwardedFrom || message.deletedAt !== null) return null;
  return (
    <p className="forwarded-label">
      <Forward size={12} aria-hidden="true" /> Forwarded from <PersonName userId={message.forwardedFrom.senderId} />
    </p>
  );
}

function ForwardDialog({ context }: { context: MessageContext }) {
  const open = dialog.useIsOpen(context.message.id);
  return open ? <ForwardForm context={context} /> : null;
}

function ForwardForm({ context }: { context: MessageContext }) {
  const { services, message } = context;
  const list = useSyncExternalStore(services.conversations.subscribe, services.conversations.getSnapshot);
  // From an encrypted conversation only into encrypted ones: a plain one would put the copy on the server in clear.
  const sealed = context.conversation.encrypted === true;
  const targets = sealed ? list.conversations.filter((c) => c.encrypted) : list.conversations;
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
          {sealed && (
            <p className="hint">From an encrypted conversation, only into encrypted ones: the copy is encrypted in this browser.</p>
          )}
          <ul className="forward-targets">
            {targets.map((c) => (
              <li key={c.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={chosen.includes(c.id)}
                    disabled={!chosen.includes(c.id) && chosen.length >= MAX_FORWARD_TARGETS}
                    onChange={() => toggle(c.id)}
                  />{' '}
                  <ConversationTitle conversation={c} />
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
