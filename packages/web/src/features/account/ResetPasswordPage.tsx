import { useCallback, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { Field } from '../../components/Field.js';
import { useSession, useSessionController } from '../../session/SessionContext.js';
import { anonymousClient } from './ForgotPasswordPage.js';
import { FormOutcome } from './Notice.js';
import { StandaloneCard } from './StandaloneCard.js';
import { type FormFields, useFormAction } from './form-action.js';
import './account.css';

/**
 * Where the reset mail's link leads (/reset-password?token=…): a new password, twice. The token
 * works once; resetting signs out every device, so a signed-in person is signed out here too.
 */
export function ResetPasswordPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const state = useSession();
  const session = useSessionController();
  const [done, setDone] = useState(false);
  const [, navigate] = useLocation();
  const reset = useCallback(
    async (fields: FormFields) => {
      if (fields.text('password') !== fields.text('repeat')) throw new Error('The two passwords are not the same');
      const resetPassword = () => anonymousClient().account.resetPassword(token, fields.text('password'));
      if (state.status !== 'signed-in') {
        await resetPassword();
        return setDone(true);
      }
      // Signed in here too: this session ends with the others.
      await session.signOutAfter(resetPassword, 'Your password was changed and every device was signed out. Sign in with the new one.');
      navigate('/sign-in', { replace: true });
    },
    [token, state.status, session, navigate],
  );
  const { onSubmit, busy, error } = useFormAction(reset);
  return (
    <StandaloneCard titleId="reset-title">
      <form onSubmit={onSubmit} aria-labelledby="reset-title">
        <h2 id="reset-title">Choose a new password</h2>
        {token === '' ? (
          <p role="alert" className="error">
            This link has no reset code. Open the link from the mail again, or <Link href="/forgot-password">ask for a new one</Link>.
          </p>
        ) : done ? (
          <p role="status" className="success">
            Your password was changed and every device was signed out. <Link href="/sign-in">Sign in</Link> with the new one.
          </p>
        ) : (
          <>
            <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={8} autoFocus />
            <Field label="Repeat the new password" name="repeat" type="password" autoComplete="new-password" required minLength={8} />
            <FormOutcome error={error} done={null} />
            {error && /not valid/.test(error) && (
              <p>
                <Link href="/forgot-password">Ask for a new link</Link>
              </p>
            )}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Saving…' : 'Set new password'}
            </button>
          </>
        )}
      </form>
    </StandaloneCard>
  );
}
