import { useEffect, useId, useState } from 'react';
import type { MessageVersion } from '@confab/protocol';
import { RichText } from '../../components/RichText.js';
import { describeError } from '../../components/errors.js';
import type { MessageContext } from '../messages/extensions.js';

/**
 * "(edited)" on an edited message, as a button that opens its earlier versions (the SDK's
 * `messages.versions`: each earlier body and when an edit replaced it, oldest first). Read
 * again when the message is edited while open.
 */
export function EditedControl({ context }: { context: MessageContext }) {
  const { message, services } = context;
  const [open, setOpen] = useState(false);
  const [versions, setVersions] = useState<MessageVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  useEffect(() => {
    if (!open) return;
    let current = true;
    services.client.messages.versions(message.id).then(
      (list) => current && (setVersions(list.items), setError(null)),
      (caught: unknown) => current && setError(describeError(caught)),
    );
    return () => {
      current = false;
    };
  }, [open, services.client, message.id, message.editedAt]);
  return (
    <>
      <button
        type="button"
        className="message-edited link-button"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        title={`Edited ${new Date(message.editedAt!).toLocaleString()}: show earlier versions`}
        onClick={() => setOpen(!open)}
      >
        (edited)
      </button>
      {open && (
        <section id={listId} className="version-history" aria-label="Earlier versions">
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          {versions === null && !error && <p className="hint">Loading…</p>}
          {versions !== null && (
            <ol>
              {versions.map((version) => (
                <li key={version.editedAt}>
                  <span className="hint">
                    Replaced <time dateTime={version.editedAt}>{new Date(version.editedAt).toLocaleString()}</time>
                  </span>
                  <RichText text={version.body} />
                </li>
              ))}
            </ol>
          )}
          <button type="button" onClick={() => setOpen(false)}>
            Hide versions
          </button>
        </section>
      )}
    </>
  );
}
