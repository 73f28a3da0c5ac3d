import { type ReactElement, type ReactNode, useId } from 'react';
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

/** A line between groups of entries. */
export interface MenuSeparator {
  id: string;
  separator: true;
}

/** A named set of choices of which one is current (a theme): radio entries under a small heading. */
export interface MenuChoice {
  id: string;
  label: string;
  value: string;
  options: readonly { value: string; label: string; icon?: ReactNode }[];
  onChange(value: string): void;
}

export type MenuEntry = MenuItem | MenuSeparator | MenuChoice;

/**
 * A menu opened by a button (More…, a conversation's actions, my menu): arrow keys move, typing
 * jumps to an entry, Escape closes and focus returns to the button (Radix DropdownMenu).
 * `trigger` must be a button with an accessible name; `header` is shown above the entries and is
 * not one of them (who is signed in).
 */
export function Menu({
  trigger,
  items,
  align = 'end',
  label,
  header,
  defaultOpen = false,
}: {
  trigger: ReactElement;
  items: readonly MenuEntry[];
  align?: 'start' | 'center' | 'end';
  /** The menu's accessible name; defaults to the trigger's. */
  label?: string;
  header?: ReactNode;
  /** Open as it mounts: a menu mounted by the press of a stand-in button (MessageActionBar). */
  defaultOpen?: boolean;
}) {
  return (
    <DropdownMenu.Root modal={false} defaultOpen={defaultOpen}>
      <DropdownMenu.Trigger asChild>{trigger}</DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="ui-menu" align={align} sideOffset={4} aria-label={label} collisionPadding={8}>
          {header && (
            <>
              <div className="ui-menu-header">{header}</div>
              <DropdownMenu.Separator className="ui-menu-separator" />
            </>
          )}
          {items.map((entry) => (
            <MenuEntryView key={entry.id} entry={entry} />
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function MenuEntryView({ entry }: { entry: MenuEntry }) {
  const labelId = useId();
  if ('separator' in entry) return <DropdownMenu.Separator className="ui-menu-separator" />;
  if ('options' in entry) {
    return (
      <>
        <DropdownMenu.Label className="ui-menu-label" id={labelId}>
          {entry.label}
        </DropdownMenu.Label>
        <DropdownMenu.RadioGroup value={entry.value} onValueChange={entry.onChange} aria-labelledby={labelId}>
          {entry.options.map((option) => (
            <DropdownMenu.RadioItem key={option.value} value={option.value} className="ui-menu-item">
              {option.icon && <MenuIcon>{option.icon}</MenuIcon>}
              {option.label}
            </DropdownMenu.RadioItem>
          ))}
        </DropdownMenu.RadioGroup>
      </>
    );
  }
  return (
    <DropdownMenu.Item
      className="ui-menu-item"
      data-danger={entry.danger ? 'true' : undefined}
      disabled={entry.disabled}
      onSelect={() => entry.onSelect()}
    >
      {entry.icon && <MenuIcon>{entry.icon}</MenuIcon>}
      {entry.label}
    </DropdownMenu.Item>
  );
}

function MenuIcon({ children }: { children: ReactNode }) {
  return (
    <span className="ui-menu-icon" aria-hidden="true">
      {children}
    </span>
  );
}
