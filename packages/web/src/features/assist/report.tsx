import { Flag } from 'lucide-react';
import { type FormEvent, useId, useState } from 'react';
import type { ReportReason } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { Dialog } from '../../components/ui/Dialog.js';
import { type MessageContext, messageActions, messageAddons } from '../messages/extensions.js';
import { messageDialogSlot } from '../messages/message-dialog.js';

/**
 * "Report…" in the message menu (issue 40): a dialog with the reason (spam, abuse, other) and an
 * optional note, sent to the instance's admins (POST /api/v1/messages/:id/report). A message of an
 * end-to-end encrypted conversation (issue 39) is ciphertext to the admins: the dialog offers to
 * share the text this browser decrypted (on by default, and says the admins cannot check it).
 */

const dialog = messageDialogSlot();

const REASONS: { value: ReportReason; label: string }[] = [
  { value: 'spam', label: 'Spam' },
  { value: 'abuse', label: 'Abuse or harassment' },
  { value: 'other', label: 'Something else' },
];

messageActions.push({
  id: 'report',
  label: 'Report…',
  icon: Flag,
  available: (c) => !c.mine && c.message.deletedAt === null && c.message.kind !== 'system',
  run: (c) => dialog.open(c.message.id),
});
messageAddons.push({ id: 'report-dialog', component: ReportDialog });

function ReportDialog({ context }: { context: MessageContext }) {
  const open = dialog.useIsOpen(context.message.id);
  return open ? <ReportForm context={context} /> : null;
}

function ReportForm({ context }: { context: MessageContext }) {
  const [reason, setReason] = useState<ReportReason>('spam');
  const [note, setNote] = useState('');
  // An encrypted message this browser decrypted: its text can go with the report (the admins cannot read it otherwise).
  const readable = context.message.kind === 'encrypted' && context.message.body !== undefined && context.message.body.trim() !== '';
  const [share, setShare] = useState(true);
  const hintId = useId();
  const [state, setState] = useState<'editing' | 'sending' | 'sent'>('editing');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setState('sending');
    try {
      await context.services.client.assist.report(context.message.id, {
        reason,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(readable && share ? { sharedText: context.message.body } : {}),
      });
      setState('sent');
    } catch (e) {
      setError(describeError(e));
      setState('editing');
    }
  }

  return (
    <Dialog open onOpenChange={(open) => !open && dialog.close()} title="Report message">
      {state === 'sent' ? (
        <div className="report-form">
          <p role="status">Thank you. The administrators will review it.</p>
          <div className="dialog-actions">
            <button type="button" onClick={() => dialog.close()}>
              Done
            </button>
          </div>
        </div>
      ) : (
        <form className="report-form" onSubmit={submit}>
          <fieldset>
            <legend>Why are you reporting it?</legend>
            {REASONS.map((r) => (
              <label key={r.value}>
                <input type="radio" name="report-reason" value={r.value} checked={reason === r.value} onChange={() => setReason(r.value)} />{' '}
                {r.label}
              </label>
            ))}
          </fieldset>
          <label>
            Note for the administrators (optional)
            <input type="text" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          {readable && (
            <div className="report-share">
              <label>
                <input type="checkbox" checked={share} aria-describedby={hintId} onChange={(e) => setShare(e.target.checked)} /> Share the
                message’s text with the administrators
              </label>
              <p id={hintId} className="hint">
                This conversation is end-to-end encrypted: the administrators can read the message only if you share it, and cannot check
                that it is what was sent.
              </p>
            </div>
          )}
          {error && <p role="alert">{error}</p>}
          <div className="dialog-actions">
            <button type="button" onClick={() => dialog.close()}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={state === 'sending'}>
              Report
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
