import { useEffect, useState } from 'react';
import type { ConversationSummary, Message } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { describeError } from '../../components/errors.js';
import { useApp } from '../../state/AppContext.js';
import {
  type MessageContext,
  conversationHeaderActions,
  conversationPanels,
  messageActions,
  messageAddons,
} from '../messages/extensions.js';
import { jumpToMessage } from '../search/jump.js';
import { UNREADABLE_EXCERPT, unreadableHere } from '../encryption/unreadable.js';
import { Pin } from 'lucide-react';

/**
 * Pins: "Pin"/"Unpin" on a message (a group's owners and admins; either person of a direct
 * conversation), a "Pinned" mark on the row, and the Pinned panel listing them newest pin first,
 * each a jump to the message. The panel follows pins and unpins live.
 */
const mayPin = (c: Pick<MessageContext, 'conversation'>) => c.conversation.kind === 'direct' || c.conversation.myRole !== 'member';

messageActions.push({
  id: 'pin',
  label: (c) => (c.message.pinnedAt === null ? 'Pin' : 'Unpin'),
  icon: Pin,
  available: (c) => c.message.deletedAt === null && c.message.kind !== 'system' && mayPin(c),
  run: async (c) => {
    if (c.message.pinnedAt === null) await c.services.client.messages.pin(c.message.id);
    else await c.services.client.messages.unpin(c.message.id);
  },
});

messageAddons.push({
  id: 'pinned-mark',
  placement: 'before-body',
  component: ({ context }) =>
    context.message.pinnedAt !== null && context.message.deletedAt === null ? (
      <span className="pinned-mark">
        <Pin aria-hidden="true" size={12} className="inline-icon" /> Pinned
      </span>
    ) : null,
});

conversationHeaderActions.push({ id: 'pins', label: 'Pinned', icon: Pin, run: (c) => c.openPanel('pins') });

conversationPanels.push({ id: 'pins', title: 'Pinned messages', component: PinsPanel });

function PinsPanel({ conversation }: { conversation: ConversationSummary }) {
  const { client, connection } = useApp();
  const [pins, setPins] = useState<Message[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    const load = () =>
      client.messages.pins(conversation.id).then(
        (list) => current && setPins(list.items),
        (caught: unknown) => current && setError(describeError(caught)),
      );
    void load();
    const reload = ({ message }: { message: Message }) => {
      if (message.conversationId === conversation.id) void load();
    };
    const stops = [connection.on('message.updated', reload), connection.on('message.deleted', reload)];
    return () => {
      current = false;
      for (const stop of stops) stop();
    };
  }, [client, connection, conversation.id]);
  if (error) return <p className="error">{error}</p>;
  if (pins === null) return <p role="status">Loading…</p>;
  if (pins.length === 0) return <p className="hint">Nothing is pinned.</p>;
  return (
    <ul className="panel-list">
      {pins.map((m) => (
        <li key={m.id}>
          <button type="button" className="panel-item" onClick={() => void jumpToMessage(conversation.id, m.seq)}>
            <PersonName userId={m.senderId} />
            <bdi className="excerpt">{unreadableHere(m) ? UNREADABLE_EXCERPT : (m.body ?? '').slice(0, 200) || `(${m.kind})`}</bdi>
          </button>
        </li>
      ))}
    </ul>
  );
}
