import { useCallback } from 'react';
import { Field } from '../../components/Field.js';
import { useSessionController, useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from './Notice.js';
import { type FormFields, useFormAction } from './form-action.js';

/**
 * Erasing my account, confirmed twice over: my username typed out, and my password. My messages
 * stay for the others under "Deleted user" unless I ask for them to be deleted too.
 */
export function DeleteAccountSettings() {
  const { me, client } = useSignedIn();
  const session = useSessionController();
  const erase = useCallback(
    async (fields: FormFields) => {
      if (fields.text('confirm').trim() !== me.username) throw new Error(`Type your username, ${me.username}, to confirm`);
      await session.signOutAfter(
        () => client.account.deleteAccount({ password: fields.text('password'), eraseMessages: fields.checked('eraseMessages') }),
        'Your account was deleted.',
      );
    },
    [client, me.username, session],
  );
  const { onSubmit, busy, error } = useFormAction(erase);
  return (
    <section className="settings-section danger-zone" aria-labelledby="delete-title">
      <h3 id="delete-title">Delete my account</h3>
      <p>
        This cannot be undone. Your profile is erased and every device is signed out; your username becomes free for others after a while.
        Your messages stay in their conversations under “Deleted user” unless you delete them too.
      </p>
      <form onSubmit={onSubmit} aria-label="Delete my account">
        <label className="check">
          <input type="checkbox" name="eraseMessages" /> Also delete every message I wrote
        </label>
        <Field label={`Type your username (${me.username}) to confirm`} name="confirm" autoComplete="off" required />
        <Field label="Current password" name="password" type="password" autoComplete="current-password" required />
        <FormOutcome error={error} done={null} />
        <button type="submit" className="danger" disabled={busy}>
          {busy ? 'Deleting…' : 'Delete my account'}
        </button>
      </form>
    </section>
  );
}
