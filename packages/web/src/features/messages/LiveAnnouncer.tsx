import type { Message } from '@confab/protocol';
import { memo, useEffect, useRef, useState } from 'react';
import { useApp } from '../../state/AppContext.js';

/** How many announcements stay in the region: enough for a burst, few enough to stay small. */
const KEPT = 5;
const EXCERPT = 140;

/** What a screen reader says for one incoming message. */
export function announcementOf(message: Message, sender: string): string {
  const what =
    message.kind === 'text'
      ? (message.body ?? '').length > EXCERPT
        ? `${(message.body ?? '').slice(0, EXCERPT)}…`
        : message.body
      : message.kind === 'voice'
        ? 'a voice message'
        : message.kind === 'location'
          ? 'a location'
          : 'an attachment';
  return `New message from ${sender}: ${what}`;
}

/**
 * Incoming messages of the open conversation, read out politely (issue 36 item 11): a visually
 * hidden live region of its own, because the timeline (role="log") is virtualised — rows enter
 * and leave it as one scrolls, which is no signal of a new message. Mine, system notices, thread
 * replies (their panel shows them) and people I block are not announced.
 */
export const LiveAnnouncer = memo(function LiveAnnouncer({ conversationId }: { conversationId: string }) {
  const { connection, me, people, blocks } = useApp();
  const [lines, setLines] = useState<{ id: string; text: string }[]>([]);
  const seen = useRef(new Set<string>());
  const queue = useRef(Promise.resolve());
  useEffect(() => {
    let stopped = false;
    const stop = connection.on('message.created', ({ message }) => {
      if (message.conversationId !== conversationId || message.senderId === me.id) return;
      if (message.kind === 'system' || message.threadRootId || message.deletedAt) return;
      if (blocks.getSnapshot().ids.has(message.senderId) || seen.current.has(message.id)) return;
      seen.current.add(message.id);
      // A sender not read yet (the first message of someone new) is named once their profile
      // lands; the chain keeps announcements in the order the messages came.
      queue.current = queue.current
        .then(() => people.known(message.senderId))
        .then((person) => {
          if (stopped) return;
          const sender = person ? person.displayName || `@${person.username}` : 'someone';
          setLines((kept) => [...kept.slice(1 - KEPT), { id: message.id, text: announcementOf(message, sender) }]);
        });
    });
    return () => {
      stopped = true;
      stop();
    };
  }, [connection, conversationId, me.id, people, blocks]);
  return (
    <div className="visually-hidden" aria-live="polite" aria-relevant="additions">
      {lines.map((line) => (
        <p key={line.id}>{line.text}</p>
      ))}
    </div>
  );
});
