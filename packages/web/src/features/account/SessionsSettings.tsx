import type { SessionInfo } from '@confab/protocol';
import { useCallback, useEffect, useState } from 'react';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { describeError } from '../../components/errors.js';
import { useAction } from '../../components/useAction.js';
import { useSessionController, useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from './Notice.js';
import { describeDevice } from './device.js';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Where I am signed in (one session per sign-in), signing one of them out, or all of them, this one included. */
export function SessionsSettings() {
  const { client } = useSignedIn();
  const session = useSessionController();
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Which sign-out is being asked about: one device, or every one.
  const [confirming, setConfirming] = useState<SessionInfo | 'everywhere' | null>(null);
  // Bumped to read the list again after a change.
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    client.account.sessions().then(
      (list) => live && setSessions(list.items),
      (error: unknown) => live && setLoadError(describeError(error)),
    );
    return () => {
      live = false;
    };
  }, [client, version]);

  const end = useAction(
    useCallback(
      async (target: SessionInfo) => {
        await client.account.endSession(target.id);
        setConfirming(null);
        setDone(`Signed out ${describeDevice(target.userAgent)}.`);
        setVersion((v) => v + 1);
      },
      [client],
    ),
  );
  const everywhere = useAction(
    useCallback(async () => {
      await session.signOutAfter(() => client.account.logoutAll(), 'You were signed out everywhere.');
    }, [client, session]),
  );

  return (
    <section className="settings-section" aria-labelledby="sessions-title">
      <h3 id="sessions-title">Where you are signed in</h3>
      {loadError && (
        <p role="alert" className="error">
          {loadError}
        </p>
      )}
      {sessions === null && !loadError && <p>Loading…</p>}
      {sessions && (
        <ul className="session-list" aria-label="Sessions">
          {sessions.map((s) => (
            <li key={s.id} className="session-item" aria-current={s.current ? 'true' : undefined}>
              <div>
                <strong>{describeDevice(s.userAgent)}</strong>
                {s.current && <span className="tag ok">This device</span>}
              </div>
              <small>
                {s.ip ?? 'unknown address'} · signed in {when.format(new Date(s.createdAt))} · last active{' '}
                {when.format(new Date(s.lastUsedAt))}
              </small>
              {!s.current && (
                <button type="button" disabled={end.busy} onClick={() => setConfirming(s)}>
                  Sign out this device
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormOutcome error={end.error ?? everywhere.error} done={done} />
      <button type="button" className="danger" disabled={everywhere.busy} onClick={() => setConfirming('everywhere')}>
        {everywhere.busy ? 'Signing out…' : 'Sign out everywhere'}
      </button>
      <p className="hint">Signs out every device, this one included.</p>
      {confirming === 'everywhere' && (
        <ConfirmDialog
          title="Sign out everywhere?"
          confirmLabel="Sign out everywhere"
          busy={everywhere.busy}
          error={everywhere.error}
          onConfirm={() => void everywhere.run()}
          onCancel={() => setConfirming(null)}
        >
          <p>Every device signed in to your account is signed out, this one included. You will need your password to sign in again.</p>
        </ConfirmDialog>
      )}
      {confirming !== null && confirming !== 'everywhere' && (
        <ConfirmDialog
          title={`Sign out ${describeDevice(confirming.userAgent)}?`}
          confirmLabel="Sign out"
          busy={end.busy}
          error={end.error}
          onConfirm={() => void end.run(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>
            That device ({confirming.ip ?? 'unknown address'}, last active {when.format(new Date(confirming.lastUsedAt))}) is signed out and
            needs your password to sign in again.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
