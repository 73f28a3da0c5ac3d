import { useCallback, useState } from 'react';
import { useAction } from '../../components/useAction.js';
import { useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from '../account/Notice.js';
import { desktopSupported, enableDesktopNotifications } from './desktop-notifier.js';
import { desktopSettings, useDesktopPreferences } from './desktop-settings.js';
import { playNotificationSound } from './notification-sound.js';

/**
 * Settings → Notifications: desktop notifications while Confab is open in a hidden tab, and their
 * sound. Turning them on asks the browser's permission, from that click only (never on load).
 */
export function DesktopNotificationSettings() {
  const { me } = useSignedIn();
  const preferences = useDesktopPreferences(me.id);
  const [permission, setPermission] = useState(() => (desktopSupported() ? Notification.permission : 'denied'));
  const toggle = useAction(
    useCallback(async () => {
      try {
        if (preferences.enabled) desktopSettings.update(me.id, { enabled: false });
        else await enableDesktopNotifications(me.id);
      } finally {
        setPermission(Notification.permission);
      }
    }, [me.id, preferences.enabled]),
  );
  const on = preferences.enabled && permission === 'granted';
  const says = !desktopSupported()
    ? 'This browser cannot show notifications from a website.'
    : permission === 'denied'
      ? 'Notifications are blocked for this site. Allow them in your browser’s site settings, then come back here.'
      : on
        ? 'On: a direct message or a mention of you shows a notification while Confab is in a hidden tab (muted conversations: mentions only).'
        : 'Off: new messages show only in the app.';
  return (
    <section className="settings-section" aria-labelledby="desktop-title">
      <h3 id="desktop-title">Desktop notifications</h3>
      <p id="desktop-status" role="status" aria-live="polite">
        {says}
      </p>
      <FormOutcome error={toggle.error} done={null} />
      <label className="check">
        <input
          type="checkbox"
          role="switch"
          checked={on}
          disabled={toggle.busy || !desktopSupported() || (permission === 'denied' && !preferences.enabled)}
          aria-describedby="desktop-status"
          onChange={() => void toggle.run()}
        />{' '}
        Desktop notifications
      </label>
      <label className="check">
        <input
          type="checkbox"
          role="switch"
          checked={preferences.sound}
          disabled={!on}
          onChange={(event) => {
            desktopSettings.update(me.id, { sound: event.target.checked });
            // A sample, and the click lets the page play sound later (autoplay rules).
            if (event.target.checked) void playNotificationSound();
          }}
        />{' '}
        Sound
      </label>
    </section>
  );
}
