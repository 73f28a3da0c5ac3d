import { useApp } from '../../state/AppContext.js';
import { type PendingMessage, isEditable } from '../../state/outbox.js';
import { PersonName } from '../../components/PersonName.js';
import { RichText } from '../../components/RichText.js';

/** One of my messages the server has not stored yet: "Sending…", or why it failed with Retry (when another try may work), Edit (back into the composer) and Discard. */
export function PendingRow({ pending }: { pending: PendingMessage }) {
  const { me, outbox } = useApp();
  return (
    <article className="message pending" tabIndex={-1} data-mine="true" data-status={pending.status}>
      <header className="message-meta">
        <PersonName user={me} />
        <span className="message-status">{pending.status === 'failed' ? 'Not sent' : 'Sending…'}</span>
      </header>
      {pending.body !== undefined && <RichText text={pending.body} />}
      {pending.status === 'failed' && (
        <p className="error">
          {pending.error} {/* Refused for good (too long, not allowed): sending it again would fail again, so Edit instead. */}
          {!pending.permanent && (
            <>
              <button type="button" onClick={() => outbox.retry(pending.clientId)}>
                Retry
              </button>{' '}
            </>
          )}
          {isEditable(pending) && (
            <>
              <button type="button" onClick={() => outbox.edit(pending.clientId)}>
                Edit
              </button>{' '}
            </>
          )}
          <button type="button" onClick={() => outbox.discard(pending.clientId)}>
            Discard
          </button>
        </p>
      )}
    </article>
  );
}
