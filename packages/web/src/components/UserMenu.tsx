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
      <button type="button" onClick={() => void session.signOut()}>
        Sign out
      </button>
    </div>
  );
}
