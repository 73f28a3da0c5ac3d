import { useEffect, useState } from 'react';
import { MessageSquare } from 'lucide-react';
import { useLocation } from 'wouter';
import { Avatar } from '../../components/Avatar.js';
import { formatDay, formatTime } from '../../components/time.js';
import { useAction } from '../../components/useAction.js';
import { useApp, usePerson, usePresence } from '../../state/AppContext.js';
import { localTimeIn } from './local-time.js';
import { SafetyNumber } from '../encryption/SafetyNumber.js';
import { VerifiedShield } from '../encryption/VerifiedShield.js';
import './profile-card.css';

/** Avatar (256 px), display name (a shield once I verified them), username, bio, local time, presence, our safety number and "Message" (opens or creates the DM). */
export function ProfileCard({ userId }: { userId: string }) {
  const { client, me } = useApp();
  const person = usePerson(userId);
  const presence = usePresence(userId === me.id ? null : userId);
  const [, navigate] = useLocation();
  const now = useMinute();
  const message = useAction(async () => {
    const conversation = await client.openDirect(userId);
    navigate(`/c/${conversation.id}`);
  });
  if (!person) return <p className="profile-card">Loading…</p>;
  if (person.deleted) return <p className="profile-card">Deleted user</p>;
  const localTime = person.timeZone ? localTimeIn(person.timeZone, now) : null;
  return (
    <div className="profile-card">
      <Avatar user={person} size="lg" />
      <h3 className="profile-card-name">
        <bdi>{person.displayName}</bdi>
        {userId !== me.id && <VerifiedShield userId={userId} />}
      </h3>
      <p className="profile-card-username">
        <bdi>@{person.username}</bdi>
        {person.deactivated && ' (deactivated)'}
      </p>
      {person.bio && <p className="profile-card-bio">{person.bio}</p>}
      <dl className="profile-card-facts">
        {localTime && (
          <div>
            <dt className="visually-hidden">Local time</dt>
            <dd>{localTime} local time</dd>
          </div>
        )}
        {presence && (
          <div>
            <dt className="visually-hidden">Presence</dt>
            <dd>
              {presence.online
                ? 'Online'
                : presence.lastSeenAt
                  ? `Last seen ${formatDay(presence.lastSeenAt).toLowerCase()} at ${formatTime(presence.lastSeenAt)}`
                  : 'Offline'}
            </dd>
          </div>
        )}
      </dl>
      {userId !== me.id && <SafetyNumber userId={userId} name={person.displayName} />}
      {message.error && (
        <p className="error" role="alert">
          {message.error}
        </p>
      )}
      {userId !== me.id && !person.deactivated && (
        <button type="button" className="primary" disabled={message.busy} onClick={() => void message.run()}>
          <MessageSquare size={16} aria-hidden="true" /> Message
        </button>
      )}
    </div>
  );
}

/** The time now, again each minute while the card is open: its local time stays right. */
function useMinute(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000 - (Date.now() % 60_000));
    return () => clearInterval(timer);
  }, []);
  return now;
}
