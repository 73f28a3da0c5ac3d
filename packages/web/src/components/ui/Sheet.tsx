import { Dialog } from './Dialog.js';

/** One action of a Sheet. */
export interface SheetAction {
  id: string;
  label: string;
  icon?: React.ReactNode;
  danger?: boolean;
  onSelect(): void;
}

/**
 * A bottom sheet of actions (a message's actions after a long press on a phone): a modal list
 * sliding up from the bottom edge, each action a full-width button; choosing one closes it.
 */
export function Sheet({
  open,
  onOpenChange,
  title,
  actions,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  actions: readonly SheetAction[];
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={title} variant="sheet">
      <ul className="ui-sheet-actions">
        {actions.map((action) => (
          <li key={action.id}>
            <button
              type="button"
              className="ui-sheet-action"
              data-danger={action.danger ? 'true' : undefined}
              onClick={() => {
                onOpenChange(false);
                action.onSelect();
              }}
            >
              {action.icon && (
                <span className="ui-menu-icon" aria-hidden="true">
                  {action.icon}
                </span>
              )}
              {action.label}
            </button>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
