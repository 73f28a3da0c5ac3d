import { type ReactElement, type ReactNode, useRef, useState } from 'react';
import { Tooltip as RadixTooltip } from 'radix-ui';

/** Wraps the app once (App.tsx): tooltips share one delay, and moving between controls shows the next at once. */
export function TooltipProvider({ children }: { children: ReactNode }) {
  return (
    <RadixTooltip.Provider delayDuration={400} skipDelayDuration={200}>
      {children}
    </RadixTooltip.Provider>
  );
}

/**
 * A short hint on hover or keyboard focus. It adds no accessible name of its own: the control
 * must already be named (IconButton passes the same text as its aria-label). Focus that is not
 * the keyboard's (a menu handing focus back to its button after a click) shows no hint.
 */
export function Tooltip({
  label,
  children,
  side = 'top',
}: {
  label: ReactNode;
  children: ReactElement;
  side?: 'top' | 'bottom' | 'left' | 'right';
}) {
  const trigger = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const onOpenChange = (next: boolean) => {
    const element = trigger.current;
    const unasked = element !== null && !element.matches(':hover') && !element.matches(':focus-visible');
    setOpen(next && !unasked);
  };
  return (
    <RadixTooltip.Root open={open} onOpenChange={onOpenChange}>
      <RadixTooltip.Trigger asChild ref={trigger}>
        {children}
      </RadixTooltip.Trigger>
      <RadixTooltip.Portal>
        <RadixTooltip.Content className="ui-tooltip" side={side} sideOffset={6} aria-hidden="true">
          {label}
        </RadixTooltip.Content>
      </RadixTooltip.Portal>
    </RadixTooltip.Root>
  );
}
