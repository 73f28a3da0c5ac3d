import { useState } from 'react';
import { Sparkles } from 'lucide-react';
import type { CatchUp, ConversationSummary } from '@confab/protocol';
import { useAction } from '../../components/useAction.js';
import { useApp, usePerson } from '../../state/AppContext.js';
import { conversationBanners } from '../messages/extensions.js';
import { jumpToMessage } from '../search/jump.js';
import { featureOn, useAssist } from './assist-state.js';

/** Offered at the top of a conversation with at least this many unread. */
export const CATCH_UP_MIN_UNREAD = 20;

/**
 * "Catch up" (issue 40): at the top of a conversation with many unread, a summary of what I
 * missed: sentences quoted from the messages (each opens the conversation at its message), who
 * spoke, and how many questions are still open.
 */
conversationBanners.push({ id: 'catch-up', component: CatchUpBanner });

function CatchUpBanner({ conversation }: { conversation: ConversationSummary }) {
  const { client } = useApp();
  const on = featureOn(useAssist(client), 'catchUp');
  const [summary, setSummary] = useState<CatchUp | null>(null);
  const [hidden, setHidden] = useState(false);
  const load = useAction(async () => setSummary(await client.assist.catchUp(conversation.id, conversation.readSeq)));
  if (!on || hidden || (summary === null && conversation.unreadCount < CATCH_UP_MIN_UNREAD)) return null;
  return (
    <section className="catch-up" aria-label="Catch up">
      {summary === null ? (
        <div className="catch-up-offer">
          <span>{conversation.unreadCount} unread messages.</span>
          <button type="button" disabled={load.busy} onClick={() => void load.run()}>
            <Sparkles size={16} aria-hidden="true" /> Catch up
          </button>
          <button type="button" className="catch-up-close" onClick={() => setHidden(true)}>
            Not now
          </button>
          {load.error && <span role="alert">{load.error}</span>}
        </div>
      ) : (
        <div className="catch-up-summary">
          <h3>While you were away</h3>
          {summary.items.length === 0 ? (
            <p className="hint">Nothing to summarise.</p>
          ) : (
            <ul>
              {summary.items.map((item) => (
                <li key={item.messageId}>
                  <button type="button" className="catch-up-sentence" onClick={() => void jumpToMessage(conversation.id, item.seq)}>
                    {item.text}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <p className="hint">
            {summary.speakers.length > 0 && (
              <>
                From{' '}
                {summary.speakers.slice(0, 3).map((id, i) => (
                  <Speaker key={id} userId={id} last={i === Math.min(2, summary.speakers.length - 1)} />
                ))}
                {summary.speakers.length > 3 && ` and ${summary.speakers.length - 3} more`}.{' '}
              </>
            )}
            {summary.openQuestions.length > 0 &&
              `${summary.openQuestions.length} open ${summary.openQuestions.length === 1 ? 'question' : 'questions'}. `}
            Quoted from the messages, picked on this server.
          </p>
          <button type="button" className="catch-up-close" onClick={() => setHidden(true)}>
            Close
          </button>
        </div>
      )}
    </section>
  );
}

function Speaker({ userId, last }: { userId: string; last: boolean }) {
  const person = usePerson(userId);
  return (
    <>
      {person?.displayName ?? '…'}
      {last ? '' : ', '}
    </>
  );
}
