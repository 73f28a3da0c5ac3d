import { Fragment, useEffect, useId, useState } from 'react';
import { navigate } from 'wouter/use-browser-location';
import type { ConversationSummary } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { describeError } from '../../components/errors.js';
import { formatTime } from '../../components/time.js';
import { useApp } from '../../state/AppContext.js';
import { conversationHeaderActions, conversationPanels } from '../messages/extensions.js';
import { jumpToMessage } from './jump.js';
import { type ShownHit, fromDevice, fromServer } from './shown-hits.js';
import { Lock, Search } from 'lucide-react';

/**
 * Search in a conversation: results as you type (every word, the last as a prefix), each a
 * snippet with the matched words marked; choosing one jumps to the message in the timeline (or
 * opens its thread, for a thread reply). An encrypted conversation is searched on this device,
 * over the texts it decrypted (every word as a beginning): the server holds only ciphertext.
 */
conversationHeaderActions.push({ id: 'search', label: 'Search', icon: Search, run: (c) => c.openPanel('search') });

conversationPanels.push({ id: 'search', title: 'Search', component: SearchPanel });

function SearchPanel({ conversation }: { conversation: ConversationSummary }) {
  const { client } = useApp();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<ShownHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    const text = q.trim();
    if (text === '') return;
    let current = true;
    // A short pause, so a fast typist sends one search, not one per key.
    const timer = setTimeout(() => {
      const found = conversation.encrypted
        ? client.searchEncrypted(q, { conversationId: conversation.id, limit: 30 }).then((items) => items.map(fromDevice))
        : client.search.messages({ q, conversationId: conversation.id, limit: 30 }).then((page) => page.items.map(fromServer));
      found.then(
        (items) => current && (setHits(items), setError(null)),
        (caught: unknown) => current && setError(describeError(caught)),
      );
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, conversation.id, conversation.encrypted, q]);
  // An empty field shows nothing, whatever the last search found.
  const shown = q.trim() === '' ? null : hits;
  return (
    <div className="search-panel">
      <label htmlFor={id}>Search messages</label>
      <input id={id} type="search" dir="auto" value={q} autoFocus onChange={(e) => setQ(e.target.value)} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {shown !== null && (
        <p role="status" className="hint">
          {shown.length === 0 ? 'No messages found.' : shown.length === 1 ? '1 message' : `${shown.length} messages`}
        </p>
      )}
      {shown !== null && shown.length > 0 && (
        <ul className="panel-list">
          {shown.map((hit) => (
            <li key={hit.key}>
              <button type="button" className="panel-item" onClick={() => openHit(hit)}>
                <span className="panel-item-meta">
                  {hit.senderId && <PersonName userId={hit.senderId} />}{' '}
                  {hit.createdAt && <time dateTime={hit.createdAt}>{formatTime(hit.createdAt)}</time>}
                  {hit.onDevice && <FoundOnDevice />}
                </span>
                <bdi className="excerpt">
                  <Highlighted text={hit.snippet} ranges={hit.highlights} />
                </bdi>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Opens a result: its message in the timeline, or its thread for a thread reply. */
export function openHit(hit: ShownHit): void {
  if (hit.threadRootId) navigate(`/c/${hit.conversationId}/thread/${hit.threadRootId}`);
  else void jumpToMessage(hit.conversationId, hit.seq);
}

/** Marks a result found in this device's decrypted history (an encrypted conversation), not by the server. */
export function FoundOnDevice() {
  return (
    <span className="search-hit-device">
      <Lock size={12} aria-hidden="true" /> Found on this device
    </span>
  );
}

/** The snippet with each `[start, end)` range in a `<mark>`, as plain text (never HTML). */
export function Highlighted({ text, ranges }: { text: string; ranges: number[][] }) {
  const parts: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const [start = 0, end = 0] of ranges) {
    if (start < at) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return <>{parts.map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : <Fragment key={i}>{part.text}</Fragment>))}</>;
}
