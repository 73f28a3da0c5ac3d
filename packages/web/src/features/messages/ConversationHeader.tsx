import { memo } from 'react';
import type { ConversationSummary } from '@confab/protocol';
import { ChevronLeft } from 'lucide-react';
import { Link } from 'wouter';
import { usePresence } from '../../state/AppContext.js';
import { ConversationTitle } from '../conversations/ConversationTitle.js';
import { formatDay, formatTime } from '../../components/time.js';
import { HeaderActions } from './HeaderActions.js';
import { VerifiedShield } from '../encryption/VerifiedShield.js';

/** The conversation's name, the other person's presence in a DM (a group's size and description), and the header actions features add. */
export const ConversationHeader = memo(function ConversationHeader({
  conversation,
  openPanel,
}: {
  conversation: ConversationSummary;
  openPanel: (panel: string, arg?: string) => void;
}) {
  return (
    <header className="conversation-header">
      {/* A phone's way back to the list (the list and a conversation are separate screens there). */}
      <Link href="/" className="back-link icon-button" aria-label="Back to conversations">
        <ChevronLeft size={22} aria-hidden="true" />
      </Link>
      <div className="conversation-heading">
        <h2 id="conversation-title">
          <ConversationTitle conversation={conversation} />
          {conversation.encrypted && conversation.kind === 'direct' && <VerifiedShield userId={conversation.peerId} />}
        </h2>
        {conversation.kind === 'direct' ? (
          <PeerPresence userId={conversation.peerId} />
        ) : (
          <p className="conversation-sub">
            {conversation.memberCount} members
            {conversation.description && (
              <>
                {' · '}
                <bdi className="conversation-description" title={conversation.description}>
                  {conversation.description}
                </bdi>
              </>
            )}
          </p>
        )}
      </div>
      <HeaderActions conversation={conversation} openPanel={openPanel} />
    </header>
  );
});

function PeerPresence({ userId }: { userId: string | null }) {
  const presence = usePresence(userId);
  if (!presence) return null;
  if (presence.online) return <p className="conversation-sub">Online</p>;
  if (!presence.lastSeenAt) return <p className="conversation-sub">Offline</p>;
  return (
    <p className="conversation-sub">
      Last seen {formatDay(presence.lastSeenAt).toLowerCase()} at {formatTime(presence.lastSeenAt)}
    </p>
  );
}
