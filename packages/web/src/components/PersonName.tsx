import type { User } from '@confab/protocol';
import { usePerson } from '../state/AppContext.js';

/**
 * A person as the app always names them: display name with the username beside it, each in its
 * own `<bdi>` so right-to-left or invisible characters in one cannot reorder the text around it
 * (a name cannot pass itself off as someone else's). A deactivated account says so after it.
 */
export function PersonName({ userId, user }: { userId?: string | null; user?: User }) {
  const fetched = usePerson(user ? undefined : userId);
  const person = user ?? fetched;
  if (!person) return <span className="person-name loading">…</span>;
  if (person.deleted) return <span className="person-name deleted">Deleted user</span>;
  return (
    <span className="person-name">
      <bdi className="display-name">{person.displayName}</bdi> <bdi className="username">@{person.username}</bdi>
      {person.deactivated && <span className="deactivated"> (deactivated)</span>}
    </span>
  );
}
