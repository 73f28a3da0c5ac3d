import { memo } from 'react';
import { PersonName } from '../../components/PersonName.js';
import { RichText } from '../../components/RichText.js';
import { formatTime } from '../../components/time.js';
import { SystemNotice } from './SystemNotice.js';
import { type MessageContext, messageActions, messageAddons, messageBodies } from './extensions.js';

/**
 * One message: who sent it (display name and username), when, its body, then whatever the
 * features add (extensions.ts): add-ons before and after the body, a body of its own for a
 * non-text kind, and the actions menu. `status` is the row's delivery state for my messages.
 */
export const MessageRow = memo(function MessageRow({ context, status }: { context: MessageContext; status?: React.ReactNode }) {
  const { message } = context;
  if (message.kind === 'system') return <SystemNotice message={message} />;
  const Body = messageBodies[message.kind];
  const actions = messageActions.filter((action) => action.available(context));
  return (
    <article className="message" data-mine={context.mine ? 'true' : 'false'} data-seq={message.seq}>
      <header className="message-meta">
        <PersonName userId={message.senderId} />
        <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
        {status}
      </header>
      {messageAddons
        .filter((addon) => addon.placement === 'before-body')
        .map(({ id, component: Addon }) => (
          <Addon key={id} context={context} />
        ))}
      {message.deletedAt !== null ? (
        <p className="message-deleted">This message was deleted.</p>
      ) : Body ? (
        <Body context={context} />
      ) : (
        <RichText text={message.body} />
      )}
      {messageAddons
        .filter((addon) => addon.placement !== 'before-body')
        .map(({ id, component: Addon }) => (
          <Addon key={id} context={context} />
        ))}
      {actions.length > 0 && (
        <div className="message-actions" role="group" aria-label="Message actions">
          {actions.map((action) => (
            <button key={action.id} type="button" onClick={() => void action.run(context)}>
              {typeof action.label === 'string' ? action.label : action.label(context)}
            </button>
          ))}
        </div>
      )}
    </article>
  );
});
