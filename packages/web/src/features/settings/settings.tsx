import { Ban, BellOff, Eraser } from 'lucide-react';
import { type HeaderContext, conversationHeaderActions } from '../messages/extensions.js';

/**
 * My own settings of a conversation, in its header: mute (only mentions notify me), clear my
 * history (after a confirmation; the others keep theirs), and in a direct conversation block
 * (after a confirmation) or unblock the other person (they are never told; while blocked
 * neither of us can write in our DM, issue 35).
 * The list's summaries carry mute and clear (the store applies `conversation.updated`), so the
 * buttons show the state as it is on every device.
 */
const peerOf = (c: HeaderContext) => (c.conversation.kind === 'direct' ? c.conversation.peerId : null);
const blocks = (c: HeaderContext) => {
  const peer = peerOf(c);
  return peer !== null && c.blocked.ids.has(peer);
};

conversationHeaderActions.push(
  {
    id: 'mute',
    label: (c) => (c.conversation.muted ? 'Unmute' : 'Mute'),
    icon: BellOff,
    pressed: (c) => c.conversation.muted,
    run: async (c) => void (await c.services.client.setMuted(c.conversation.id, !c.conversation.muted)),
  },
  {
    id: 'clear',
    label: 'Clear history',
    icon: Eraser,
    danger: true,
    confirm: () => ({
      title: 'Clear your history of this conversation?',
      body: 'Its messages disappear for you, on all your devices. The others keep theirs.',
      confirmLabel: 'Clear for me',
    }),
    run: async (c) => void (await c.services.client.clearHistory(c.conversation.id)),
  },
  {
    id: 'block',
    label: (c) => (blocks(c) ? 'Unblock' : 'Block'),
    icon: Ban,
    danger: true,
    available: (c) => peerOf(c) !== null && c.blocked.loaded,
    pressed: blocks,
    // Unblocking needs no question; blocking asks first (issue 35).
    confirm: (c) =>
      blocks(c)
        ? null
        : {
            title: 'Block this person?',
            body:
              'Neither of you will be able to send messages, react or pin here, and neither will see the other online or typing. In groups you ' +
              'share, their messages are folded away. They are not told. You can unblock at any time.',
            confirmLabel: 'Block',
          },
    run: async (c) => {
      const peer = peerOf(c);
      if (peer !== null) await c.services.blocks.setBlocked(peer, !blocks(c));
    },
  },
);
