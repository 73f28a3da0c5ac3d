import { useEffect, useSyncExternalStore } from 'react';
import { Link } from 'wouter';
import { navigate } from 'wouter/use-browser-location';
import type { Notification } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { useAction } from '../../components/useAction.js';
import { formatListTime } from '../../components/time.js';
import { topbarItems, signedInRoutes } from '../../app/routes.js';
import { type AppServices, useApp } from '../../state/AppContext.js';
import { ConversationTitle } from '../conversations/ConversationTitle.js';
import { jumpToMessage } from '../search/jump.js';
import { NotificationStore } from './notification-store.js';
import { Bell } from 'lucide-react';

/**
 * Notifications: the top bar's "Notifications" link with my unread count, and the page at
 * /notifications listing them newest first (mentions, replies, thread replies, reactions,
 * being added to a group). Opening one marks it read and jumps to its message; "Mark all read".
 */
const stores = new WeakMap<AppServices['connection'], NotificationStore>();
function useNotifications() {
  const { client, connection } = useApp();
  let store = stores.get(connection);
  if (!store) {
    store = new NotificationStore(client, connection);
    stores.set(connection, store);
    store.start();
  }
  return { store, state: useSyncExternalStore(store.subscribe, store.getSnapshot) };
}

topbarItems.push({ id: 'notifications', component: NotificationsLink });
signedInRoutes.splice(signedInRoutes.length, 0, { path: '/notifications', component: NotificationsPage, hidesListOnPhone: true });

function NotificationsLink() {
  const { state } = useNotifications();
  return (
    <Link
      href="/notifications"
      className="notifications-link"
      aria-label={state.unreadCount > 0 ? `Notifications, ${state.unreadCount} unread` : 'Notifications'}
    >
      <Bell aria-hidden="true" size={18} />
      {state.unreadCount > 0 && (
        <span className="badge" aria-hidden="true">
          {state.unreadCount}
        </span>
      )}
    </Link>
  );
}

const what: Record<Notification['kind'], string> = {
  mention: 'mentioned you',
  reply: 'replied to you',
  thread_reply: 'replied in a thread',
  reaction: 'reacted to your message',
  added_to_conversation: 'added you',
};

function NotificationsPage() {
  const { store, state } = useNotifications();
  const markAll = useAction(() => store.markRead('all'));
  useEffect(() => {
    document.title = 'Notifications · Confab';
  }, []);
  return (
    <section className="page notifications-page" aria-labelledby="notifications-title">
      <header className="page-header">
        <h2 id="notifications-title">Notifications</h2>
        <button type="button" disabled={state.unreadCount === 0 || markAll.busy} onClick={() => void markAll.run()}>
          Mark all read
        </button>
      </header>
      {!state.loaded ? (
        <p role="status">Loading…</p>
      ) : state.items.length === 0 ? (
        <p className="hint">Nothing yet: mentions, replies and reactions to your messages show here.</p>
      ) : (
        <ul className="notification-list">
          {state.items.map((n) => (
            <NotificationItem key={n.id} notification={n} store={store} />
          ))}
        </ul>
      )}
      {state.hasMore && (
        <button type="button" onClick={() => void store.loadMore()}>
          Show older
        </button>
      )}
    </section>
  );
}

function NotificationItem({ notification: n, store }: { notification: Notification; store: NotificationStore }) {
  const { conversations, client } = useApp();
  const conversation = conversations.find(n.conversationId);
  const open = async () => {
    if (n.readAt === null) await store.markRead([n.id]);
    if (!n.messageId) return navigate(`/c/${n.conversationId}`);
    const message = await client.messages.get(n.messageId);
    if (message.threadRootId) return navigate(`/c/${n.conversationId}/thread/${message.threadRootId}`);
    await jumpToMessage(n.conversationId, message.seq);
  };
  return (
    <li className="notification" data-unread={n.readAt === null ? 'true' : 'false'}>
      <button type="button" className="panel-item" onClick={() => void open()}>
        <span>
          <PersonName userId={n.actorId} /> {what[n.kind]}
          {conversation && (
            <>
              {' '}
              in <ConversationTitle conversation={conversation} />
            </>
          )}
        </span>
        <time dateTime={n.createdAt}>{formatListTime(n.createdAt)}</time>
        {n.readAt === null && <span className="visually-hidden"> (unread)</span>}
      </button>
    </li>
  );
}
