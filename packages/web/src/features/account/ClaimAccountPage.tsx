import { useCallback } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { Field } from '../../components/Field.js';
import { useSession, useSessionController } from '../../session/SessionContext.js';
import { FormOutcome } from './Notice.js';
import { StandaloneCard } from './StandaloneCard.js';
import { type FormFields, useFormAction } from './form-action.js';
import './account.css';

/**
 * Where an import's claim mail leads (/claim?token=…): the account the import made for me, with
 * my history, waits for its first password; choosing it activates the account and signs in. The
 * token works once. Signed in as someone else here, I am asked to sign out first.
 */
export function ClaimAccountPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const state = useSession();
  const session = useSessionController();
  const [, navigate] = useLocation();
  const claim = useCallback(
    async (fields: FormFields) => {
      if (fields.text('password') !== fields.text('repeat')) throw new Error('The two passwords are not the same');
      await session.claimAccount(token, fields.text('password'));
      navigate('/', { replace: true });
    },
    [token, session, navigate],
  );
  const { onSubmit, busy, error } = useFormAction(claim);
  return (
    <StandaloneCard titleId="claim-title">
      <form onSubmit={onSubmit} aria-labelledby="claim-title">
        <h2 id="claim-title">Claim your account</h2>
        {token === '' ? (
          <p role="alert" className="error">
            This link has no claim code. Open the link from the mail again, or ask an administrator to send you a password reset.
          </p>
        ) : state.status === 'signed-in' ? (
          <>
            <p>You are signed in as @{state.me.username}. Sign out first to claim the account this link is for.</p>
            <button type="button" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </>
        ) : (
          <>
            <p>Your team brought its history here, with an account for you. Choose a password to sign in to it.</p>
            <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} autoFocus />
            <Field label="Repeat the password" name="repeat" type="password" autoComplete="new-password" required minLength={8} />
            <FormOutcome error={error} done={null} />
            {error && /not valid/.test(error) && (
              <p>
                This link was used already or has expired. <Link href="/sign-in">Sign in</Link>, or ask an administrator to send you a
                password reset.
              </p>
            )}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Saving…' : 'Claim my account'}
            </button>
          </>
        )}
      </form>
    </StandaloneCard>
  );
}
