import { type ReactNode, useEffect, useId, useState } from 'react';
import type { DecryptedHit } from '@confab/client';
import type { SearchHit } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { describeError } from '../../components/errors.js';
import { formatListTime } from '../../components/time.js';
import { useApp, useConversationList } from '../../state/AppContext.js';
import { ConversationTitle } from '../conversations/ConversationTitle.js';
import { FoundOnDevice, Highlighted, openHit } from './search.js';
import { type ShownHit, mergeHits } from './shown-hits.js';

const PAGE = 20;
/** Results from this device's decrypted history (encrypted conversations), read at once. */
const DEVICE_LIMIT = 50;

interface Results {
  hits: SearchHit[];
  nextCursor: string | null;
  /** Found on this device, in encrypted conversations. */
  device: DecryptedHit[];
}

/**
 * Search across all my conversations, at the top of the conversation list: while the field has
 * text, the list shows the hits instead (conversation, sender, time, snippet), newest first as
 * the server ranks them; choosing one opens its conversation at the message (older history is
 * loaded until it is there) or, for a thread reply, its thread. Esc or clearing the field
 * brings the conversation list back. Encrypted conversations are searched on this device, over
 * the texts it decrypted (the server holds only ciphertext there): those hits are marked as such
 * and placed among the server's by time.
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
      // The device's search fails alone (no IndexedDB): the server's results still show.
      const device = client.searchEncrypted(q, { limit: DEVICE_LIMIT }).catch(() => []);
      Promise.all([client.search.messages({ q, limit: PAGE }), device]).then(
        ([page, found]) => current && (setResults({ hits: page.items, nextCursor: page.nextCursor, device: found }), setError(null)),
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
      setResults({ ...results, hits: [...results.hits, ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setLoadingMore(false);
    }
  };
  const searching = q.trim() !== '';
  const shown =
    searching && results ? { hits: mergeHits(results.hits, results.nextCursor !== null, results.device), more: results.nextCursor } : null;
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
                <li key={hit.key}>
                  <HitButton hit={hit} />
                </li>
              ))}
            </ul>
          )}
          {shown?.more && (
            <button type="button" onClick={() => void more()} disabled={loadingMore}>
              More results
            </button>
          )}
        </section>
      )}
    </>
  );
}

function summary(results: { hits: ShownHit[]; more: string | null }): string {
  const n = results.hits.length;
  if (n === 0) return 'No messages found.';
  const count = n === 1 ? '1 message' : `${n} messages`;
  return results.more ? `${count} so far` : count;
}

function HitButton({ hit }: { hit: ShownHit }) {
  const { conversations } = useConversationList();
  const conversation = conversations.find((c) => c.id === hit.conversationId);
  return (
    <button type="button" className="panel-item search-hit" onClick={() => openHit(hit)}>
      <span className="search-hit-conversation">{conversation ? <ConversationTitle conversation={conversation} /> : 'A conversation'}</span>
      <span className="panel-item-meta">
        {hit.senderId && <PersonName userId={hit.senderId} />}{' '}
        {hit.createdAt && <time dateTime={hit.createdAt}>{formatListTime(hit.createdAt)}</time>}
        {hit.onDevice && <FoundOnDevice />}
      </span>
      <bdi className="excerpt">
        <Highlighted text={hit.snippet} ranges={hit.highlights} />
      </bdi>
    </button>
  );
}
