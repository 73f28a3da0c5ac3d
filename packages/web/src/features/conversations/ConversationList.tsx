import type { ConversationSummary, Message } from '@confab/protocol';
import { memo } from 'react';
import { Link, useRoute } from 'wouter';
import { useConversationList, usePerson, usePresence } from '../../state/AppContext.js';
import { formatListTime } from '../../components/time.js';
import { ConversationTitle } from './ConversationTitle.js';
import { GlobalSearch } from '../search/GlobalSearch.js';

/** My conversations, most recently active first, kept live by the conversation store. */
export function ConversationList() {
  const { loaded, conversations } = useConversationList();
  const [, params] = useRoute('/c/:conversationId/*?');
  return (
    <>
      <div className="sidebar-head">
        <h2 className="sidebar-title">Conversations</h2>
        <Link href="/new/direct" className="button-link">
          New message
        </Link>
        <Link href="/new/group" className="button-link">
          New group
        </Link>
      </div>
      <GlobalSearch>
        {!loaded ? (
          <p className="list-status" role="status">
            Loading conversations…
          </p>
        ) : conversations.length === 0 ? (
          <p className="list-status">No conversations yet. Start one with “New message”.</p>
        ) : (
          <ul className="conversation-list">
            {conversations.map((c) => (
              <ConversationItem key={c.id} conversation={c} current={params?.conversationId === c.id} />
            ))}
          </ul>
        )}
      </GlobalSearch>
    </>
  );
}

const ConversationItem = memo(function ConversationItem({
  conversation: c,
  current,
}: {
  conversation: ConversationSummary;
  current: boolean;
}) {
  return (
    <li>
      <Link href={`/c/${c.id}`} className="conversation-item" aria-current={current ? 'page' : undefined}>
        <span className="conversation-title">
          {c.kind === 'direct' && <PresenceDot userId={c.peerId} />}
          <ConversationTitle conversation={c} />
        </span>
        <time className="conversation-time" dateTime={c.lastActivityAt}>
          {formatListTime(c.lastActivityAt)}
        </time>
        <span className="conversation-preview">
          {c.lastMessage ? <Preview message={c.lastMessage} group={c.kind === 'group'} /> : 'No messages yet'}
        </span>
        <span className="badges">
          {c.mentionCount > 0 && (
            <span className="badge mention" title={`${c.mentionCount} mentioning you`}>
              @<span className="visually-hidden"> {c.mentionCount} mentioning you</span>
            </span>
          )}
          {/* Thread read state (issue 35 item 2): followed threads with replies I have not read. */}
          {c.unreadThreads > 0 && (
            <span className="badge thread-unread" title={`${c.unreadThreads} followed threads with new replies`}>
              {c.unreadThreads}
              <span className="visually-hidden"> threads with new replies</span>
            </span>
          )}
          {c.unreadCount > 0 && (
            <span className="badge unread">
              {c.unreadCount}
              <span className="visually-hidden"> unread</span>
            </span>
          )}
        </span>
      </Link>
    </li>
  );
});

function PresenceDot({ userId }: { userId: string | null }) {
  const presence = usePresence(userId);
  const online = presence?.online === true;
  return (
    <span className="presence-dot" data-online={online ? 'true' : 'false'} title={online ? 'Online' : 'Offline'}>
      <span className="visually-hidden">{online ? 'Online: ' : 'Offline: '}</span>
    </span>
  );
}

/** The last message in a line: in a group, who wrote it; never markup, just the text. */
function Preview({ message, group }: { message: Message; group: boolean }) {
  const sender = usePerson(group && message.kind !== 'system' ? message.senderId : null);
  return (
    <>
      {sender && <bdi>{sender.displayName}: </bdi>}
      <bdi>{previewOf(message)}</bdi>
    </>
  );
}

export function previewOf(message: Message): string {
  if (message.deletedAt !== null) return 'Message deleted';
  if (message.kind === 'system') return 'Membership changed';
  if (message.kind === 'location') return 'Shared a location';
  if (message.kind === 'voice') return 'Voice message';
  const line = message.body.replace(/\s+/g, ' ').trim();
  if (line === '' && message.kind === 'attachment') return 'Attachment';
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
