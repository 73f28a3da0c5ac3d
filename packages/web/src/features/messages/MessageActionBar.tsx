import { MoreHorizontal } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { IconButton, Menu, Sheet } from '../../components/ui/index.js';
import type { MessageAction, MessageContext } from './extensions.js';

/** How long a finger rests on a message before its actions open (as in Telegram and Slack). */
const LONG_PRESS_MS = 500;

const labelOf = (action: MessageAction, context: MessageContext) =>
  typeof action.label === 'string' ? action.label : action.label(context);

/**
 * A message's actions: the most used as icon buttons (placement 'bar'), the rest under "More…".
 * The bar shows while the message is hovered or has focus (CSS), so a list of messages is not a
 * wall of buttons, yet every action is one Tab away. On touch, a long press on the message opens
 * all of them in a bottom sheet.
 */
export function MessageActionBar({ context, actions }: { context: MessageContext; actions: readonly MessageAction[] }) {
  const bar = actions.filter((action) => action.placement === 'bar');
  const menu = actions.filter((action) => action.placement !== 'bar');
  const [sheetOpen, setSheetOpen] = useState(false);
  const [menuMounted, mountMenu] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useLongPress(ref, () => setSheetOpen(true));
  const run = (action: MessageAction) => void action.run(context);
  return (
    <div ref={ref} className="message-actions" role="group" aria-label="Message actions">
      {bar.map((action) => {
        const Icon = action.icon;
        const label = labelOf(action, context);
        return Icon ? (
          <IconButton key={action.id} label={label} icon={<Icon size={16} aria-hidden="true" />} onClick={() => run(action)} />
        ) : (
          <button key={action.id} type="button" onClick={() => run(action)}>
            {label}
          </button>
        );
      })}
      {menu.length > 0 &&
        (menuMounted ? (
          <Menu
            label="More actions"
            defaultOpen
            trigger={<IconButton label="More…" icon={<MoreHorizontal size={16} aria-hidden="true" />} />}
            items={menu.map((action) => {
              const Icon = action.icon;
              return {
                id: action.id,
                label: labelOf(action, context),
                danger: action.id === 'delete',
                ...(Icon ? { icon: <Icon size={16} /> } : {}),
                onSelect: () => run(action),
              };
            })}
          />
        ) : (
          // A stand-in until first pressed: a menu per row (its popper and portal) was a good part
          // of what mounting a row cost, and most rows' menus are never opened.
          <IconButton
            label="More…"
            icon={<MoreHorizontal size={16} aria-hidden="true" />}
            aria-haspopup="menu"
            aria-expanded={false}
            onClick={() => mountMenu(true)}
          />
        ))}
      {/* Mounted only while open: every row has a bar, few ever open their sheet. */}
      {sheetOpen && (
        <Sheet
          open
          onOpenChange={setSheetOpen}
          title="Message actions"
          actions={actions.map((action) => {
            const Icon = action.icon;
            return {
              id: action.id,
              label: labelOf(action, context),
              danger: action.id === 'delete',
              ...(Icon ? { icon: <Icon size={18} /> } : {}),
              onSelect: () => run(action),
            };
          })}
        />
      )}
    </div>
  );
}

/**
 * Calls `onPress` when a touch rests on the message (the bar's parent) for LONG_PRESS_MS without
 * moving; a scroll or a lifted finger cancels it. Mouse and pen use the hover bar instead.
 */
function useLongPress(bar: React.RefObject<HTMLElement | null>, onPress: () => void) {
  const latest = useRef(onPress);
  useEffect(() => {
    latest.current = onPress;
  });
  useEffect(() => {
    const row = bar.current?.parentElement;
    if (!row) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let start = { x: 0, y: 0 };
    const cancel = () => clearTimeout(timer);
    const down = (event: PointerEvent) => {
      if (event.pointerType !== 'touch') return;
      start = { x: event.clientX, y: event.clientY };
      cancel();
      timer = setTimeout(() => latest.current(), LONG_PRESS_MS);
    };
    const move = (event: PointerEvent) => {
      if (Math.hypot(event.clientX - start.x, event.clientY - start.y) > 10) cancel();
    };
    // The browser's own long-press menu would cover ours.
    const contextMenu = (event: Event) => {
      if ((event as PointerEvent).pointerType === 'touch') event.preventDefault();
    };
    row.addEventListener('pointerdown', down);
    row.addEventListener('pointermove', move);
    row.addEventListener('pointerup', cancel);
    row.addEventListener('pointercancel', cancel);
    row.addEventListener('contextmenu', contextMenu);
    return () => {
      cancel();
      row.removeEventListener('pointerdown', down);
      row.removeEventListener('pointermove', move);
      row.removeEventListener('pointerup', cancel);
      row.removeEventListener('pointercancel', cancel);
      row.removeEventListener('contextmenu', contextMenu);
    };
  }, [bar]);
}
