import { type FormEvent, useCallback } from 'react';
import { Link } from 'wouter';
import { Field } from '../components/Field.js';
import { useAction } from '../components/useAction.js';
import { useSessionController } from '../session/SessionContext.js';

export function SignUpPage() {
  const session = useSessionController();
  const submit = useCallback(
    async (form: FormData) => {
      const displayName = String(form.get('displayName')).trim();
      await session.signUp({
        username: String(form.get('username')),
        password: String(form.get('password')),
        ...(displayName === '' ? {} : { displayName }),
      });
    },
    [session],
  );
  const { run, busy, error } = useAction(submit);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(new FormData(event.currentTarget));
  };
  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={onSubmit} aria-labelledby="sign-up-title">
        <h1 className="brand">Confab</h1>
        <h2 id="sign-up-title">Create an account</h2>
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          required
          autoFocus
          hint="Letters, digits, dots, dashes and underscores; others find you by it."
        />
        <Field label="Display name" name="displayName" autoComplete="name" hint="Optional: the name people see beside your username." />
        <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
        <p>
          Already have an account? <Link href="/sign-in">Sign in</Link>
        </p>
      </form>
    </main>
  );
}
