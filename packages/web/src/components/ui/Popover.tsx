import type { ReactElement, ReactNode } from 'react';
import { Popover as RadixPopover } from 'radix-ui';
import { submitStaysInside } from './portal-events.js';

/**
 * A panel anchored to a button (a profile card, the emoji picker): focus moves into it, Escape or
 * a click outside closes it and focus returns to the button. Controlled when `open` is given.
 */
export function Popover({
  trigger,
  children,
  label,
  open,
  onOpenChange,
  side = 'bottom',
  align = 'start',
  className,
}: {
  trigger: ReactElement;
  children: ReactNode;
  /** The panel's accessible name. */
  label: string;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  side?: 'top' | 'bottom' | 'left' | 'right';
  align?: 'start' | 'center' | 'end';
  className?: string;
}) {
  return (
    <RadixPopover.Root {...(open === undefined ? {} : { open })} {...(onOpenChange ? { onOpenChange } : {})}>
      <RadixPopover.Trigger asChild>{trigger}</RadixPopover.Trigger>
      <RadixPopover.Portal>
        <RadixPopover.Content
          className={className ? `ui-popover ${className}` : 'ui-popover'}
          side={side}
          align={align}
          sideOffset={6}
          collisionPadding={8}
          aria-label={label}
          onSubmit={submitStaysInside}
        >
          {children}
        </RadixPopover.Content>
      </RadixPopover.Portal>
    </RadixPopover.Root>
  );
}
