import { useEffect, useState } from 'react';
import type { ConversationSummary } from '@confab/protocol';
import { useAction } from '../../components/useAction.js';
import { useApp } from '../../state/AppContext.js';
import { conversationHeaderActions } from '../messages/extensions.js';

/**
 * My own settings of a conversation, in its header: mute (only mentions notify me), clear my
 * history (after a confirmation; the others keep theirs), and in a direct conversation block
 * or unblock the other person (they are never told; while blocked they cannot write to me).
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
  const { client, connection } = useApp();
  const peerId = conversation.kind === 'direct' ? conversation.peerId : null;
  const [blocked, setBlocked] = useState<boolean | null>(null);
  useEffect(() => {
    if (!peerId) return;
    let current = true;
    // Whether I block them: my blocks, paged through.
    void (async () => {
      for (let cursor: string | undefined; ;) {
        const page = await client.blockedUsers({ limit: 100, ...(cursor ? { cursor } : {}) });
        if (page.items.some((u) => u.id === peerId)) return current && setBlocked(true);
        if (page.nextCursor === null) return current && setBlocked(false);
        cursor = page.nextCursor;
      }
    })().catch(() => current && setBlocked(false));
    const stop = connection.on('block.updated', (event) => {
      if (event.userId === peerId) setBlocked(event.blocked);
    });
    return () => {
      current = false;
      stop();
    };
  }, [client, connection, peerId]);
  const toggle = useAction(async () => {
    if (!peerId || blocked === null) return;
    setBlocked((await client.setBlocked(peerId, !blocked)).blocked);
  });
  if (!peerId || blocked === null) return null;
  return (
    <button type="button" aria-pressed={blocked} disabled={toggle.busy} onClick={() => void toggle.run()}>
      {blocked ? 'Unblock' : 'Block'}
    </button>
  );
}
