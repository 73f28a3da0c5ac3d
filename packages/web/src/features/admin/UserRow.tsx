import type { AdminUser } from '@confab/protocol';
import { useCallback, useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { useAction } from '../../components/useAction.js';
import { useSignedIn } from '../../session/SessionContext.js';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One account as an admin sees it, with what can be done to it: (de)activate, mail a reset link, sign it out everywhere. */
export function UserRow({ user, onChange }: { user: AdminUser; onChange: (user: AdminUser) => void }) {
  const { me, client } = useSignedIn();
  const [said, setSaid] = useState<string | null>(null);
  // The destructive actions ask first (issue 36 item 10); reactivating and mailing a reset link do not.
  const [confirming, setConfirming] = useState<'deactivate' | 'signOut' | null>(null);
  const act = useAction(
    useCallback(
      async (action: 'deactivate' | 'reactivate' | 'reset' | 'signOut') => {
        setSaid(null);
        if (action === 'deactivate') onChange(await client.admin.deactivate(user.id));
        else if (action === 'reactivate') onChange(await client.admin.reactivate(user.id));
        else if (action === 'reset') setSaid((await client.admin.sendPasswordReset(user.id)).message);
        else setSaid(`${(await client.admin.endSessions(user.id)).sessionsEnded} sessions ended`);
        setConfirming(null);
      },
      [client, user.id, onChange],
    ),
  );
  const erased = user.deletedAt !== null;
  const status = erased ? 'Deleted' : user.deactivatedAt ? 'Deactivated' : 'Active';
  return (
    <tr data-user-id={user.id}>
      <th scope="row">
        <bdi className="display-name">{user.displayName || '—'}</bdi> <bdi className="username">@{user.username}</bdi>
        {user.isAdmin && <span className="tag">Admin</span>}
      </th>
      <td>
        {user.email ? <bdi>{user.email}</bdi> : '—'}
        {user.email && !user.emailVerified && <small> (not confirmed)</small>}
      </td>
      <td>{status}</td>
      <td>{user.lastActiveAt ? when.format(new Date(user.lastActiveAt)) : 'Never'}</td>
      <td>
        <div className="actions">
          {!erased && user.id !== me.id && (
            <>
              {user.deactivatedAt ? (
                <button type="button" disabled={act.busy} onClick={() => void act.run('reactivate')}>
                  Reactivate
                </button>
              ) : (
                <button type="button" className="danger" disabled={act.busy} onClick={() => setConfirming('deactivate')}>
                  Deactivate
                </button>
              )}
              <button type="button" disabled={act.busy || !user.emailVerified} onClick={() => void act.run('reset')}>
                Send password reset
              </button>
              <button type="button" disabled={act.busy} onClick={() => setConfirming('signOut')}>
                Sign out everywhere
              </button>
            </>
          )}
          {act.error && (
            <p role="alert" className="error">
              {act.error}
            </p>
          )}
          {said && <p role="status">{said}</p>}
          {confirming && (
            <ConfirmDialog
              title={confirming === 'deactivate' ? `Deactivate @${user.username}?` : `Sign @${user.username} out everywhere?`}
              confirmLabel={confirming === 'deactivate' ? 'Deactivate' : 'Sign out everywhere'}
              busy={act.busy}
              error={act.error}
              onConfirm={() => void act.run(confirming)}
              onCancel={() => setConfirming(null)}
            >
              <p>
                {confirming === 'deactivate'
                  ? 'They are signed out on every device and cannot sign in until an administrator reactivates the account. Their messages stay.'
                  : 'Every device signed in to this account is signed out; they can sign in again with their password.'}
              </p>
            </ConfirmDialog>
          )}
        </div>
      </td>
    </tr>
  );
}
