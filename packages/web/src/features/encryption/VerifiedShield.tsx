import type { Verification } from '@confab/client';
import { ShieldAlert, ShieldCheck } from 'lucide-react';
import { useVerification } from './use-verification.js';
import './encryption.css';

/**
 * Beside a person's name where encryption matters (an encrypted conversation's header and member
 * list, the profile card): a shield once I verified them, a warning while their identity key has
 * changed since (issue 39). Nothing for someone not verified: that is the usual case, not news.
 */
export function VerifiedShield({ userId }: { userId: string | null | undefined }) {
  return <VerificationMark state={useVerification(userId)} />;
}

export function VerificationMark({ state }: { state: Verification | null }) {
  if (state === 'verified') {
    return (
      <span className="verification-mark verified" role="img" aria-label="Verified" title="Verified: you compared safety numbers">
        <ShieldCheck size={14} aria-hidden="true" />
      </span>
    );
  }
  if (state === 'changed') {
    return (
      <span
        className="verification-mark changed"
        role="img"
        aria-label="Safety number changed"
        title="Safety number changed: compare it again"
      >
        <ShieldAlert size={14} aria-hidden="true" />
      </span>
    );
  }
  return null;
}
