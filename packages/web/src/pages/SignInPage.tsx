import { type FormEvent, useCallback } from 'react';
import { Link } from 'wouter';
import { Field } from '../components/Field.js';
import { useAction } from '../components/useAction.js';
import { useSessionController } from '../session/SessionContext.js';

export function SignInPage({ notice }: { notice?: string | undefined }) {
  const session = useSessionController();
  const submit = useCallback(
    async (form: FormData) => session.signIn({ username: String(form.get('username')), password: String(form.get('password')) }),
    [session],
  );
  const { run, busy, error } = useAction(submit);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };
  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={onSubmit} aria-labelledby="sign-in-title">
        <h1 className="brand">Confab</h1>
        <h2 id="sign-in-title">Sign in</h2>
        {notice && !error && <p role="status">{notice}</p>}
        <Field label="Username" name="username" autoComplete="username" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p>
          <Link href="/forgot-password">Forgot your password?</Link>
        </p>
        <p>
          New here? <Link href="/sign-up">Create an account</Link>
        </p>
      </form>
    </main>
  );
}
