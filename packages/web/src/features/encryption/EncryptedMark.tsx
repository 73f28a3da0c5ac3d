import { Lock } from 'lucide-react';
import './encryption.css';

/** The lock shown beside an encrypted conversation's title, in the list and in the header (issue 39). */
export function EncryptedMark() {
  return (
    <span className="encrypted-mark" role="img" aria-label="End-to-end encrypted" title="End-to-end encrypted">
      <Lock size={14} aria-hidden="true" />
    </span>
  );
}
