import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { Check, MessageCircleQuestion } from 'lucide-react';
import type { NeedsReplyItem } from '@confab/protocol';
import { describeError } from '../../components/errors.js';
import { IconButton } from '../../components/ui/IconButton.js';
import { useApp, usePerson } from '../../state/AppContext.js';
import { jumpToMessage } from '../search/jump.js';
import { featureOn, useAssist } from './assist-state.js';

/**
 * Needs reply (issue 40): the top bar's link with how many messages wait for my answer, and the
 * page listing them (why each is there, and the words that said so), each opening the
 * conversation at the message, each dismissable. The server decides; this only shows.
 */
const PAGE = 50;
const REFRESH_MS = 60_000;
const listeners = new Set<() => unknown>();
const refreshAll = () => listeners.forEach((l) => l());

function useNeedsReply(enabled: boolean) {
  const { client } = useApp();
  const [items, setItems] = useState<NeedsReplyItem[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const read = () =>
      client.assist.needsReply({ limit: PAGE }).then(
        (page) => {
          if (!live) return;
          setItems(page.items);
          setMore(page.nextCursor !== null);
          setError(null);
        },
        (e: unknown) => live && setError(describeError(e)),
      );
    void read();
    listeners.add(read);
    // New messages arrive all the time; a minute late is soon enough for a to-do list.
    const timer = setInterval(() => void read(), REFRESH_MS);
    return () => {
      live = false;
      listeners.delete(read);
      clearInterval(timer);
    };
  }, [enabled, client]);
  return { items, more, error, setItems };
}

export function NeedsReplyLink() {
  const { client } = useApp();
  const on = featureOn(useAssist(client), 'needsReply');
  const { items, more } = useNeedsReply(on);
  if (!on) return null;
  const count = items?.length ?? 0;
  const shown = more ? `${count}+` : `${count}`;
  return (
    <Link
      href="/needs-reply"
      className="notifications-link needs-reply-link"
      aria-label={count > 0 ? `Needs reply, ${shown}` : 'Needs reply'}
    >
      <MessageCircleQuestion aria-hidden="true" size={18} />
      {count > 0 && (
        <span className="badge" aria-hidden="true">
          {shown}
        </span>
      )}
    </Link>
  );
}

const REASONS: Record<NeedsReplyItem['reason'], string> = {
  question: 'asked you',
  request: 'asked you to',
  mention: 'mentioned you',
  reply: 'replied to you',
};

export function NeedsReplyPage() {
  const { client } = useApp();
  const assist = useAssist(client);
  const on = featureOn(assist, 'needsReply');
  const { items, more, error, setItems } = useNeedsReply(on);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Needs reply · Confab';
  }, []);
  async function dismiss(messageId: string) {
    try {
      await client.assist.dismiss(messageId);
      setItems((before) => before && before.filter((i) => i.message.id !== messageId));
      refreshAll();
    } catch (e) {
      setFailed(describeError(e));
    }
  }
  return (
    <section className="page needs-reply-page" aria-labelledby="needs-reply-title">
      <header className="page-header">
        <h2 id="needs-reply-title">Needs reply</h2>
      </header>
      {assist !== null && !on ? (
        <p className="hint">
          Needs reply is off. <Link href="/settings/assist">Turn it on in Settings → Assist</Link>.
        </p>
      ) : error || failed ? (
        <p role="alert">{error ?? failed}</p>
      ) : items === null ? (
        <p role="status">Loading…</p>
      ) : items.length === 0 ? (
        <p className="hint">
          Nothing waits for your reply. Questions and requests in direct messages, mentions of you and replies to you show here until you
          answer.
        </p>
      ) : (
        <ul className="needs-reply-list">
          {items.map((item) => (
            <li key={item.message.id} className="needs-reply-item">
              <button
                type="button"
                className="needs-reply-open"
                onClick={() => void jumpToMessage(item.message.conversationId, item.message.seq)}
              >
                <span className="needs-reply-why">
                  <Sender userId={item.message.senderId} /> {REASONS[item.reason]}
                  {item.evidence.length > 0 && <span className="needs-reply-evidence"> · “{item.evidence.join('”, “')}”</span>}
                </span>
                <span className="needs-reply-body">{item.message.body}</span>
                <time dateTime={item.message.createdAt}>{new Date(item.message.createdAt).toLocaleString()}</time>
              </button>
              <IconButton label="Dismiss" icon={<Check size={16} aria-hidden="true" />} onClick={() => void dismiss(item.message.id)} />
            </li>
          ))}
        </ul>
      )}
      {more && <p className="hint">Showing the newest {PAGE}.</p>}
    </section>
  );
}

function Sender({ userId }: { userId: string }) {
  const person = usePerson(userId);
  return <strong>{person?.displayName ?? '…'}</strong>;
}
