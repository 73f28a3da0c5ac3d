import { useState } from 'react';
import type { ConversationSummary } from '@confab/protocol';
import { useAction } from '../../components/useAction.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useApp, useBlocked } from '../../state/AppContext.js';
import { conversationHeaderActions } from '../messages/extensions.js';

/**
 * My own settings of a conversation, in its header: mute (only mentions notify me), clear my
 * history (after a confirmation; the others keep theirs), and in a direct conversation block
 * (after a confirmation dialog) or unblock the other person (they are never told; while
 * blocked neither of us can write in our DM, issue 35).
 * The list's summaries carry mute and clear (the store applies `conversation.updated`), so the
 * buttons show the state as it is on every device.
 */
conversationHeaderActions.push(
  { id: 'mute', component: MuteButton },
  { id: 'clear', component: ClearHistory },
  { id: 'block', component: BlockButton },
);

function MuteButton({ conversation }: { conversation: ConversationSummary }) {
  const { client } = useApp();
  const toggle = useAction(async () => void (await client.setMuted(conversation.id, !conversation.muted)));
  return (
    <button
      type="button"
      aria-pressed={conversation.muted}
      disabled={toggle.busy}
      onClick={() => void toggle.run()}
      title={toggle.error ?? undefined}
    >
      {conversation.muted ? 'Muted' : 'Mute'}
    </button>
  );
}

function ClearHistory({ conversation }: { conversation: ConversationSummary }) {
  const { client } = useApp();
  const [confirming, setConfirming] = useState(false);
  const clear = useAction(async () => {
    await client.clearHistory(conversation.id);
    setConfirming(false);
  });
  if (!confirming)
    return (
      <button type="button" onClick={() => setConfirming(true)}>
        Clear history
      </button>
    );
  return (
    <span role="group" aria-label="Confirm clearing the history" className="header-confirm">
      <span>Clear your history of this conversation? The others keep theirs.</span>
      <button type="button" className="danger" disabled={clear.busy} onClick={() => void clear.run()}>
        Clear for me
      </button>
      <button type="button" autoFocus onClick={() => setConfirming(false)} onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}>
        Keep it
      </button>
      {clear.error && <span className="error">{clear.error}</span>}
    </span>
  );
}

function BlockButton({ conversation }: { conversation: ConversationSummary }) {
  const { blocks } = useApp();
  const { loaded, ids } = useBlocked();
  const peerId = conversation.kind === 'direct' ? conversation.peerId : null;
  const [confirming, setConfirming] = useState(false);
  const blocked = peerId !== null && ids.has(peerId);
  const toggle = useAction(async () => {
    if (!peerId) return;
    await blocks.setBlocked(peerId, !blocked);
    setConfirming(false);
  });
  if (!peerId || !loaded) return null;
  // Unblocking needs no question; blocking asks first (issue 35).
  return (
    <>
      <button
        type="button"
        aria-pressed={blocked}
        disabled={toggle.busy}
        onClick={() => (blocked ? void toggle.run() : setConfirming(true))}
        title={confirming ? undefined : (toggle.error ?? undefined)}
      >
        {blocked ? 'Unblock' : 'Block'}
      </button>
      {confirming && (
        <ConfirmDialog
          title="Block this person?"
          confirmLabel="Block"
          busy={toggle.busy}
          error={toggle.error}
          onConfirm={() => void toggle.run()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Neither of you will be able to send messages, react or pin here, and neither will see the other online or typing. In groups you
            share, their messages are folded away. They are not told. You can unblock at any time.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
