import { memo } from 'react';
import { Avatar } from '../../components/Avatar.js';
import { PersonName } from '../../components/PersonName.js';
import { ProfileTrigger } from '../profile/ProfileTrigger.js';
import { RichText } from '../../components/RichText.js';
import { formatTime } from '../../components/time.js';
import { MessageActionBar } from './MessageActionBar.js';
import { MessageStatus } from './MessageStatus.js';
import { SystemNotice } from './SystemNotice.js';
import type { Receipts } from '../../state/receipts-store.js';
import { type MessageContext, messageActions, messageAddons, messageBodies, offeredIn } from './extensions.js';

/**
 * One message: the sender's avatar, name and time (or, continuing a group of one person's
 * messages, only the body, with the time in the gutter on hover), the body, what the features add
 * (extensions.ts: add-ons before and after the body, a body of its own for a non-text kind) and
 * the action bar shown on hover or focus. My messages show their delivery state from `receipts`.
 * A message that mentions me is highlighted.
 *
 * Memoised: a row renders again only when its context (the message, or what the conversation
 * lets me do), its grouping or, for my messages, the receipts change. Every prop is therefore a
 * value or a kept object, never an element made anew by the parent on each render.
 */
export const MessageRow = memo(function MessageRow({
  context,
  receipts,
  showSeenBy = false,
  continued = false,
}: {
  context: MessageContext;
  /** For my messages: who received and read what, shown as the message's status. */
  receipts?: Receipts | undefined;
  /** "Seen by …" under my last message in a group. */
  showSeenBy?: boolean;
  /** Follows a message of the same person within a few minutes (timeline-rows.ts). */
  continued?: boolean;
}) {
  const { message } = context;
  if (message.kind === 'system') return <SystemNotice message={message} />;
  const Body = messageBodies[message.kind];
  const actions = offeredIn(context.conversation, messageActions).filter((action) => action.available(context));
  const mentionsMe = message.deletedAt === null && message.mentions.includes(context.services.me.id);
  return (
    <article
      className="message"
      // Focused by the timeline's arrow keys (timeline-keys.ts), not by Tab: one stop for the list, not one per message.
      tabIndex={-1}
      data-mine={context.mine ? 'true' : 'false'}
      data-seq={message.seq}
      data-continued={continued ? 'true' : 'false'}
      data-mentions-me={mentionsMe ? 'true' : undefined}
    >
      <div className="message-gutter">
        {continued ? (
          <time className="message-gutter-time" dateTime={message.createdAt} aria-hidden="true">
            {formatTime(message.createdAt)}
          </time>
        ) : (
          <ProfileTrigger userId={message.senderId} keyboard={false}>
            <Avatar userId={message.senderId} />
          </ProfileTrigger>
        )}
      </div>
      <div className="message-main">
        {/* In a continued row the name and time are still read out, just not shown. */}
        <header className="message-meta">
          <ProfileTrigger userId={message.senderId}>
            <PersonName userId={message.senderId} />
          </ProfileTrigger>
          <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
          {receipts && context.mine && (
            <MessageStatus seq={message.seq} receipts={receipts} me={context.services.me.id} showSeenBy={showSeenBy} />
          )}
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
          <RichText text={message.body ?? ''} />
        )}
        {messageAddons
          .filter((addon) => addon.placement !== 'before-body')
          .map(({ id, component: Addon }) => (
            <Addon key={id} context={context} />
          ))}
      </div>
      {actions.length > 0 && <MessageActionBar context={context} actions={actions} />}
    </article>
  );
});
