import { type FormEvent, useEffect, useId, useMemo, useState, useSyncExternalStore } from 'react';
import { MessageSquareText } from 'lucide-react';
import type { ConversationSummary, Message } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { useApp } from '../../state/AppContext.js';
import { MessageRow } from '../messages/MessageRow.js';
import { useLengthLimit } from '../messages/LengthLimit.js';
import { ComposerBox } from '../composer/ComposerBox.js';
import { type MessageContext, conversationPanels, messageActions, messageAddons } from '../messages/extensions.js';
import { ThreadStore } from './thread-store.js';

/**
 * Threads: "Reply in thread" on a top-level message, and "N replies" under a thread root, open
 * the thread panel: the root, its replies oldest first (live), and a composer of its own whose
 * messages carry `threadRootId`. Thread replies stay out of the main timeline (the server's rule).
 */
messageActions.push({
  id: 'thread',
  label: 'Reply in thread',
  icon: MessageSquareText,
  placement: 'bar',
  available: (c) => c.message.deletedAt === null && c.message.kind !== 'system' && c.message.threadRootId === null,
  run: (c) => c.openPanel('thread', c.message.id),
});

messageAddons.push({
  id: 'thread-summary',
  component: ({ context }) =>
    context.message.replyCount > 0 && context.message.threadRootId === null ? (
      <button type="button" className="thread-summary" onClick={() => context.openPanel('thread', context.message.id)}>
        {context.message.replyCount === 1 ? '1 reply' : `${context.message.replyCount} replies`}
      </button>
    ) : null,
});

conversationPanels.push({ id: 'thread', title: 'Thread', component: ThreadPanel });

function ThreadPanel({ conversation, arg, close }: { conversation: ConversationSummary; arg: string | undefined; close(): void }) {
  const services = useApp();
  const [store] = useState(() => (arg ? new ThreadStore(services.client, services.connection, arg, services.me.id) : null));
  useEffect(() => {
    store?.start();
    return () => store?.stop();
  }, [store]);
  const state = useSyncExternalStore(store?.subscribe ?? noSubscribe, store?.getSnapshot ?? noSnapshot);
  const openPanel = (panel: string, panelArg?: string) => (panel === 'thread' && panelArg === arg ? undefined : close());
  const contexts = useMemo(
    () =>
      [state.root, ...state.replies]
        .filter((m): m is Message => m !== null)
        .map((message): MessageContext => ({ message, conversation, mine: message.senderId === services.me.id, services, openPanel })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [state, conversation, services],
  );
  // The panel shows the newest reply once every page is loaded: the thread is read up to it.
  const newest = state.replies.at(-1)?.seq;
  useEffect(() => {
    if (!store || state.hasMore || newest === undefined) return;
    const mark = () => {
      if (document.visibilityState === 'visible') store.markRead(newest);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [store, state.hasMore, newest]);
  if (!store) return <p className="error">No thread was given.</p>;
  if (state.error) return <p className="error">{state.error}</p>;
  if (!state.root) return <p role="status">Loading…</p>;
  return (
    <div className="thread">
      <FollowToggle store={store} following={state.following} />
      <div className="thread-messages" role="log" aria-label="Thread messages">
        {contexts.map((context, i) => (
          <div key={context.message.id} className={i === 0 ? 'thread-root' : undefined}>
            <MessageRow context={context} />
          </div>
        ))}
        {state.hasMore && (
          <button type="button" onClick={() => void store.loadMore()}>
            Load more replies
          </button>
        )}
      </div>
      <ThreadComposer conversationId={conversation.id} rootId={state.root.id} />
    </div>
  );
}

/** Follow or unfollow: a followed thread counts in the conversation's "threads with new replies". */
function FollowToggle({ store, following }: { store: ThreadStore; following: boolean | null }) {
  const [error, setError] = useState<string | null>(null);
  if (following === null) return null;
  return (
    <div className="thread-follow">
      <button
        type="button"
        aria-pressed={following}
        onClick={() =>
          store.setFollowing(!following).then(
            () => setError(null),
            (caught: unknown) => setError(describeError(caught)),
          )
        }
      >
        {following ? 'Following' : 'Follow thread'}
      </button>
      {error && <p className="error">{error}</p>}
    </div>
  );
}

function ThreadComposer({ conversationId, rootId }: { conversationId: string; rootId: string }) {
  const { outbox } = useApp();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  // Issue 35 item 5: the instance's length limit, counted near it and refused past it.
  const measured = useLengthLimit(text);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (text.trim() === '' || measured.over) return;
    try {
      outbox.send(conversationId, text, { threadRootId: rootId });
      setText('');
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  return (
    <form className="composer thread-composer" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        Reply in thread
      </label>
      {/* The conversation composer's box, without its toolbar and add-ons. */}
      <ComposerBox
        id={id}
        value={text}
        placeholder="Reply…"
        measured={measured}
        onChange={setText}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) submit(e);
        }}
        send={
          <button type="submit" className="primary composer-send composer-send-text" disabled={measured.over}>
            Send reply
          </button>
        }
      />
      {error && <p className="error">{error}</p>}
    </form>
  );
}

const noSubscribe = () => () => undefined;
const empty = { root: null, replies: [], hasMore: false, error: null, following: null };
const noSnapshot = () => empty;
