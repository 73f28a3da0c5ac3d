import type { PendingDeviceLink } from '@confab/client';
import { Smartphone } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { topbarItems } from '../../app/routes.js';
import { Dialog } from '../../components/ui/index.js';
import { LinkRequestReview } from './LinkRequestReview.js';
import { useLinkRequests } from './use-link-requests.js';
import './encryption.css';

/** Where Settings lists the requests itself: no second prompt there. */
const SETTINGS_PATH = '/settings/encryption';
/** How long "Linked …" (or why the request went) stays. */
const NOTICE_MS = 8000;

/**
 * A link request from a new device of mine, wherever I am in the app (issue 39 part 4): a banner
 * under the top bar names the device and offers Review, a dialog with the same code check,
 * Approve and Decline as Settings → Encryption. It goes when the request is answered on any of my
 * devices (device_link.answered) or expires; a dialog open on it closes and says why.
 */
function LinkRequestPrompt() {
  const [location] = useLocation();
  const { requests, answeredHere } = useLinkRequests();
  const [reviewing, setReviewing] = useState<PendingDeviceLink | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const open = reviewing !== null && requests.some((r) => r.id === reviewing.id);
  // The request under review went elsewhere (answered on another device, or expired): say so.
  const gone = reviewing && !open ? reviewing : null;
  const notice = outcome ?? (gone && `The request from ${gone.deviceName} was answered on another device or expired.`);
  const dismiss = useCallback(() => {
    setOutcome(null);
    setReviewing((r) => (r === gone ? null : r));
  }, [gone]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(dismiss, NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);

  const onAnswered = useCallback(
    (request: PendingDeviceLink, approved: boolean) => {
      setReviewing(null);
      answeredHere(request.id);
      setOutcome(approved ? `Linked ${request.deviceName}.` : `Declined ${request.deviceName}.`);
    },
    [answeredHere],
  );

  if (location === SETTINGS_PATH || (requests.length === 0 && !notice)) return null;
  return (
    <section className="link-request-prompt" aria-label="Device link requests">
      {requests.map((r) => (
        <p key={r.id} className="link-request-line">
          <Smartphone size={16} aria-hidden="true" />
          <span>
            <strong>{r.deviceName}</strong> asks to be linked to your account, to read your encrypted conversations.
          </span>
          <button type="button" aria-haspopup="dialog" onClick={() => setReviewing(r)}>
            Review {r.deviceName}
          </button>
        </p>
      ))}
      {notice && (
        <p role="status" className="link-request-line">
          <span>{notice}</span>
          <button type="button" className="ghost" onClick={dismiss}>
            Dismiss
          </button>
        </p>
      )}
      {reviewing && open && (
        <Dialog
          open
          onOpenChange={(next) => !next && setReviewing(null)}
          title="Link a new device?"
          description="It will read your encrypted conversations, and what this browser has read of them."
        >
          <LinkRequestReview request={reviewing} onAnswered={onAnswered} />
        </Dialog>
      )}
    </section>
  );
}

topbarItems.push({ id: 'device-link-requests', component: LinkRequestPrompt });
