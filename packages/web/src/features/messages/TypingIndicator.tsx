import { memo } from 'react';
import { PersonName } from '../../components/PersonName.js';
import { useTyping } from '../../state/AppContext.js';

/** "Alice @alice is typing…" under the timeline; announced politely, and keeps its height when empty so nothing jumps. */
export const TypingIndicator = memo(function TypingIndicator({ conversationId }: { conversationId: string }) {
  const typists = useTyping(conversationId);
  return (
    <p className="typing-indicator" aria-live="polite">
      {typists.length > 0 && (
        <>
          {typists.slice(0, 3).map((userId, i) => (
            <span key={userId}>
              {i > 0 && (i === typists.length - 1 ? ' and ' : ', ')}
              <PersonName userId={userId} />
            </span>
          ))}
          {typists.length > 3 && ` and ${typists.length - 3} more`}
          {typists.length === 1 ? ' is typing…' : ' are typing…'}
        </>
      )}
    </p>
  );
});
