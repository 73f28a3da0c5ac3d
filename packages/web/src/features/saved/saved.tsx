import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { Bookmark, BookmarkX } from 'lucide-react';
import type { SavedMessage } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { IconButton } from '../../components/ui/IconButton.js';
import { useApp, usePerson } from '../../state/AppContext.js';
import { messageActions } from '../messages/extensions.js';
import { UNREADABLE_EXCERPT, unreadableHere } from '../encryption/unreadable.js';
import './saved.css';

/**
 * Saved messages (issue 37): "Save for later" in a message's menu, and the Saved page listing
 * mine across conversations, newest saved first (the server lists only what I can still read).
 */
messageActions.push({
  id: 'save',
  label: 'Save for later',
  icon: Bookmark,
  available: (c) => c.message.deletedAt === null && c.message.kind !== 'system',
  run: async (c) => {
    await c.services.client.messages.save(c.message.id);
  },
});

export function SavedPage() {
  const { client } = useApp();
  const [items, setItems] = useState<SavedMessage[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(
    async (cursor: string) => {
      try {
        const page = await client.messages.saved({ cursor });
        setItems((before) => [...before, ...page.items]);
        setNext(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(describeError(e));
      } finally {
        setLoading(false);
      }
    },
    [client],
  );

  useEffect(() => {
    let live = true;
    client.messages.saved().then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setNext(page.nextCursor);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(describeError(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [client]);

  async function unsave(messageId: string) {
    try {
      await client.messages.unsave(messageId);
      setItems((before) => before.filter((i) => i.message.id !== messageId));
    } catch (e) {
      setError(describeError(e));
    }
  }

  return (
    <section className="saved-page" aria-labelledby="saved-title">
      <h1 id="saved-title">Saved messages</h1>
      {error && <p role="alert">{error}</p>}
      {!loading && items.length === 0 && !error && <p>Nothing saved yet. Use “Save for later” in a message’s menu.</p>}
      <ul className="saved-list">
        {items.map(({ message, savedAt }) => (
          <li key={message.id} className="saved-item">
            <Link href={`/c/${message.conversationId}`} className="saved-link">
              <Sender userId={message.senderId} />
              <span className="saved-body">
                {message.kind === 'poll'
                  ? `Poll: ${message.body}`
                  : unreadableHere(message)
                    ? UNREADABLE_EXCERPT
                    : message.body || `(${message.kind})`}
              </span>
              <time dateTime={savedAt}>{new Date(savedAt).toLocaleString()}</time>
            </Link>
            <IconButton
              label="Remove from saved"
              icon={<BookmarkX size={16} aria-hidden="true" />}
              onClick={() => void unsave(message.id)}
            />
          </li>
        ))}
      </ul>
      {next !== null && (
        <button
          type="button"
          onClick={() => {
            setLoading(true);
            void load(next);
          }}
          disabled={loading}
        >
          Show more
        </button>
      )}
    </section>
  );
}

function Sender({ userId }: { userId: string }) {
  const person = usePerson(userId);
  return <span className="saved-sender">{person?.displayName ?? '…'}</span>;
}
