import { useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { User } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { type ComposerContext, composerAddons } from '../messages/extensions.js';
import { type MentionCandidate, applyMention, matchCandidates, mentionAt } from './mention-query.js';

/**
 * Mention autocomplete: typing `@` and the start of a name lists the conversation's members
 * who match (and `@all` in a group for its owners and admins); ↑/↓ choose, Enter or Tab puts
 * `@username ` in the text, Esc closes the list. The list is a listbox tied to the message field
 * (`aria-controls`, `aria-activedescendant`), so a screen reader follows the choice.
 */
composerAddons.push({ id: 'mentions', component: MentionAutocomplete });

export function MentionAutocomplete({ composer }: { composer: ComposerContext }) {
  const { conversation, services, field, text } = composer;
  const members = useMembers(composer);
  const listId = useId();
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const caret = Math.min(useCaret(field), text.length);
  const mention = mentionAt(text, caret);
  const offerAll = conversation.kind === 'group' && conversation.myRole !== 'member';
  const candidates = useMemo(
    () =>
      mention ? matchCandidates(members, mention.query, { myId: services.me.id, offerAll, showDeactivated: services.me.isAdmin }) : [],
    [members, mention?.query, services.me.id, services.me.isAdmin, offerAll], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const open = mention !== null && candidates.length > 0 && dismissedAt !== mention.start;
  const chosen = Math.min(active, candidates.length - 1);

  const pick = (candidate: MentionCandidate) => {
    if (!mention) return;
    const next = applyMention(text, mention, candidate.kind === 'all' ? 'all' : candidate.user.username);
    composer.setText(next.text);
    setActive(0);
    requestAnimationFrame(() => {
      field.current?.setSelectionRange(next.caret, next.caret);
      field.current?.dispatchEvent(new Event('select'));
    });
  };

  // The field's own keys (Enter sends) come after these while the list is open: a native
  // listener on the field runs before React's, which listens at the root.
  const latest = useRef({ open, chosen, candidates, pick, mention });
  useEffect(() => {
    latest.current = { open, chosen, candidates, pick, mention };
  });
  useEffect(() => {
    const element = field.current;
    if (!element) return;
    const onKeyDown = (event: KeyboardEvent) => {
      const now = latest.current;
      if (!now.open) return;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((now.chosen + step + now.candidates.length) % now.candidates.length);
      } else if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        now.pick(now.candidates[now.chosen]!);
      } else if (event.key === 'Escape') {
        setDismissedAt(now.mention?.start ?? null);
      } else return;
      event.preventDefault();
      event.stopPropagation();
    };
    element.addEventListener('keydown', onKeyDown);
    return () => element.removeEventListener('keydown', onKeyDown);
  }, [field]);

  // The field describes the list while it is open.
  const optionId = (i: number) => `${listId}-${i}`;
  useEffect(() => {
    const element = field.current;
    if (!element) return;
    element.setAttribute('aria-autocomplete', 'list');
    if (open) {
      element.setAttribute('aria-controls', listId);
      element.setAttribute('aria-activedescendant', optionId(chosen));
    } else {
      element.removeAttribute('aria-controls');
      element.removeAttribute('aria-activedescendant');
    }
  });

  if (!open) return null;
  return (
    <ul className="mention-list" role="listbox" id={listId} aria-label="People to mention">
      {candidates.map((candidate, i) => (
        <li
          key={candidate.kind === 'all' ? '@all' : candidate.user.id}
          id={optionId(i)}
          role="option"
          aria-selected={i === chosen}
          // Keeps the focus in the message field.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => pick(candidate)}
        >
          {candidate.kind === 'all' ? (
            <span>
              <bdi className="username">@all</bdi> <span className="hint">everyone here</span>
            </span>
          ) : (
            <PersonName user={candidate.user} />
          )}
        </li>
      ))}
    </ul>
  );
}

/** The conversation's members as users, read when the composer opens (and on joins and leaves). */
function useMembers({ conversation, services }: ComposerContext): User[] {
  const { client, connection, people } = services;
  const [ids, setIds] = useState<string[]>([]);
  useEffect(() => {
    let current = true;
    const load = () =>
      client.getConversation(conversation.id).then(
        (d) => current && setIds(d.members.map((m) => m.userId)),
        () => undefined,
      );
    void load();
    const reload = (event: { conversationId: string }) => event.conversationId === conversation.id && void load();
    const stops = [connection.on('member.added', reload), connection.on('member.removed', reload)];
    return () => {
      current = false;
      for (const stop of stops) stop();
    };
  }, [client, connection, conversation.id]);
  useEffect(() => {
    for (const id of ids) people.request(id);
  }, [ids, people]);
  const known = useSyncExternalStore(people.subscribe, people.getSnapshot);
  return useMemo(() => ids.map((id) => known.get(id)).filter((u): u is User => u !== undefined), [ids, known]);
}

/**
 * Where the caret is in the field, followed through its events: reading `selectionStart` while
 * rendering would give the position in the text before this render's change.
 */
function useCaret(field: ComposerContext['field']): number {
  const [caret, setCaret] = useState(Number.MAX_SAFE_INTEGER);
  useEffect(() => {
    const element = field.current;
    if (!element) return;
    const update = () => setCaret(element.selectionStart ?? element.value.length);
    const events = ['input', 'keyup', 'click', 'select', 'focus'] as const;
    for (const name of events) element.addEventListener(name, update);
    return () => {
      for (const name of events) element.removeEventListener(name, update);
    };
  }, [field]);
  return caret;
}
