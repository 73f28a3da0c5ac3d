import type { User } from '@confab/protocol';
import { usePerson } from '../state/AppContext.js';
import { avatarColourOf, initialsOf } from './avatar-initials.js';

/**
 * A person's avatar: their picture when they set one, else their initials on their own colour.
 * Decorative by default (the name is always shown beside it); pass `label` where it stands alone.
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
  const a11y = label ? { role: 'img', 'aria-label': label } : { 'aria-hidden': true as const };
  return (
    <span className="avatar" data-size={size} style={{ background: avatarColourOf(id) }} {...a11y}>
      {person ? initialsOf(name) : ''}
    </span>
  );
}
