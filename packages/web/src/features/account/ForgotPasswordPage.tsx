import { useCallback, useState } from 'react';
import { Link } from 'wouter';
import { ConfabClient } from '@confab/client';
import { Field } from '../../components/Field.js';
import { FormOutcome } from './Notice.js';
import { type FormFields, useFormAction } from './form-action.js';
import './account.css';

/** "Forgot password": asks for a reset link by username or email; the answer is the same whether or not an account matches. */
export function ForgotPasswordPage() {
  const [done, setDone] = useState<string | null>(null);
  const ask = useCallback(async (fields: FormFields) => {
    setDone(null);
    const answer = await anonymousClient().account.forgotPassword(fields.text('login'));
    setDone(`${answer.message}. The link works once, for a limited time.`);
  }, []);
  const { onSubmit, busy, error } = useFormAction(ask);
  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={onSubmit} aria-labelledby="forgot-title">
        <h1 className="brand">Confab</h1>
        <h2 id="forgot-title">Reset your password</h2>
        <p>We mail a link to the confirmed email address of your account.</p>
        <Field label="Username or email" name="login" autoComplete="username" required autoFocus />
        <FormOutcome error={error} done={done} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send me a link'}
        </button>
        <p>
          <Link href="/sign-in">Back to sign in</Link>
        </p>
      </form>
    </main>
  );
}

/** A client without a session, for the calls a signed-out person makes from a mail's link. */
export function anonymousClient(): ConfabClient {
  return new ConfabClient({ baseUrl: window.location.origin });
}
