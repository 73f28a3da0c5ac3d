import { Link } from 'wouter';
import { useApp } from '../state/AppContext.js';
import { useSessionController } from '../session/SessionContext.js';
import { PersonName } from './PersonName.js';

/** Who is signed in, and signing out. Account pages add their links here. */
export function UserMenu() {
  const { me } = useApp();
  const session = useSessionController();
  return (
    <div className="user-menu">
      <PersonName user={me} />
      <Link href="/settings/profile">Profile</Link>
      <Link href="/saved">Saved</Link>
      <Link href="/settings">Account</Link>
      {me.isAdmin && <Link href="/admin">Administration</Link>}
      <button type="button" onClick={() => void session.signOut()}>
        Sign out
      </button>
    </div>
  );
}
