import type { ReactNode } from 'react';
import { useSession } from '../../session/SessionContext.js';

/**
 * The frame of a page a mail's link opens (reset, confirm): the sign-in pages' card of its own
 * while signed out, a page in the shell's main area while signed in (one `<main>` either way).
 */
export function StandaloneCard({ titleId, children }: { titleId: string; children: ReactNode }) {
  const signedIn = useSession().status === 'signed-in';
  const card = (
    <div className="auth-card" role="region" aria-labelledby={titleId}>
      {!signedIn && <h1 className="brand">Confab</h1>}
      {children}
    </div>
  );
  return signedIn ? <section className="page standalone">{card}</section> : <main className="auth-page">{card}</main>;
}
