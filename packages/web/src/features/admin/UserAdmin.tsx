import type { AdminUser } from '@confab/protocol';
import { useCallback, useEffect, useId, useState } from 'react';
import { useSignedIn } from '../../session/SessionContext.js';
import { UserRow } from './UserRow.js';
import { ScrollingTable } from './ScrollingTable.js';
import { usePaged } from './paged.js';

const PAGE = 50;

/** Every account, searched as the admin types (username prefix, display name or email), paged; each with its actions. */
export function UserAdmin() {
  const { client } = useSignedIn();
  const searchId = useId();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  // A search per pause in typing, not per key.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const load = useCallback(
    (cursor: string | undefined) => client.admin.users({ limit: PAGE, ...(query ? { q: query } : {}), ...(cursor ? { cursor } : {}) }),
    [client, query],
  );
  const users = usePaged<AdminUser>(load);
  const { replace: replaceUser } = users;
  const replace = useCallback((next: AdminUser) => replaceUser((u) => u.id === next.id, next), [replaceUser]);

  return (
    <section className="settings-section" aria-labelledby="users-title">
      <h3 id="users-title">Users</h3>
      <div className="field">
        <label htmlFor={searchId}>Search users</label>
        <input id={searchId} type="search" value={typed} onChange={(e) => setTyped(e.target.value)} maxLength={64} autoComplete="off" />
      </div>
      {users.error && (
        <p role="alert" className="error">
          {users.error}
        </p>
      )}
      {users.items && users.items.length === 0 && <p role="status">No account matches.</p>}
      {users.items && users.items.length > 0 && (
        <ScrollingTable label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              <th scope="col">Last active</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.items.map((user) => (
              <UserRow key={user.id} user={user} onChange={replace} />
            ))}
          </tbody>
        </ScrollingTable>
      )}
      {users.hasMore && (
        <button type="button" disabled={users.busy} onClick={() => void users.more()}>
          {users.busy ? 'Loading…' : 'Show more users'}
        </button>
      )}
    </section>
  );
}
