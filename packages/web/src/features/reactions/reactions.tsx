import { useAction } from '../../components/useAction.js';
import { SmilePlus } from 'lucide-react';
import { type MessageContext, messageActions, messageAddons } from '../messages/extensions.js';
import { rowMode, useRowMode } from '../row-mode.js';

/** The picker's choices: common ones; the server takes any single emoji or `:shortcode:`. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢', '👀', '✅'];

/**
 * Reactions: chips under the message (emoji and count, pressed when one is mine; pressing
 * toggles mine), and "React" opens a small picker in the row. Everyone sees the change live
 * (`message.updated`).
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
  const { message, services } = context;
  const picking = useRowMode(message.id) === 'react';
  const toggle = useAction(async (emoji: string, on: boolean) => {
    await (on ? services.client.messages.react(message.id, emoji) : services.client.messages.unreact(message.id, emoji));
  });
  if (message.deletedAt !== null || (message.reactions.length === 0 && !picking)) return null;
  return (
    <div className="reactions">
      {message.reactions.length > 0 && (
        <ul className="reaction-chips" aria-label="Reactions">
          {message.reactions.map((reaction) => {
            const mine = reaction.userIds.includes(services.me.id);
            return (
              <li key={reaction.emoji}>
                <button
                  type="button"
                  className="reaction-chip"
                  aria-pressed={mine}
                  aria-label={`${reaction.emoji} ${reaction.count}${mine ? ', including you' : ''}`}
                  onClick={() => void toggle.run(reaction.emoji, !mine)}
                >
                  <span aria-hidden="true">{reaction.emoji}</span> <span aria-hidden="true">{reaction.count}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {picking && (
        <div className="reaction-picker" role="group" aria-label="Pick a reaction">
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              aria-label={`React with ${emoji}`}
              onClick={() => {
                rowMode.close();
                const mine = message.reactions.some((r) => r.emoji === emoji && r.userIds.includes(services.me.id));
                void toggle.run(emoji, !mine);
              }}
              onKeyDown={(e) => e.key === 'Escape' && rowMode.close()}
            >
              {emoji}
            </button>
          ))}
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
