import { useContext, useState } from 'react';
import type { User } from '@confab/protocol';
import { AppContext, usePerson } from '../state/AppContext.js';
import { useAvatarUrl } from '../features/profile/avatar-urls.js';
import { avatarColourOf, initialsOf } from './avatar-initials.js';

/**
 * A person's avatar: their picture when they set one, else their initials on their own colour
 * (also while the picture loads, or if it fails). Decorative by default (the name is always shown
 * beside it); pass `label` where it stands alone.
 */
export function Avatar({
  userId,
  user,
  size = 'md',
  label,
}: {
  userId?: string | null;
  user?: User;
  size?: 'sm' | 'md' | 'lg';
  label?: string;
}) {
  const fetched = usePerson(user ? undefined : userId);
  const person = user ?? fetched;
  const id = person?.id ?? userId ?? '';
  const name = person && !person.deleted ? person.displayName : '';
  // The small picture for rows; the large one where it is shown large (profile card and page).
  const picture = useAvatarUrl(useContext(AppContext)?.client, person?.avatarUrl, size === 'lg' ? 256 : 64);
  const [broken, setBroken] = useState<string>();
  const a11y = label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true as const };
  const showPicture = picture !== undefined && broken !== picture;
  return (
    <span className="avatar" data-size={size} style={{ background: avatarColourOf(id) }} {...a11y}>
      {showPicture ? <img src={picture} alt="" onError={() => setBroken(picture)} /> : person ? initialsOf(name) : ''}
    </span>
  );
}
