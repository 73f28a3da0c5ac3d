import type { ReactElement, ReactNode } from 'react';
import { DropdownMenu } from 'radix-ui';

/** One entry of a Menu. `danger` marks a destructive one (it should still ask: ConfirmDialog). */
export interface MenuItem {
  id: string;
  label: string;
  icon?: ReactNode;
  danger?: boolean;
  disabled?: boolean;
  onSelect(): void;
}

/**
 * A menu opened by a button (More…, a conversation's actions): arrow keys move, typing jumps to
 * an entry, Escape closes and focus returns to the button (Radix DropdownMenu).
 * `trigger` must be a button with an accessible name.
 */
export function Menu({
  trigger,
  items,
  align = 'end',
  label,
}: {
  trigger: ReactElement;
  items: readonly MenuItem[];
  align?: 'start' | 'center' | 'end';
  /** The menu's accessible name; defaults to the trigger's. */
  label?: string;
}) {
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>{trigger}</DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="ui-menu" align={align} sideOffset={4} aria-label={label} collisionPadding={8}>
          {items.map((item) => (
            <DropdownMenu.Item
              key={item.id}
              className="ui-menu-item"
              data-danger={item.danger ? 'true' : undefined}
              disabled={item.disabled}
              onSelect={() => item.onSelect()}
            >
              {item.icon && (
                <span className="ui-menu-icon" aria-hidden="true">
                  {item.icon}
                </span>
              )}
              {item.label}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
