import { type FormEvent, useState } from 'react';
import { useApp } from '../state/AppContext.js';
import { useSessionController } from '../session/SessionContext.js';
import { Field } from '../components/Field.js';
import { useAction } from '../components/useAction.js';
import { AvatarEditor } from '../features/profile/AvatarEditor.js';

/** The zones this browser's Intl knows (the server validates with Intl too), with the browser's own first. */
const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const timeZones = (): string[] => {
  const all = Intl.supportedValuesOf('timeZone');
  return all.includes(browserTimeZone) ? all : [browserTimeZone, ...all];
};

/**
 * `/settings/profile`: how others see me — picture, display name, bio, time zone (for the "local time" on
 * my profile card; the browser's zone until I pick another) — and whether they see when I was last online.
 */
export function ProfilePage() {
  const { client, me, people } = useApp();
  const session = useSessionController();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [bio, setBio] = useState(me.bio);
  const [hideLastSeen, setHideLastSeen] = useState(me.hideLastSeen);
  const [timeZone, setTimeZone] = useState(me.timeZone ?? browserTimeZone);
  const [zones] = useState(timeZones);
  const [saved, setSaved] = useState(false);
  const { run, busy, error } = useAction(async () => {
    const updated = await client.updateMe({ displayName: displayName.trim(), bio, timeZone, hideLastSeen });
    session.updateMe(updated);
    people.remember([updated]);
    setSaved(true);
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void run();
  };
  return (
    <section className="page" aria-labelledby="profile-title">
      <h2 id="profile-title">Your profile</h2>
      <AvatarEditor />
      <form className="stack narrow" onSubmit={onSubmit}>
        <p>
          Username: <bdi>@{me.username}</bdi>
        </p>
        <Field label="Display name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} required maxLength={64} />
        <div className="field">
          <label htmlFor="profile-bio">Bio</label>
          <textarea id="profile-bio" dir="auto" rows={3} maxLength={500} value={bio} onChange={(e) => setBio(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="profile-time-zone">Time zone</label>
          <select id="profile-time-zone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div className="checkbox">
          <input id="profile-hide-last-seen" type="checkbox" checked={hideLastSeen} onChange={(e) => setHideLastSeen(e.target.checked)} />
          <label htmlFor="profile-hide-last-seen">Hide when I was last online</label>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {saved && <p role="status">Saved.</p>}
        <button type="submit" className="primary" disabled={busy}>
          Save profile
        </button>
      </form>
    </section>
  );
}
