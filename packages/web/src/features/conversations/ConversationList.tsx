import type { ConversationSummary, Message } from '@confab/protocol';
import { Archive, ArchiveRestore, BellOff, MoreHorizontal, Star, StarOff } from 'lucide-react';
import { type KeyboardEvent, memo, useState } from 'react';
import { Link, useRoute } from 'wouter';
import { useApp, useConversationList, usePerson, usePresence, useTyping } from '../../state/AppContext.js';
import { formatListTime } from '../../components/time.js';
import { Avatar } from '../../components/Avatar.js';
import { avatarColourOf } from '../../components/avatar-initials.js';
import { Menu } from '../../components/ui/Menu.js';
import { useDraft } from '../composer/drafts.js';
import { ConversationTitle } from './ConversationTitle.js';
import { useDecryptedBefore } from '../encryption/decrypted-before.js';
import { GlobalSearch } from '../search/GlobalSearch.js';
import { type ShortcutId, shortcutFor } from '../keyboard/shortcuts.js';

/**
 * My conversations, kept live by the conversation store: starred on top, then the rest most
 * recently active first, and the archived in a collapsed section at the bottom (a new message
 * brings one back, as the server decides).
 */
export function ConversationList() {
  const { loaded, conversations } = useConversationList();
  const [, params] = useRoute('/c/:conversationId/*?');
  const [showArchived, setShowArchived] = useState(false);
  const live = conversations.filter((c) => !c.archived);
  const starred = live.filter((c) => c.starred);
  const others = live.filter((c) => !c.starred);
  const archived = conversations.filter((c) => c.archived);
  const item = (c: ConversationSummary) => <ConversationItem key={c.id} conversation={c} current={params?.conversationId === c.id} />;
  return (
    // ↑/↓/Home/End move focus between the conversations shown (starred, the rest, the archived
    // when open) as one list; Tab still leaves it, Enter opens the focused one (it is a link).
    <div className="conversation-list-keys" onKeyDown={moveFocusInList}>
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
          <>
            {starred.length > 0 && (
              <section aria-labelledby="list-starred">
                <h3 className="list-section" id="list-starred">
                  Starred
                </h3>
                <ul className="conversation-list">{starred.map(item)}</ul>
              </section>
            )}
            <section aria-label={starred.length > 0 ? 'Conversations' : undefined}>
              {starred.length > 0 && others.length > 0 && (
                <h3 className="list-section" aria-hidden="true">
                  Conversations
                </h3>
              )}
              <ul className="conversation-list">{others.map(item)}</ul>
            </section>
            {archived.length > 0 && (
              <section>
                <h3 className="list-section">
                  <button
                    type="button"
                    className="list-section-toggle"
                    aria-expanded={showArchived}
                    onClick={() => setShowArchived((v) => !v)}
                  >
                    Archived ({archived.length})
                  </button>
                </h3>
                {showArchived && <ul className="conversation-list archived">{archived.map(item)}</ul>}
              </section>
            )}
          </>
        )}
      </GlobalSearch>
    </div>
  );
}

function moveFocusInList(event: KeyboardEvent<HTMLElement>): void {
  const from = event.target;
  if (!(from instanceof HTMLElement) || !from.classList.contains('conversation-item')) return;
  const id = shortcutFor('list', event);
  if (id === null) return;
  const items = [...event.currentTarget.querySelectorAll<HTMLElement>('a.conversation-item')];
  const at = items.indexOf(from);
  const moves: Partial<Record<ShortcutId, number>> = {
    'list-previous': at - 1,
    'list-next': at + 1,
    'list-first': 0,
    'list-last': items.length - 1,
  };
  const to = moves[id];
  const target = to === undefined ? undefined : items[to];
  if (!target) return;
  event.preventDefault();
  target.focus();
}

