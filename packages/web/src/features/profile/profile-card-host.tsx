import { Popover as RadixPopover } from 'radix-ui';
import { useEffect, useSyncExternalStore } from 'react';
import { useLocation } from 'wouter';
import { submitStaysInside } from '../../components/ui/portal-events.js';
import { ExternalStore } from '../../state/external-store.js';
import { ProfileCard } from './ProfileCard.js';

interface OpenCard {
  userId: string;
  label: string;
  /** The button that opened it: the card sits beside it, and focus goes back to it. */
  anchor: HTMLElement;
}

/**
 * The one profile card of the app, opened beside whichever name or avatar was pressed
 * (ProfileTrigger). A popover per trigger (two in every message row) was a large part of what a
 * timeline row cost to mount; a trigger is now a plain button that asks this host.
 */
class OpenCardStore extends ExternalStore<OpenCard | null> {
  constructor() {
    super(null);
  }

  open(next: OpenCard): void {
    const current = this.getSnapshot();
    // Pressing the same button again closes it, as a popover's own trigger does.
    if (current?.anchor === next.anchor) return this.close();
    current?.anchor.setAttribute('aria-expanded', 'false');
    next.anchor.setAttribute('aria-expanded', 'true');
    this.set(next);
  }

  close(): void {
    this.getSnapshot()?.anchor.setAttribute('aria-expanded', 'false');
    this.set(null);
  }
}
const card = new OpenCardStore();

export const openProfileCard = (next: OpenCard): void => card.open(next);

export function ProfileCardHost() {
  const open = useSyncExternalStore(card.subscribe, card.getSnapshot);
  // Going to another page ("Message" opens the DM) leaves the button behind: the card goes too.
  const [location] = useLocation();
  useEffect(() => card.close(), [location]);
  if (!open) return null;
  return (
    <RadixPopover.Root open onOpenChange={(next) => next || card.close()}>
      <RadixPopover.Anchor virtualRef={{ current: open.anchor }} />
      <RadixPopover.Portal>
        <RadixPopover.Content
          key={open.userId}
          className="ui-popover profile-card-popover"
          side="bottom"
          align="start"
          sideOffset={6}
          collisionPadding={8}
          aria-label={open.label}
          onSubmit={submitStaysInside}
          // The trigger's own press toggles it (openProfileCard); it is not a press outside.
          onInteractOutside={(event) => {
            if (event.target instanceof Node && open.anchor.contains(event.target)) event.preventDefault();
          }}
          // Escape returns focus to the button, at once, before the card unmounts; a press
          // elsewhere leaves focus where the person went.
          onEscapeKeyDown={(event) => {
            event.preventDefault();
            card.close();
            if (open.anchor.isConnected) open.anchor.focus();
          }}
          onCloseAutoFocus={(event) => event.preventDefault()}
        >
          <ProfileCard userId={open.userId} />
        </RadixPopover.Content>
      </RadixPopover.Portal>
    </RadixPopover.Root>
  );
}
