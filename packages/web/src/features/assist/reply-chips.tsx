import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ReplySuggestion } from '@confab/protocol';
import { useApp } from '../../state/AppContext.js';
import { type ComposerContext, composerBanners } from '../messages/extensions.js';
import { ScheduleDialog } from '../scheduled/ScheduleSend.js';
import { featureOn, useAssist } from './assist-state.js';

/**
 * Reply chips (issue 40): above the composer, for the conversation's last message when someone
 * else wrote it, my own past replies to messages like it and "Yes"/"No" for a yes/no question
 * (GET /api/v1/messages/:id/reply-suggestions). A chip puts its text in the field; I send it.
 * A "Schedule for …" chip (a time the message names) opens "Schedule send" at that time for what
 * I typed: it stays while I type, and waits for a text before it can be pressed.
 */
composerBanners.push({ id: 'reply-chips', component: ReplyChips });

/**
 * How long the last message must stay the last before its suggestions are asked for: a busy
 * conversation would otherwise ask once per arriving message, for chips nobody had time to see.
 */
const SETTLE_MS = 800;

function ReplyChips({ composer }: { composer: ComposerContext }) {
  const { client, me } = useApp();
  const on = featureOn(useAssist(client), 'replySuggestions');
  const last = composer.conversation.lastMessage;
  const target = last && last.senderId !== me.id && last.deletedAt === null && last.kind !== 'system' ? last.id : null;
  const [chips, setChips] = useState<{ for: string; items: ReplySuggestion[] } | null>(null);
  useEffect(() => {
    if (!on || target === null) return;
    let live = true;
    const ask = setTimeout(() => {
      client.assist.replySuggestions(target).then(
        (found) => live && setChips({ for: target, items: found.items }),
        () => live && setChips({ for: target, items: [] }),
      );
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(ask);
    };
  }, [client, on, target]);
  // Once I send a reply here, the chips for the message I answered are done: my message is
  // pending until the server's summary names it the last, and an emptied field would show them again.
  const outbox = composer.services.outbox;
  const sending = useSyncExternalStore(outbox.subscribe, outbox.getSnapshot).some(
    (pending) =>
      pending.status === 'sending' && pending.conversationId === composer.conversation.id && pending.links.threadRootId === undefined,
  );
  const [answered, setAnswered] = useState<string | null>(null);
  if (sending && target !== null && answered !== target) setAnswered(target);
  const [scheduling, setScheduling] = useState<Date | null>(null);
  if (!on || target === null || chips?.for !== target || answered === target) return null;
  // Replies fill an empty field, so they step aside while I type; a schedule chip needs the text.
  const shown = chips.items.filter((chip) => chip.action !== undefined || composer.text === '');
  if (shown.length === 0) return null;
  const typed = composer.text.trim() !== '';
  return (
    <div className="reply-chips" role="group" aria-label="Suggested replies">
      {shown.map((chip) =>
        chip.action ? (
          <button
            key={chip.text}
            type="button"
            className="reply-chip"
            disabled={!typed}
            title={typed ? undefined : 'Type the message to schedule first'}
            onClick={() => setScheduling(new Date(chip.action!.at))}
          >
            {chip.text}
          </button>
        ) : (
          <button
            key={chip.text}
            type="button"
            className="reply-chip"
            onClick={() => {
              composer.setText(chip.text);
              composer.field.current?.focus();
            }}
          >
            {chip.text}
          </button>
        ),
      )}
      {scheduling && (
        <ScheduleDialog
          conversation={composer.conversation}
          text={composer.text}
          at={scheduling}
          onClose={() => setScheduling(null)}
          onScheduled={() => composer.setText('')}
        />
      )}
    </div>
  );
}
