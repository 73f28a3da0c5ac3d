import { type ChangeEvent, useId } from 'react';
import type { Me } from '@confab/protocol';
import { Avatar } from '../../components/Avatar.js';
import { useAction } from '../../components/useAction.js';
import { useApp } from '../../state/AppContext.js';
import { useSessionController } from '../../session/SessionContext.js';

/**
 * My picture on the profile page: the large avatar as its preview, a file picker to upload or
 * change it (the server crops it square and refuses what is not a PNG, JPEG, WebP or GIF) and a
 * button to remove it. Saved at once, as Slack and Telegram do: no separate "Save".
 */
export function AvatarEditor() {
  const { client, me, people } = useApp();
  const session = useSessionController();
  const inputId = useId();
  const adopt = (updated: Me) => {
    session.updateMe(updated);
    people.remember([updated]);
  };
  const { run, busy, error } = useAction(async (action: 'set' | 'remove', file?: File) => {
    adopt(action === 'set' && file ? await client.setAvatar(file, file.name) : await client.removeAvatar());
  });
  const onPick = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = ''; // the same file picked again is a change too
    if (file) void run('set', file);
  };
  return (
    <div className="stack">
      <Avatar user={me} size="lg" label={me.avatarUrl ? 'Your picture' : 'Your initials (no picture)'} />
      <div className="row">
        <label htmlFor={inputId} className="button">
          {me.avatarUrl ? 'Change picture' : 'Upload picture'}
        </label>
        <input
          id={inputId}
          type="file"
          accept="image/png,image/jpeg,image/webp,image/gif"
          className="visually-hidden"
          disabled={busy}
          onChange={onPick}
        />
        {me.avatarUrl && (
          <button type="button" disabled={busy} onClick={() => void run('remove')}>
            Remove picture
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
