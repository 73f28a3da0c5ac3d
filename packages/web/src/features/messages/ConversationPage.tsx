import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useLocation } from 'wouter';
import type { ConversationSummary, Message } from '@confab/protocol';
import { useApp, useBlocked, usePending, usePerson } from '../../state/AppContext.js';
import { type TimelineState, TimelineStore } from '../../state/timeline-store.js';
import { registerTimeline } from '../../state/active-timelines.js';
import { ReceiptsStore } from '../../state/receipts-store.js';
import { ConversationHeader } from './ConversationHeader.js';
import { Composer } from './Composer.js';
import { MessageRow } from './MessageRow.js';
import { useSteadyConversation } from './steady-conversation.js';
import { PendingRow } from './PendingRow.js';
import { Timeline } from './Timeline.js';
import { TypingIndicator } from './TypingIndicator.js';
import { LiveAnnouncer } from './LiveAnnouncer.js';
import { type TimelineRow, timelineRows } from './timeline-rows.js';
import { type MessageContext, conversationBanners, conversationPanels, messageActions } from './extensions.js';
import type { RowShortcut } from './timeline-keys.js';
import { useConversation } from './useConversation.js';
import { matches } from '../keyboard/shortcuts.js';

/** `/c/:conversationId/:panel?/:arg?`: one conversation, and the side panel the path opens, if any. */
export function ConversationPage({ params }: { params: Record<string, string | undefined> }) {
  const conversationId = params['conversationId']!;
  const lookup = useConversation(conversationId);
  if (lookup.status !== 'found') {
    return (
      <section className="page empty-state" aria-label="Conversation">
        <p role="status">{lookup.status === 'loading' ? 'Loading…' : 'This conversation is not one of yours.'}</p>
      </section>
    );
  }
  return <Conversation key={conversationId} conversation={lookup.conversation} panel={params['panel']} arg={params['arg']} />;
}

