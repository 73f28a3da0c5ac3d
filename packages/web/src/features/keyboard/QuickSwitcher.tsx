import type { ConversationSummary, User } from '@confab/protocol';
import { Command } from 'cmdk';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useLocation } from 'wouter';
import { Avatar } from '../../components/Avatar.js';
import { PersonName } from '../../components/PersonName.js';
import { describeError } from '../../components/errors.js';
import { Dialog } from '../../components/ui/index.js';
import { useApp, useConversationList } from '../../state/AppContext.js';
import { ConversationTitle } from '../conversations/ConversationTitle.js';
import { GroupAvatar } from '../conversations/ConversationList.js';
import { matchScore } from './conversation-order.js';
import './keyboard.css';

/** A pause after the last key before the directory is asked, so a fast typist sends one search. */
const SEARCH_DELAY_MS = 150;

/**
 * Ctrl/⌘+K (loaded on first use): type to filter my conversations (most recent first, unread
 * marked) and people from the directory; Enter opens the conversation, or the direct
 * conversation with the person (made if new). cmdk gives the combobox and listbox roles and
 * the arrow keys; the Radix dialog around it traps focus and gives Escape.
 */
export default function QuickSwitcher({ onClose }: { onClose: () => void }) {
  const { client, me, people: peopleStore } = useApp();
  const { conversations } = useConversationList();
  const known = useSyncExternalStore(peopleStore.subscribe, peopleStore.getSnapshot);
  const [, navigate] = useLocation();
  const [query, setQuery] = useState('');
  const people = useDirectory(query);
  const [error, setError] = useState<string | null>(null);
  // A ref, not state: the dialog unmounts in the same update that chose, and its focus handler reads this then.
  const chosen = useRef(false);
  const input = useRef<HTMLInputElement>(null);
  // Read while rendering, before the dialog takes focus: where focus goes back to on Escape.
  const before = useRef(document.activeElement instanceof HTMLElement ? document.activeElement : null);

  const titleOf = (c: ConversationSummary) => {
    if (c.kind === 'group') return c.title ?? 'Untitled group';
    const peer = c.peerId ? known.get(c.peerId) : undefined;
    return peer ? `${peer.displayName} @${peer.username}` : '';
  };
  const go = (conversationId: string) => {
    chosen.current = true;
    navigate(`/c/${conversationId}`);
    onClose();
  };
  const message = async (user: User) => {
    try {
      go((await client.openDirect(user.id)).id);
    } catch (caught) {
      setError(describeError(caught));
    }
  };
  // Direct conversations already listed are not offered again as people.
  const peers = new Set(conversations.map((c) => c.peerId));
  const newPeople = people.filter((u) => u.id !== me.id && !peers.has(u.id));

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title="Quick switcher"
      hideTitle
      className="quick-switcher"
      onOpenAutoFocus={(event) => {
        event.preventDefault(); // typing starts at once, not on the Close button
        input.current?.focus();
      }}
      onCloseAutoFocus={(event) => {
        event.preventDefault();
        // Closed without choosing: focus goes back where it was, or to the composer when that
        // element was replaced meanwhile (a list or timeline re-render).
        const back = before.current;
        if (!chosen.current && back?.isConnected && back !== document.body) back.focus();
        else focusComposerWhenShown();
      }}
    >
      <Command label="Quick switcher" loop filter={(value, search, keywords) => matchScore(keywords?.join(' ') ?? value, search)}>
        <Command.Input
          ref={input}
          className="quick-switcher-input"
          value={query}
          onValueChange={setQuery}
          placeholder="Go to a conversation or a person"
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <Command.List className="quick-switcher-list" label="Conversations and people">
          <Command.Empty className="list-status">Nothing found.</Command.Empty>
          <Command.Group heading="Conversations">
            {conversations.map((c) => (
              <Command.Item
                key={c.id}
                value={`conversation:${c.id}`}
                keywords={[titleOf(c)]}
                onSelect={() => go(c.id)}
                className="quick-switcher-item"
              >
                {c.kind === 'direct' ? <Avatar userId={c.peerId} size="sm" /> : <GroupAvatar title={c.title} id={c.id} />}
                <span className="quick-switcher-name">
                  <ConversationTitle conversation={c} />
                </span>
                {c.unreadCount > 0 && !c.muted && (
                  <span className="badge unread">
                    {c.unreadCount}
                    <span className="visually-hidden"> unread</span>
                  </span>
                )}
              </Command.Item>
            ))}
          </Command.Group>
          {newPeople.length > 0 && (
            <Command.Group heading="People">
              {newPeople.map((user) => (
                <Command.Item
                  key={user.id}
                  value={`person:${user.id}`}
                  keywords={[`${user.displayName} @${user.username}`]}
                  onSelect={() => void message(user)}
                  className="quick-switcher-item"
                >
                  <Avatar user={user} size="sm" />
                  <span className="quick-switcher-name">
                    <PersonName user={user} />
                  </span>
                  <span className="quick-switcher-hint">Message</span>
                </Command.Item>
              ))}
            </Command.Group>
          )}
        </Command.List>
      </Command>
    </Dialog>
  );
}

/** People from the directory matching what is typed (nothing for an empty field). */
function useDirectory(query: string): User[] {
  const { client, people } = useApp();
  const [found, setFound] = useState<{ q: string; users: User[] }>({ q: '', users: [] });
  useEffect(() => {
    const q = query.trim();
    if (q === '') return;
    let current = true;
    const timer = setTimeout(() => {
      client.searchUsers({ q, limit: 8 }).then(
        (page) => {
          if (!current) return;
          people.remember(page.items);
          setFound({ q, users: page.items });
        },
        () => current && setFound({ q, users: [] }), // the conversations still show; the directory is a bonus
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, people, query]);
  return query.trim() === '' ? [] : found.users;
}

/** The conversation just opened renders a moment later: its message field takes focus once it is there. */
function focusComposerWhenShown(frames = 60) {
  const field = document.querySelector<HTMLTextAreaElement>('.composer textarea');
  if (field) field.focus();
  else if (frames > 0) requestAnimationFrame(() => focusComposerWhenShown(frames - 1));
}
