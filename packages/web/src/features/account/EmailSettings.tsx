import { useCallback, useState } from 'react';
import { Field } from '../../components/Field.js';
import { useSessionController, useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from './Notice.js';
import { type FormFields, useFormAction } from './form-action.js';

/** My email address: what it is, whether it is confirmed, and changing it (my password is needed). */
export function EmailSettings() {
  const { me, client } = useSignedIn();
  const session = useSessionController();
  const [done, setDone] = useState<string | null>(null);
  const save = useCallback(
    async (fields: FormFields) => {
      setDone(null);
      const updated = await client.account.changeEmail(fields.text('email'), fields.text('password'));
      session.updateMe(updated);
      setDone(`We sent a link to ${updated.email ?? ''}. Open it to confirm the address.`);
    },
    [client, session],
  );
  const { onSubmit, busy, error } = useFormAction(save);
  return (
    <section className="settings-section" aria-labelledby="email-title">
      <h3 id="email-title">Email address</h3>
      <p>
        {me.email === null ? (
          'No email address yet. Add one to be able to reset your password if you forget it.'
        ) : (
          <>
            Your address: <bdi className="email">{me.email}</bdi>{' '}
            <span className={me.emailVerified ? 'tag ok' : 'tag'}>{me.emailVerified ? 'Confirmed' : 'Not confirmed yet'}</span>
          </>
        )}
      </p>
      <form onSubmit={onSubmit} aria-label="Change email address">
        <Field label="New email address" name="email" type="email" autoComplete="email" required maxLength={254} />
        <Field label="Current password" name="password" type="password" autoComplete="current-password" required />
        <FormOutcome error={error} done={done} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save email address'}
        </button>
      </form>
    </section>
  );
}
