import type { ConversationSummary } from '@confab/protocol';
import { PersonName } from '../../components/PersonName.js';
import { EncryptedMark } from '../encryption/EncryptedMark.js';

/** A group's title, or the other person of a direct conversation (display name and username); a lock when it is encrypted. */
export function ConversationTitle({
  conversation,
}: {
  conversation: Pick<ConversationSummary, 'kind' | 'title' | 'peerId'> & { encrypted?: boolean };
}) {
  const lock = conversation.encrypted === true ? <EncryptedMark /> : null;
  if (conversation.kind === 'direct')
    return (
      <>
        <PersonName userId={conversation.peerId} />
        {lock}
      </>
    );
  return (
    <>
      <bdi>{conversation.title ?? 'Untitled group'}</bdi>
      {lock}
    </>
  );
}
