import type { VerifyEmailResponse } from '@confab/protocol';
import { useEffect, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { describeError } from '../../components/errors.js';
import { useSession, useSessionController } from '../../session/SessionContext.js';
import { anonymousClient } from './ForgotPasswordPage.js';
import { StandaloneCard } from './StandaloneCard.js';
import './account.css';

/** One call per token for the page's life: the token is spent by the first (a re-render or a second effect run must not spend it again). */
const verifications = new Map<string, Promise<VerifyEmailResponse>>();

function verifyOnce(token: string): Promise<VerifyEmailResponse> {
  let call = verifications.get(token);
  if (!call) verifications.set(token, (call = anonymousClient().account.verifyEmail(token)));
  return call;
}

/** Where the confirmation mail's link leads (/verify-email?token=…): confirms the address at once, signed in or not. */
export function VerifyEmailPage() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const state = useSession();
  const session = useSessionController();
  const client = state.status === 'signed-in' ? state.client : null;
  const [answer, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const outcome = token === '' ? { ok: false, text: 'This link has no confirmation code. Open the link from the mail again.' } : answer;
  useEffect(() => {
    if (token === '') return;
    let live = true;
    verifyOnce(token).then(
      async ({ email }) => {
        if (!live) return;
        setOutcome({ ok: true, text: `${email} is confirmed.` });
        if (client) session.updateMe(await client.me());
      },
      (error: unknown) => live && setOutcome({ ok: false, text: describeError(error) }),
    );
    return () => {
      live = false;
    };
  }, [token, client, session]);
  return (
    <StandaloneCard titleId="verify-title">
      <h2 id="verify-title">Confirm your email address</h2>
      {outcome === null ? (
        <p role="status">Confirming…</p>
      ) : (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'success' : 'error'}>
          {outcome.text}
        </p>
      )}
      <p>
        <Link href={client ? '/settings/email' : '/sign-in'}>Continue</Link>
      </p>
    </StandaloneCard>
  );
}
