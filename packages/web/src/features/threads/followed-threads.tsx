import { useEffect, useState } from 'react';
import { navigate } from 'wouter/use-browser-location';
import type { ConversationSummary, ThreadSummary } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { describeError } from '../../components/errors.js';
import { useApp } from '../../state/AppContext.js';
import { conversationHeaderActions, conversationPanels } from '../messages/extensions.js';
import { MessagesSquare } from 'lucide-react';

/**
 * Threads' read state (issue 35 item 2): the header's "Threads" button, with how many of the
 * threads I follow have replies I have not read, opens the Threads panel: my followed threads,
 * newest reply first, each with its unread count and a way into the thread.
 */
conversationHeaderActions.push({
  id: 'threads',
  label: ({ conversation: { unreadThreads } }) => (unreadThreads > 0 ? `Threads (${unreadThreads} with new replies)` : 'Threads'),
  icon: MessagesSquare,
  badge: (c) => c.conversation.unreadThreads,
  run: (c) => c.openPanel('threads'),
});

conversationPanels.push({ id: 'threads', title: 'Threads', component: FollowedThreadsPanel });

function FollowedThreadsPanel({ conversation }: { conversation: ConversationSummary }) {
  const { client, connection } = useApp();
  const [threads, setThreads] = useState<ThreadSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    const load = () =>
      client.messages.threads(conversation.id, { followed: true, limit: 100 }).then(
        (page) => current && setThreads(page.items),
        (caught: unknown) => current && setError(describeError(caught)),
      );
    void load();
    const mine = (event: { conversationId: string }) => {
      if (event.conversationId === conversation.id) void load();
    };
    const stops = [
      connection.on('message.created', ({ message }) => {
        if (message.conversationId === conversation.id && message.threadRootId !== null) void load();
      }),
      connection.on('thread.read', mine),
      connection.on('thread.updated', mine),
    ];
    return () => {
      current = false;
      for (const stop of stops) stop();
    };
  }, [client, connection, conversation.id]);
  if (error) return <p className="error">{error}</p>;
  if (threads === null) return <p role="status">Loading…</p>;
  if (threads.length === 0) return <p className="hint">You follow no thread here. Reply in one, or open it and follow it.</p>;
  return (
    <ul className="panel-list" aria-label="Followed threads">
      {threads.map((t) => (
        <li key={t.root.id}>
          <button
            type="button"
            className="panel-item"
            onClick={() => navigate(`/c/${conversation.id}/thread/${encodeURIComponent(t.root.id)}`)}
          >
            <PersonName userId={t.root.senderId} />
            <bdi className="excerpt">{(t.root.body ?? '').slice(0, 200) || `(${t.root.kind})`}</bdi>
            <span className="thread-counts">
              {t.replyCount === 1 ? '1 reply' : `${t.replyCount} replies`}
              {t.unreadCount > 0 && <span className="badge thread-unread">{t.unreadCount} new</span>}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
