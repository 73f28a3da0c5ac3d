import { useEffect, useState } from 'react';
import type { ReplySuggestion } from '@confab/protocol';
import { useApp } from '../../state/AppContext.js';
import { type ComposerContext, composerBanners } from '../messages/extensions.js';
import { featureOn, useAssist } from './assist-state.js';

/**
 * Reply chips (issue 40): above the composer, for the conversation's last message when someone
 * else wrote it, my own past replies to messages like it and "Yes"/"No" for a yes/no question
 * (GET /api/v1/messages/:id/reply-suggestions). A chip puts its text in the field; I send it.
 * The "Schedule for …" chip is not shown here (the web app has no calendar to add it to).
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
        (found) => live && setChips({ for: target, items: found.items.filter((i) => i.action === undefined) }),
        () => live && setChips({ for: target, items: [] }),
      );
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(ask);
    };
  }, [client, on, target]);
  if (!on || target === null || chips?.for !== target || chips.items.length === 0 || composer.text !== '') return null;
  return (
    <div className="reply-chips" role="group" aria-label="Suggested replies">
      {chips.items.map((chip) => (
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
      ))}
    </div>
  );
}