function Conversation({ conversation, panel, arg }: { conversation: ConversationSummary; panel?: string; arg?: string | undefined }) {
  const services = useApp();
  const { me, connection } = services;
  const [, navigate] = useLocation();
  const [timeline] = useState(() => new TimelineStore(services.client, connection, conversation.id));
  const [receiptsStore] = useState(() => new ReceiptsStore(services.client, connection, conversation.id));
  useEffect(() => {
    timeline.start();
    receiptsStore.start();
    const unregister = registerTimeline(timeline);
    return () => {
      unregister();
      timeline.stop();
      receiptsStore.stop();
    };
  }, [timeline, receiptsStore]);
  const state = useSyncExternalStore(timeline.subscribe, timeline.getSnapshot);
  const receipts = useSyncExternalStore(receiptsStore.subscribe, receiptsStore.getSnapshot);
  const allPending = usePending(conversation.id);
  // Thread replies wait in their thread's panel, not in the main timeline.
  const pending = useMemo(() => allPending.filter((p) => !p.links.threadRootId), [allPending]);

  // The "new messages" divider goes where my read marker was when I opened the conversation.
  const [dividerAfter] = useState(() => (conversation.unreadCount > 0 ? conversation.readSeq : null));
  // In a group, the messages of people I block are folded until I ask to see them (issue 35).
  const blocked = useBlocked().ids;
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(() => new Set());
  const folded = useMemo(
    () =>
      conversation.kind === 'group' && blocked.size > 0
        ? (message: Message) => message.kind !== 'system' && blocked.has(message.senderId) && !revealed.has(message.id)
        : undefined,
    [conversation.kind, blocked, revealed],
  );
  const reveal = useCallback((messages: readonly Message[]) => setRevealed((ids) => new Set([...ids, ...messages.map((m) => m.id)])), []);
  const rows = useMemo(
    () => timelineRows(state.messages, pending, me.id, dividerAfter, undefined, folded),
    [state.messages, pending, me.id, dividerAfter, folded],
  );
  // It opens at the first unread message (item 5 of issue 36): older pages are loaded until the
  // divider's place is in the timeline, then the timeline opens there instead of at the newest.
  const firstUnread = useMemo(() => rows.findIndex((row) => row.newDivider), [rows]);
  const unreadLoaded = useUnreadLoaded(timeline, state, dividerAfter);

  const openPanel = useCallback(
    (id: string, panelArg?: string) => navigate(`/c/${conversation.id}/${id}${panelArg ? `/${encodeURIComponent(panelArg)}` : ''}`),
    [navigate, conversation.id],
  );
  const closePanel = useCallback(() => navigate(`/c/${conversation.id}`), [navigate, conversation.id]);
  const openedPanel = conversationPanels.find((p) => p.id === panel);
  useEffect(() => {
    if (!openedPanel) return;
    const onKey = (event: KeyboardEvent) => {
      if (matches('close-panel', event)) closePanel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openedPanel, closePanel]);

  // Read markers move as messages are seen: only forward, one request per new position.
  const readUpTo = useRef(conversation.readSeq);
  const onSeen = useCallback(
    (row: TimelineRow) => {
      // A folded row counts as seen: its messages were shown as folded.
      const seq = row.kind === 'message' ? row.message.seq : row.kind === 'folded' ? row.messages.at(-1)!.seq : 0;
      if (seq <= readUpTo.current) return;
      readUpTo.current = seq;
      connection.markRead(conversation.id, seq).catch(() => {
        readUpTo.current = Math.min(readUpTo.current, seq - 1); // tried again when next seen
      });
    },
    [connection, conversation.id],
  );

  const lastMine = useMemo(() => state.messages.findLast((m) => m.senderId === me.id)?.seq, [state.messages, me.id]);
  // One context per message, made when the row is first rendered and kept until the message (or
  // the conversation) changes, so unchanged rows skip rendering and a new message costs one context,
  // not one per message held.
  const steady = useSteadyConversation(conversation);
  const contextOf = useMemo(
    () => messageContexts({ conversation: steady, me: me.id, services, openPanel }),
    [steady, me.id, services, openPanel],
  );

  // A key on a focused message runs the action of the same name, where it is offered (Enter: Reply).
  const onRowKey = useCallback(
    (row: TimelineRow, key: RowShortcut) => {
      if (row.kind !== 'message') return;
      const context = contextOf(row.message);
      const action = messageActions.find((a) => a.id === key);
      if (action?.available(context)) void action.run(context);
    },
    [contextOf],
  );
  const section = useRef<HTMLElement>(null);
  const toComposer = useCallback(() => section.current?.querySelector<HTMLTextAreaElement>('.composer textarea')?.focus(), []);

  // Kept across renders, as every prop of the timeline, its header and its composer: the page
  // renders several times per arriving message (timeline, receipts, the list's counts), and only
  // what changed should render again.
  const renderRow = useCallback(
    (row: TimelineRow) => (
      <>
        {row.day && (
          <h3 className="date-separator">
            <span>{row.day}</span>
          </h3>
        )}
        {row.newDivider && (
          <p className="new-divider" role="separator">
            <span>New messages</span>
          </p>
        )}
        {row.kind === 'pending' ? (
          <PendingRow pending={row.pending} />
        ) : row.kind === 'folded' ? (
          <FoldedMessages messages={row.messages} reveal={reveal} />
        ) : (
          <MessageRow
            context={contextOf(row.message)}
            continued={row.continued}
            receipts={row.message.senderId === me.id ? receipts : undefined}
            showSeenBy={conversation.kind === 'group' && row.message.seq === lastMine}
          />
        )}
      </>
    ),
    [contextOf, receipts, me.id, conversation.kind, lastMine, reveal],
  );

  return (
    <div className="conversation" data-panel-open={openedPanel ? 'true' : 'false'}>
      <section ref={section} className="conversation-main" aria-labelledby="conversation-title">
        <ConversationHeader conversation={conversation} openPanel={openPanel} />
        {conversationBanners.map((b) => (
          <b.component key={b.id} conversation={conversation} />
        ))}
        <Timeline
          rows={rows}
          state={state}
          timeline={timeline}
          renderRow={renderRow}
          onSeen={onSeen}
          ready={unreadLoaded}
          firstUnread={firstUnread >= 0 ? firstUnread : null}
          onRowKey={onRowKey}
          onLeave={toComposer}
        />
        <TypingIndicator conversationId={conversation.id} />
        <LiveAnnouncer conversationId={conversation.id} />
        <DirectNotice conversation={conversation} />
        <Composer conversation={conversation} />
      </section>
      {openedPanel && (
        <aside className="panel" aria-labelledby="panel-title">
          <header className="panel-header">
            <h2 id="panel-title">{openedPanel.title}</h2>
            <button type="button" onClick={closePanel}>
              Close
            </button>
          </header>
          {/* Keyed by panel and argument: opening another thread mounts a fresh panel (issue 35 item 2). */}
          <openedPanel.component key={`${openedPanel.id}/${arg ?? ''}`} conversation={conversation} arg={arg} close={closePanel} />
        </aside>
      )}
    </div>
  );
}

/** How many older pages may be loaded to reach the first unread message before opening at the newest instead. */
const MAX_UNREAD_PAGES = 20;

/**
 * Whether the timeline may open: at once when nothing is unread, else once the message after my
 * read marker is loaded (older pages are asked for until it is), or the history ends, or
 * MAX_UNREAD_PAGES were loaded (a conversation with thousands unread then opens at the newest).
 */
function useUnreadLoaded(timeline: TimelineStore, state: TimelineState, dividerAfter: number | null): boolean {
  const oldest = state.messages[0]?.seq;
  const reached = dividerAfter === null || (state.loaded && (!state.hasOlder || (oldest !== undefined && oldest <= dividerAfter + 1)));
  const [pages, setPages] = useState(0);
  const gaveUp = pages >= MAX_UNREAD_PAGES;
  useEffect(() => {
    if (reached || gaveUp || !state.loaded || state.loadingOlder) return;
    void timeline.loadOlder().then(() => setPages((n) => n + 1));
  }, [reached, gaveUp, state.loaded, state.loadingOlder, timeline]);
  return state.loaded && (reached || gaveUp);
}

/** Why a direct conversation cannot take messages now (issue 35): I block the other person, or their account is deactivated. */
function DirectNotice({ conversation }: { conversation: ConversationSummary }) {
  const peerId = conversation.kind === 'direct' ? conversation.peerId : null;
  const blocked = useBlocked().ids;
  const peer = usePerson(peerId);
  const notice =
    peerId !== null && blocked.has(peerId)
      ? 'You blocked this person: unblock to send.'
      : peer?.deactivated
        ? 'This account is deactivated: it cannot receive messages.'
        : null;
  return notice === null ? null : (
    <p className="direct-notice" role="status">
      {notice}
    </p>
  );
}

/** "2 messages from a blocked user · show": a run of folded messages, shown on request. */
function FoldedMessages({ messages, reveal }: { messages: readonly Message[]; reveal: (messages: readonly Message[]) => void }) {
  const count = messages.length === 1 ? '1 message' : `${messages.length} messages`;
  return (
    <p className="folded-messages">
      <span>{count} from a blocked user</span>
      {' · '}
      <button type="button" className="link-button" onClick={() => reveal(messages)}>
        show<span className="visually-hidden"> {count} from a blocked user</span>
      </button>
    </p>
  );
}

/** A message's context, made the first time it is asked for and then the same object for the same message. */
function messageContexts(common: Omit<MessageContext, 'message' | 'mine'> & { me: string }): (message: Message) => MessageContext {
  const { me, ...shared } = common;
  const made = new WeakMap<Message, MessageContext>();
  return (message) => {
    let context = made.get(message);
    if (!context) {
      context = { ...shared, message, mine: message.senderId === me };
      made.set(message, context);
    }
    return context;
  };
}
