import { PersonName } from '../../components/PersonName.js';
import { Reply } from 'lucide-react';
import {
  type ComposerContext,
  type MessageContext,
  composerAddons,
  composerDraftLinks,
  messageActions,
  messageAddons,
} from '../messages/extensions.js';
import { jumpToMessage } from '../search/jump.js';
import { UNREADABLE_EXCERPT } from '../encryption/unreadable.js';
import { replyDraft, useReplyDraft } from './reply-draft.js';
import { useLiveQuote } from './live-quotes.js';

/**
 * Replies that quote: "Reply" on a message puts it above the composer ("Replying to …", Esc or
 * Cancel drops it), the next message sent carries its `replyToId`, and the reply shows the
 * quote (sender and excerpt, as the server keeps it current: empty once the original is deleted; an
 * edit or delete of the original while the reply is on screen shows at once, `live-quotes.ts`).
 */
messageActions.push({
  id: 'reply',
  label: 'Reply',
  icon: Reply,
  placement: 'bar',
  available: (c) => c.message.deletedAt === null && c.message.kind !== 'system' && c.message.threadRootId === null,
  run: (c) => {
    replyDraft.set_(c.conversation.id, c.message);
    document.querySelector<HTMLTextAreaElement>('.composer textarea')?.focus();
  },
});

composerDraftLinks.push({
  links: (conversationId) => {
    const message = replyDraft.get(conversationId);
    return message ? { replyToId: message.id } : undefined;
  },
  sent: (conversationId) => replyDraft.set_(conversationId, null),
});

composerAddons.push({ id: 'reply', component: ReplyingTo });

messageAddons.push({ id: 'quote', placement: 'before-body', component: Quote });

function ReplyingTo({ composer }: { composer: ComposerContext }) {
  const message = useReplyDraft(composer.conversation.id);
  if (!message) return null;
  return (
    <div className="replying-to" role="group" aria-label="Replying to">
      <span>
        Replying to <PersonName userId={message.senderId} />:{' '}
        <bdi className="excerpt">{(message.body ?? '').slice(0, 100) || 'a message'}</bdi>
      </span>
      <button
        type="button"
        onClick={() => replyDraft.set_(composer.conversation.id, null)}
        onKeyDown={(e) => e.key === 'Escape' && replyDraft.set_(composer.conversation.id, null)}
      >
        Cancel reply
      </button>
    </div>
  );
}

function Quote({ context }: { context: MessageContext }) {
  const quoted = useLiveQuote(context.services.connection, context.message.replyTo);
  if (!quoted || context.message.deletedAt !== null) return null;
  const show = async () => {
    const original = await context.services.client.messages.get(quoted.id);
    await jumpToMessage(context.conversation.id, original.seq);
  };
  return (
    <blockquote className="quote">
      <button type="button" className="quote-link" onClick={() => void show()} title="Show the quoted message">
        <PersonName userId={quoted.senderId} />
      </button>
      <bdi className="excerpt">
        {quoted.deleted
          ? 'Deleted message'
          : // The SDK fills an encrypted quote's excerpt from this device's decrypted text; none, it cannot read it.
            context.conversation.encrypted && quoted.excerpt === ''
            ? UNREADABLE_EXCERPT
            : quoted.excerpt}
      </bdi>
    </blockquote>
  );
}
