import type { ConversationSummary } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';

/** A group's title, or the other person of a direct conversation (display name and username). */
export function ConversationTitle({ conversation }: { conversation: Pick<ConversationSummary, 'kind' | 'title' | 'peerId'> }) {
  if (conversation.kind === 'direct') return <PersonName userId={conversation.peerId} />;
  return <bdi>{conversation.title ?? 'Untitled group'}</bdi>;
}
