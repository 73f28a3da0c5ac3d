import { SmilePlus } from 'lucide-react';
import type { Reaction } from '@confab/protocol';
import { useAction } from '../../components/useAction.js';
import { Tooltip } from '../../components/ui/index.js';
import { type MessageContext, messageActions, messageAddons } from '../messages/extensions.js';
import { rowMode, useRowMode } from '../row-mode.js';
import { EmojiPickerButton } from './EmojiPickerButton.js';
import { quickBar, useRecentEmoji } from './recent-emoji.js';
import { reactedBy, useDisplayNames } from './reacted-by.js';
import { encryptedReactionStore, useEncryptedReactions } from '../encryption/encrypted-reactions.js';

/**
 * Reactions: chips under the message (emoji and count, pressed when one is mine, pressing
 * toggles mine; the tooltip and the accessible name say who reacted). "React" opens the quick
 * bar in the row: my six most recent emoji (defaults until then) and "More reactions", the full
 * picker. Everyone sees the change live (`message.updated`). In an encrypted conversation the
 * reaction goes inside an MLS message and each browser counts those it decrypted (encrypted-reactions.ts).
 */
messageActions.push({
  id: 'react',
  label: 'React',
  icon: SmilePlus,
  placement: 'bar',
  available: (c) => c.message.deletedAt === null && c.message.kind !== 'system',
  run: (c) => rowMode.toggle(c.message.id, 'react'),
});

messageAddons.push({ id: 'reactions', component: Reactions });

function Reactions({ context }: { context: MessageContext }) {
  const { message, services, conversation } = context;
  const picking = useRowMode(message.id) === 'react';
  const [recent, recentList] = useRecentEmoji();
  // In an encrypted conversation the keys are inside MLS messages: counted on this device (part 5).
  const encrypted = conversation.encrypted;
  const counted = useEncryptedReactions(services, conversation.id, message.id, encrypted);
  const reactions = encrypted ? counted : message.reactions;
  const toggle = useAction(async (emoji: string, on: boolean) => {
    if (encrypted) return encryptedReactionStore(services.client, services.connection).toggle(conversation.id, message.id, emoji, on);
    await (on ? services.client.messages.react(message.id, emoji) : services.client.messages.unreact(message.id, emoji));
  });
  if (message.deletedAt !== null || (reactions.length === 0 && !picking)) return null;
  const isMine = (emoji: string) => reactions.some((r) => r.emoji === emoji && r.userIds.includes(services.me.id));
  const react = (emoji: string) => {
    rowMode.close();
    const on = !isMine(emoji);
    if (on) recent.use(emoji);
    void toggle.run(emoji, on);
  };
  return (
    <div className="reactions">
      {reactions.length > 0 && (
        <ul className="reaction-chips" aria-label="Reactions">
          {reactions.map((reaction) => (
            <li key={reaction.emoji}>
              <ReactionChip reaction={reaction} meId={services.me.id} onToggle={(on) => void toggle.run(reaction.emoji, on)} />
            </li>
          ))}
        </ul>
      )}
      {picking && (
        <div className="reaction-picker" role="group" aria-label="Pick a reaction" onKeyDown={(e) => e.key === 'Escape' && rowMode.close()}>
          {quickBar(recentList).map((emoji) => (
            <button key={emoji} type="button" aria-label={`React with ${emoji}`} aria-pressed={isMine(emoji)} onClick={() => react(emoji)}>
              {emoji}
            </button>
          ))}
          <EmojiPickerButton
            label="Pick a reaction"
            side="bottom"
            onPick={react}
            trigger={
              <button type="button" className="icon-button" aria-label="More reactions">
                <SmilePlus aria-hidden="true" size={18} />
              </button>
            }
          />
        </div>
      )}
      {toggle.error && (
        <p className="error" role="alert">
          {toggle.error}
        </p>
      )}
    </div>
  );
}

/** One emoji's chip: "👍 3: Ada, Bo and you" as its name and tooltip; pressed when I am among them. */
function ReactionChip({ reaction, meId, onToggle }: { reaction: Reaction; meId: string; onToggle(on: boolean): void }) {
  const nameOf = useDisplayNames(reaction.userIds.filter((id) => id !== meId));
  const mine = reaction.userIds.includes(meId);
  const who = `${reaction.emoji} ${reaction.count}: ${reactedBy(reaction.userIds, meId, nameOf)}`;
  return (
    <Tooltip label={who}>
      <button type="button" className="reaction-chip" aria-pressed={mine} aria-label={who} onClick={() => onToggle(!mine)}>
        <span aria-hidden="true">{reaction.emoji}</span> <span aria-hidden="true">{reaction.count}</span>
      </button>
    </Tooltip>
  );
}
