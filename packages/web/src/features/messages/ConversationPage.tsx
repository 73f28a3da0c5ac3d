import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useLocation } from 'wouter';
import type { ConversationSummary } from '@confab/protocol';
import { useApp, useConversationList, usePending } from '../../state/AppContext.js';
import { TimelineStore } from '../../state/timeline-store.js';
import { ConversationTitle } from '../conversations/ConversationList.js';
import { Composer } from './Composer.js';
import { MessageRow } from './MessageRow.js';
import { type MessageContext, conversationHeaderActions, conversationPanels } from './extensions.js';

/** `/c/:conversationId/:panel?/:arg?`: one conversation, and the side panel the path opens, if any. */
export function ConversationPage({ params }: { params: Record<string, string | undefined> }) {
  const conversationId = params['conversationId']!;
  const { loaded, conversations } = useConversationList();
  const conversation = conversations.find((c) => c.id === conversationId);
  if (!conversation) {
    return (
      <section className="page empty-state" aria-label="Conversation">
        <p role="status">{loaded ? 'This conversation is not one of yours.' : 'Loading…'}</p>
      </section>
    );
  }
  return <Conversation key={conversation.id} conversation={conversation} panel={params['panel']} arg={params['arg']} />;
}

function Conversation({ conversation, panel, arg }: { conversation: ConversationSummary; panel?: string; arg?: string | undefined }) {
  const services = useApp();
  const [, navigate] = useLocation();
  const [timeline] = useState(() => new TimelineStore(services.client, services.connection, conversation.id));
  useEffect(() => {
    timeline.start();
    return () => timeline.stop();
  }, [timeline]);
  const state = useSyncExternalStore(timeline.subscribe, timeline.getSnapshot);
  const pending = usePending(conversation.id);
  const openPanel = (id: string, panelArg?: string) => navigate(`/c/${conversation.id}/${id}${panelArg ? `/${panelArg}` : ''}`);
  const closePanel = () => navigate(`/c/${conversation.id}`);
  const openedPanel = conversationPanels.find((p) => p.id === panel);
  const contexts = useMemo(
    () =>
      state.messages.map((message): MessageContext => ({
        message,
        conversation,
        mine: message.senderId === services.me.id,
        services,
        openPanel,
      })),
    // openPanel is rebuilt each render but only navigates: the rows need not re-render for it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [state.messages, conversation, services],
  );
  return (
    <div className="conversation" data-panel-open={openedPanel ? 'true' : 'false'}>
      <section className="conversation-main" aria-labelledby="conversation-title">
        <header className="conversation-header">
          <h2 id="conversation-title">
            <ConversationTitle conversation={conversation} />
          </h2>
          {conversationHeaderActions.map(({ id, component: Action }) => (
            <Action key={id} conversation={conversation} openPanel={openPanel} />
          ))}
        </header>
        <div className="timeline" role="log" aria-label="Messages">
          {state.hasOlder && (
            <button type="button" onClick={() => void timeline.loadOlder()} disabled={state.loadingOlder}>
              Load older messages
            </button>
          )}
          {contexts.map((context) => (
            <MessageRow key={context.message.id} context={context} />
          ))}
          {pending.map((p) => (
            <article key={p.clientId} className="message pending" data-mine="true">
              <p dir="auto">{p.body}</p>
              <p className="message-status">{p.status === 'failed' ? `Not sent: ${p.error ?? ''}` : 'Sending…'}</p>
            </article>
          ))}
        </div>
        <Composer conversation={conversation} />
      </section>
      {openedPanel && (
        <aside className="panel" aria-label={openedPanel.title}>
          <header className="panel-header">
            <h2>{openedPanel.title}</h2>
            <button type="button" onClick={closePanel}>
              Close
            </button>
          </header>
          <openedPanel.component conversation={conversation} arg={arg} close={closePanel} />
        </aside>
      )}
    </div>
  );
}
