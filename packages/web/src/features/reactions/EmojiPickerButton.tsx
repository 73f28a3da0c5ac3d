import { type ReactElement, Suspense, lazy, useState } from 'react';
import { Popover } from '../../components/ui/index.js';

/** The picker and its data load on first use: neither is in the first-load bundle. */
const EmojiPicker = lazy(() => import('./EmojiPicker.js'));

/**
 * A button (given as `trigger`, already named) that opens the full emoji picker in a Popover;
 * picking an emoji calls `onPick` and closes it, and focus returns to the button.
 */
export function EmojiPickerButton({
  trigger,
  onPick,
  label = 'Emoji picker',
  side = 'top',
  align = 'start',
}: {
  trigger: ReactElement;
  onPick(emoji: string): void;
  label?: string;
  side?: 'top' | 'bottom';
  align?: 'start' | 'end';
}) {
  const [open, setOpen] = useState(false);
  return (
    <Popover trigger={trigger} label={label} open={open} onOpenChange={setOpen} side={side} align={align}>
      {open && (
        <Suspense fallback={<p className="emoji-picker-note">Loading…</p>}>
          <EmojiPicker
            onPick={(emoji) => {
              setOpen(false);
              onPick(emoji);
            }}
          />
        </Suspense>
      )}
    </Popover>
  );
}
