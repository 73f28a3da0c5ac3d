import { useCallback, useEffect, useState } from 'react';
import { useAction } from '../../components/useAction.js';
import { useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from '../account/Notice.js';
import { type PushStatus, disablePush, enablePush, pushStatus } from './browser-push.js';
import { DesktopNotificationSettings } from '../desktop/DesktopNotificationSettings.js';

const SAYS: Record<PushStatus, string> = {
  unsupported: 'This browser cannot show notifications from a website.',
  blocked: 'Notifications are blocked for this site. Allow them in your browser’s site settings, then come back here.',
  off: 'Off: you see what is new when you open Confab.',
  on: 'On: this browser shows a notification when you are mentioned, replied to or added to a conversation while Confab is closed.',
};

/** Settings → Notifications: while Confab is open in a hidden tab (desktop), and while it is closed (Web Push). */
export function NotificationSettings() {
  return (
    <>
      <DesktopNotificationSettings />
      <PushSettings />
    </>
  );
}

/** Browser notifications while the app is closed (Web Push): on or off for this browser. */
function PushSettings() {
  const { client } = useSignedIn();
  const [status, setStatus] = useState<PushStatus | null>(null);
  useEffect(() => {
    void pushStatus().then(setStatus);
  }, []);
  const toggle = useAction(
    useCallback(async () => {
      try {
        if (status === 'on') await disablePush(client);
        else await enablePush(client);
      } finally {
        setStatus(await pushStatus());
      }
    }, [client, status]),
  );
  return (
    <section className="settings-section" aria-labelledby="push-title">
      <h3 id="push-title">Browser notifications</h3>
      <p role="status" aria-live="polite">
        {status === null ? 'Checking…' : SAYS[status]}
      </p>
      <FormOutcome error={toggle.error} done={null} />
      {(status === 'on' || status === 'off') && (
        <button type="button" className={status === 'on' ? '' : 'primary'} disabled={toggle.busy} onClick={() => void toggle.run()}>
          {status === 'on' ? 'Turn off notifications' : 'Turn on notifications'}
        </button>
      )}
    </section>
  );
}
