import { useCallback, useState } from 'react';
import { Field } from '../../components/Field.js';
import { useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from './Notice.js';
import { type FormFields, useFormAction } from './form-action.js';

/** Changing my password: the current one, the new one twice; my other devices are signed out unless I keep them. */
export function PasswordSettings() {
  const { client } = useSignedIn();
  const [done, setDone] = useState<string | null>(null);
  const save = useCallback(
    async (fields: FormFields) => {
      setDone(null);
      if (fields.text('newPassword') !== fields.text('repeat')) throw new Error('The two new passwords are not the same');
      const { sessionsEnded } = await client.account.changePassword({
        currentPassword: fields.text('currentPassword'),
        newPassword: fields.text('newPassword'),
        keepOtherSessions: fields.checked('keepOtherSessions'),
      });
      setDone(`Your password was changed.${sessionsEnded > 0 ? ` ${signedOut(sessionsEnded)}` : ''}`);
    },
    [client],
  );
  const { onSubmit, busy, error } = useFormAction(save);
  return (
    <section className="settings-section" aria-labelledby="password-title">
      <h3 id="password-title">Password</h3>
      <form onSubmit={onSubmit} aria-label="Change password">
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters; very common passwords are refused."
        />
        <Field label="Repeat the new password" name="repeat" type="password" autoComplete="new-password" required minLength={8} />
        <label className="check">
          <input type="checkbox" name="keepOtherSessions" /> Keep my other devices signed in
        </label>
        <FormOutcome error={error} done={done} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}

const signedOut = (n: number) => `${n} other ${n === 1 ? 'device was' : 'devices were'} signed out.`;
