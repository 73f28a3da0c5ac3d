import type { ReactNode } from 'react';
import { usePerson } from '../../state/AppContext.js';
import { openProfileCard } from './profile-card-host.js';

/**
 * A name or avatar that opens the person's profile card (issue 36 item 2): a button, so it is
 * reached and opened from the keyboard too, named "Profile of …". The card itself is the app's
 * one card (profile-card-host.tsx), placed beside the button pressed.
 */
export function ProfileTrigger({
  userId,
  children,
  className,
  keyboard = true,
}: {
  userId: string;
  children: ReactNode;
  className?: string;
  /** False for a second trigger beside one that is (an avatar beside the name): one tab stop per person. */
  keyboard?: boolean;
}) {
  const person = usePerson(userId);
  const name = person ? (person.deleted ? 'Deleted user' : person.displayName || `@${person.username}`) : 'this person';
  const label = `Profile of ${name}`;
  return (
    <button
      type="button"
      className={className ? `profile-trigger ${className}` : 'profile-trigger'}
      aria-label={label}
      aria-haspopup="dialog"
      onClick={(event) => openProfileCard({ userId, label, anchor: event.currentTarget })}
      {...(keyboard ? {} : { tabIndex: -1 })}
    >
      {children}
    </button>
  );
}
