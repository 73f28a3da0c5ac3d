import { type ReactNode, useEffect, useId, useState } from 'react';
import { navigate } from 'wouter/use-browser-location';
import type { SearchHit } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { describeError } from '../../components/errors.js';
import { formatListTime } from '../../components/time.js';
import { useApp, useConversationList } from '../../state/AppContext.js';
import { ConversationTitle } from '../conversations/ConversationTitle.js';
import { Highlighted } from './search.js';
import { jumpToMessage } from './jump.js';

const PAGE = 20;

interface Results {
  hits: SearchHit[];
  nextCursor: string | null;
}

/**
 * Search across all my conversations, at the top of the conversation list: while the field has
 * text, the list shows the hits instead (conversation, sender, time, snippet), newest first as
 * the server ranks them; choosing one opens its conversation at the message (older history is
 * loaded until it is there) or, for a thread reply, its thread. Esc or clearing the field
 * brings the conversation list back.
 */
export function GlobalSearch({ children }: { children: ReactNode }) {
  const { client } = useApp();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Results | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const id = useId();
  useEffect(() => {
    if (q.trim() === '') return;
    let current = true;
    // A short pause, so a fast typist sends one search, not one per key.
    const timer = setTimeout(() => {
      client.search.messages({ q, limit: PAGE }).then(
        (page) => current && (setResults({ hits: page.items, nextCursor: page.nextCursor }), setError(null)),
        (caught: unknown) => current && setError(describeError(caught)),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, q]);
  const more = async () => {
    if (!results?.nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await client.search.messages({ q, limit: PAGE, cursor: results.nextCursor });
      setResults({ hits: [...results.hits, ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setLoadingMore(false);
    }
  };
  const searching = q.trim() !== '';
  const shown = searching ? results : null;
  return (
    <>
      <div className="global-search">
        <label htmlFor={id} className="visually-hidden">
          Search all messages
        </label>
        <input
          id={id}
          type="search"
          dir="auto"
          placeholder="Search all messages"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setQ('')}
        />
      </div>
      {!searching ? (
        children
      ) : (
        <section className="global-search-results" aria-label="Search results">
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <p role="status" className="list-status">
            {shown === null ? 'Searching…' : summary(shown)}
          </p>
          {shown && shown.hits.length > 0 && (
            <ul className="panel-list">
              {shown.hits.map((hit) => (
                <li key={hit.message.id}>
                  <HitButton hit={hit} />
                </li>
              ))}
            </ul>
          )}
          {shown?.nextCursor && (
            <button type="button" onClick={() => void more()} disabled={loadingMore}>
              More results
            </button>
          )}
        </section>
      )}
    </>
  );
}

function summary(results: Results): string {
  const n = results.hits.length;
  if (n === 0) return 'No messages found.';
  const count = n === 1 ? '1 message' : `${n} messages`;
  return results.nextCursor ? `${count} so far` : count;
}

function HitButton({ hit }: { hit: SearchHit }) {
  const { conversations } = useConversationList();
  const { message } = hit;
  const conversation = conversations.find((c) => c.id === message.conversationId);
  const open = () => {
    if (message.threadRootId) navigate(`/c/${message.conversationId}/thread/${message.threadRootId}`);
    else void jumpToMessage(message.conversationId, message.seq);
  };
  return (
    <button type="button" className="panel-item search-hit" onClick={open}>
      <span className="search-hit-conversation">{conversation ? <ConversationTitle conversation={conversation} /> : 'A conversation'}</span>
      <span className="panel-item-meta">
        <PersonName userId={message.senderId} /> <time dateTime={message.createdAt}>{formatListTime(message.createdAt)}</time>
      </span>
      <bdi className="excerpt">
        <Highlighted text={hit.snippet} ranges={hit.highlights} />
      </bdi>
    </button>
  );
}
