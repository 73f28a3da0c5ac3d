import type { ConversationSummary } from '@confab/protocol';
import { Link, useRoute } from 'wouter';
import { PersonName } from '../../components/PersonName.js';
import { useConversationList } from '../../state/AppContext.js';
import { formatListTime } from '../../components/time.js';

/** My conversations, most recently active first, kept live by the conversation store. */
export function ConversationList() {
  const { loaded, conversations } = useConversationList();
  const [, params] = useRoute('/c/:conversationId');
  if (!loaded) return <p className="list-status">Loading conversations…</p>;
  return (
    <>
      <h2 className="sidebar-title">Conversations</h2>
      {conversations.length === 0 ? (
        <p className="list-status">No conversations yet.</p>
      ) : (
        <ul className="conversation-list">
          {conversations.map((c) => (
            <ConversationItem key={c.id} conversation={c} current={params?.conversationId === c.id} />
          ))}
        </ul>
      )}
    </>
  );
}

function ConversationItem({ conversation: c, current }: { conversation: ConversationSummary; current: boolean }) {
  return (
    <li>
      <Link href={`/c/${c.id}`} className="conversation-item" aria-current={current ? 'page' : undefined}>
        <span className="conversation-title">
          <ConversationTitle conversation={c} />
        </span>
        <time className="conversation-time" dateTime={c.lastActivityAt}>
          {formatListTime(c.lastActivityAt)}
        </time>
        <span className="conversation-preview" dir="auto">
          {c.lastMessage ? previewOf(c.lastMessage.body, c.lastMessage.deletedAt !== null) : 'No messages yet'}
        </span>
        {c.unreadCount > 0 && (
          <span className="badge unread" aria-label={`${c.unreadCount} unread`}>
            {c.unreadCount}
          </span>
        )}
      </Link>
    </li>
  );
}

/** A group's title, or the other person of a direct conversation (display name and username). */
export function ConversationTitle({ conversation }: { conversation: Pick<ConversationSummary, 'kind' | 'title' | 'peerId'> }) {
  if (conversation.kind === 'direct') return <PersonName userId={conversation.peerId} />;
  return <bdi>{conversation.title ?? 'Untitled group'}</bdi>;
}

function previewOf(body: string, deleted: boolean): string {
  if (deleted) return 'Message deleted';
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 80)}…` : line || 'Attachment';
}
