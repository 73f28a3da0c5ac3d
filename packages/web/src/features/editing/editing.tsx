import { type KeyboardEvent, useId, useState } from 'react';
import { Pencil, Trash2 } from 'lucide-react';
import { useAction } from '../../components/useAction.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { type MessageContext, messageActions, messageAddons } from '../messages/extensions.js';
import { rowMode, useRowMode } from '../row-mode.js';
import { EditedControl } from './VersionHistory.js';
import { LengthCounter, useLengthLimit } from '../messages/LengthLimit.js';
import type { AppServices } from '../../state/AppContext.js';

/**
 * Edit and delete. Edit: my own text messages (encrypted ones too), in place (Enter saves, Shift+Enter a new line,
 * Esc cancels); "(edited)" shows on the row afterwards and opens the earlier versions. Delete: mine, or anyone's as a group's
 * owner or admin, after the confirmation dialog; the tombstone replaces it for everyone.
 */
const live = (c: MessageContext) => c.message.deletedAt === null && c.message.kind !== 'system';
const canModerate = (c: MessageContext) => c.conversation.kind === 'group' && c.conversation.myRole !== 'member';

messageActions.push(
  {
    id: 'edit',
    label: 'Edit',
    icon: Pencil,
    // In an encrypted conversation the new text goes inside an MLS message (issue 39 part 5).
    available: (c) => c.mine && live(c) && (c.message.kind === 'text' || (c.message.kind === 'encrypted' && c.message.body !== undefined)),
    run: (c) => rowMode.toggle(c.message.id, 'edit'),
  },
  {
    id: 'delete',
    label: 'Delete',
    icon: Trash2,
    available: (c) => live(c) && (c.mine || canModerate(c)),
    run: (c) => rowMode.toggle(c.message.id, 'delete'),
  },
);

messageAddons.push({ id: 'editing', component: RowForms });

/**
 * ↑ in an empty composer (Slack, Element): opens the edit form of my latest text message in the
 * conversation's main timeline. It is looked up in the newest page, which the timeline shows too.
 * Resolves false when there is none there to edit.
 */
export async function editMyLastMessage(services: AppServices, conversationId: string): Promise<boolean> {
  const page = await services.client.history(conversationId, { limit: 20 });
  const last = page.items.find(
    (m) => m.senderId === services.me.id && m.kind === 'text' && m.deletedAt === null && m.threadRootId === null,
  );
  if (!last) return false;
  rowMode.open(last.id, 'edit');
  return true;
}

function RowForms({ context }: { context: MessageContext }) {
  const mode = useRowMode(context.message.id);
  const edited = context.message.editedAt !== null && context.message.deletedAt === null;
  return (
    <>
      {/* The server keeps no earlier versions of an encrypted message: "(edited)" says so, and opens nothing. */}
      {edited && (context.conversation.encrypted ? <span className="hint">(edited)</span> : <EditedControl context={context} />)}
      {mode === 'edit' && <EditForm context={context} />}
      {mode === 'delete' && <DeleteConfirmation context={context} />}
    </>
  );
}

function EditForm({ context }: { context: MessageContext }) {
  const { message, services } = context;
  const [text, setText] = useState(message.body ?? '');
  const id = useId();
  const counterId = useId();
  const measured = useLengthLimit(text); // issue 35 item 5: the instance's limit, before the server says it
  const save = useAction(async () => {
    if (measured.over) return;
    if (text.trim() !== '' && text !== message.body) {
      if (context.conversation.encrypted) await services.client.editEncrypted(context.conversation.id, message.id, text);
      else await services.client.messages.edit(message.id, text);
    }
    rowMode.close();
  });
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      rowMode.close();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void save.run();
    }
  };
  return (
    <form
      className="row-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <label htmlFor={id}>Edit message</label>
      <textarea
        id={id}
        dir="auto"
        value={text}
        autoFocus
        aria-invalid={measured.over || undefined}
        aria-describedby={measured.near ? counterId : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <LengthCounter measured={measured} id={counterId} />
      {save.error && (
        <p className="error" role="alert">
          {save.error}
        </p>
      )}
      <div className="row-form-buttons">
        <button type="submit" className="primary" disabled={save.busy || measured.over}>
          Save
        </button>
        <button type="button" onClick={() => rowMode.close()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Asks in the shared dialog (issue 36 item 10), naming what happens: gone for everyone, for good. */
function DeleteConfirmation({ context }: { context: MessageContext }) {
  const remove = useAction(async () => {
    await context.services.client.messages.delete(context.message.id);
    rowMode.close();
  });
  const others = context.conversation.kind === 'direct' ? 'the other person' : 'everyone in this conversation';
  return (
    <ConfirmDialog
      title="Delete this message for everyone?"
      confirmLabel="Delete for everyone"
      cancelLabel="Keep it"
      busy={remove.busy}
      error={remove.error}
      onConfirm={() => void remove.run()}
      onCancel={() => rowMode.close()}
    >
      <p>It disappears for {others}, with its reactions and attachments; quotes of it show “Deleted message”. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
