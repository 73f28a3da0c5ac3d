import type { ConversationSummary } from '@confab/protocol';
import { ShieldAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import { PersonName } from '../../components/PersonName.js';
import { useApp, usePerson } from '../../state/AppContext.js';
import { conversationBanners } from '../messages/extensions.js';
import { openProfileCard } from '../profile/profile-card-host.js';
import { useVerifications } from './use-verification.js';
import './encryption.css';

/**
 * Above every encrypted conversation with someone whose identity key changed since I verified
 * them, or since it was first seen here (issue 39): a warning, never silence. It names them and
 * offers "Verify again" (their profile card: compare the new safety number, mark verified). It
 * stays until then; messages still go out meanwhile, to the devices their new key lists: a reset
 * on a new phone is the usual cause, someone listening in the one to rule out.
 */
conversationBanners.push({ id: 'identity-changed', component: IdentityChangedBanner });

function IdentityChangedBanner({ conversation }: { conversation: ConversationSummary }) {
  const people = useMembers(conversation);
  const states = useVerifications(people);
  const changed = people.filter((id) => states.get(id) === 'changed');
  if (!conversation.encrypted || changed.length === 0) return null;
  return (
    <section className="identity-changed" aria-label="Safety number changed">
      {changed.map((userId) => (
        <ChangedLine key={userId} userId={userId} />
      ))}
    </section>
  );
}

function ChangedLine({ userId }: { userId: string }) {
  const person = usePerson(userId);
  const name = person ? person.displayName || `@${person.username}` : 'this person';
  return (
    <p className="identity-changed-line">
      <ShieldAlert size={16} aria-hidden="true" />
      <span>
        The safety number of <PersonName userId={userId} /> changed: their encryption key is new. It happens when they set up encryption
        again on a new device, and it is what someone listening in would cause. Messages still send; compare the new number to be sure.
      </span>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={(event) => openProfileCard({ userId, label: `Profile of ${name}`, anchor: event.currentTarget })}
      >
        Verify again
      </button>
    </p>
  );
}

/** The other members of an encrypted conversation: the peer of a DM, a group's members (read again as they change). */
function useMembers(conversation: ConversationSummary): string[] {
  const { client, connection } = useApp();
  const [members, setMembers] = useState<string[]>([]);
  const group = conversation.encrypted && conversation.kind === 'group';
  useEffect(() => {
    if (!group) return;
    let live = true;
    const load = () =>
      client.getConversation(conversation.id).then(
        (detail) => live && setMembers(detail.members.map((m) => m.userId)),
        () => undefined,
      );
    void load();
    const here = (id: string) => id === conversation.id && void load();
    const stops = [
      connection.on('member.added', (e) => here(e.conversationId)),
      connection.on('member.removed', (e) => here(e.conversationId)),
    ];
    return () => {
      live = false;
      stops.forEach((stop) => stop());
    };
  }, [client, connection, conversation.id, group]);
  if (!conversation.encrypted) return [];
  if (conversation.kind === 'direct') return conversation.peerId ? [conversation.peerId] : [];
  return members;
}
