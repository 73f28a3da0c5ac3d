import type { FormEvent } from 'react';

/**
 * For the content of a portal (a dialog, a popover): React bubbles its events along the component
 * tree, not the page's, so a form submitted inside a dialog opened from within another form
 * submitted that one too. The composer's "Schedule send" dialog, opened from the composer's own
 * form, sent the message at once as well as scheduling it (CI, 2026-11-29). What is submitted in
 * a portal stays there.
 */
export function submitStaysInside(event: FormEvent): void {
  event.stopPropagation();
}