const ConversationItem = memo(function ConversationItem({
  conversation: c,
  current,
}: {
  conversation: ConversationSummary;
  current: boolean;
}) {
  const { conversations } = useApp();
  const draft = useDraft(c.id);
  const typing = useTyping(c.id);
  // Muted: no unread count (it still counts), only mentions show, as Slack and Element do.
  const showUnread = c.unreadCount > 0 && !c.muted;
  return (
    <li className="conversation-row" data-muted={c.muted ? 'true' : undefined} data-unread={showUnread ? 'true' : undefined}>
      <Link href={`/c/${c.id}`} className="conversation-item" aria-current={current ? 'page' : undefined}>
        <span className="conversation-avatar">
          {c.kind === 'direct' ? <Avatar userId={c.peerId} /> : <GroupAvatar title={c.title} id={c.id} />}
          {c.kind === 'direct' && <PresenceDot userId={c.peerId} />}
        </span>
        <span className="conversation-title">
          <ConversationTitle conversation={c} />
          {c.muted && (
            <span className="muted-icon" title="Muted">
              <BellOff size={14} aria-hidden="true" />
              <span className="visually-hidden"> (muted)</span>
            </span>
          )}
        </span>
        <time className="conversation-time" dateTime={c.lastActivityAt}>
          {formatListTime(c.lastActivityAt)}
        </time>
        <span className="conversation-preview">
          {typing.length > 0 ? (
            <TypingHint userIds={typing} />
          ) : draft && !current ? (
            <>
              <span className="draft-label">Draft:</span> <bdi>{draft.replace(/\s+/g, ' ').slice(0, 80)}</bdi>
            </>
          ) : c.lastMessage ? (
            <Preview message={c.lastMessage} group={c.kind === 'group'} />
          ) : (
            'No messages yet'
          )}
        </span>
        <span className="badges">
          {c.mentionCount > 0 && (
            <span className="badge mention" title={`${c.mentionCount} mentioning you`}>
              @<span className="visually-hidden"> {c.mentionCount} mentioning you</span>
            </span>
          )}
          {/* Thread read state (issue 35 item 2): followed threads with replies I have not read. */}
          {c.unreadThreads > 0 && !c.muted && (
            <span className="badge thread-unread" title={`${c.unreadThreads} followed threads with new replies`}>
              {c.unreadThreads}
              <span className="visually-hidden"> threads with new replies</span>
            </span>
          )}
          {showUnread && (
            <span className="badge unread">
              {c.unreadCount}
              <span className="visually-hidden"> unread</span>
            </span>
          )}
        </span>
      </Link>
      <Menu
        label="Conversation options"
        items={[
          {
            id: 'star',
            label: c.starred ? 'Unstar' : 'Star',
            icon: c.starred ? <StarOff size={16} /> : <Star size={16} />,
            onSelect: () => void conversations.setStarred(c.id, !c.starred),
          },
          {
            id: 'archive',
            label: c.archived ? 'Unarchive' : 'Archive',
            icon: c.archived ? <ArchiveRestore size={16} /> : <Archive size={16} />,
            onSelect: () => void conversations.setArchived(c.id, !c.archived),
          },
        ]}
        trigger={
          <button type="button" className="conversation-more" aria-label="More options">
            <MoreHorizontal size={16} aria-hidden="true" />
          </button>
        }
      />
    </li>
  );
});

/** A group has no picture: its title's initials on a colour of its own (Avatar's look). */
export function GroupAvatar({ title, id }: { title: string | null; id: string }) {
  const initials = (title ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join('');
  return (
    <span className="avatar" data-size="md" data-group="true" style={{ background: avatarColourOf(id) }} aria-hidden="true">
      {initials || '#'}
    </span>
  );
}

function TypingHint({ userIds }: { userIds: readonly string[] }) {
  const first = usePerson(userIds[0]);
  const name = first?.displayName ?? 'Someone';
  return (
    <em className="typing-hint">{userIds.length > 1 ? `${name} and ${userIds.length - 1} more are typing…` : `${name} is typing…`}</em>
  );
}

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
  // An encrypted last message this browser read before shows its text, also after a reload.
  const readBefore = useDecryptedBefore(message);
  return (
    <>
      {sender && <bdi>{sender.displayName}: </bdi>}
      <bdi>{previewOf(readBefore === undefined ? message : { ...message, body: readBefore })}</bdi>
    </>
  );
}

export function previewOf(message: Message): string {
  if (message.deletedAt !== null) return 'Message deleted';
  if (message.kind === 'system') return 'Membership changed';
  if (message.kind === 'location') return 'Shared a location';
  if (message.kind === 'voice') return 'Voice message';
  // An MLS message not decrypted here: the list's snapshot comes undecrypted, and it may be one
  // sent before this device joined. Said neutrally: neither an empty line nor a claim to read it.
  if (message.kind === 'encrypted' && message.body === undefined) return 'Encrypted message';
  const line = (message.body ?? '').replace(/\s+/g, ' ').trim();
  // Decrypted files without a caption: nothing more to say without reading the files' names.
  if (line === '' && message.kind === 'encrypted') return 'Encrypted message';
  if (line === '' && message.kind === 'attachment') return 'Attachment';
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
