import { type ReactElement, type ReactNode, cloneElement, useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { autoUpdate, computePosition, flip, offset, shift } from '@floating-ui/dom';

/** How long the pointer rests on a control before its hint shows. */
const DELAY_MS = 400;
/** Moving from one control to the next within this shows the next hint at once. */
const SKIP_DELAY_MS = 200;

type Side = 'top' | 'bottom' | 'left' | 'right';

/**
 * A short hint on hover or keyboard focus. It adds no accessible name of its own: the control
 * must already be named (IconButton passes the same text as its aria-label).
 *
 * The control only carries its hint (`data-tooltip`); the one hint element of the app
 * (TooltipProvider) shows it. A timeline row has four or five hinted controls and is mounted
 * again each time it scrolls into view: a tooltip component per control (a popper, a presence,
 * a portal each) was half of what a row cost to draw (packages/web/README.md, Figures).
 */
export function Tooltip({ label, children, side = 'top' }: { label: string; children: ReactElement; side?: Side }) {
  return cloneElement(children as ReactElement<Record<string, unknown>>, {
    'data-tooltip': label,
    ...(side === 'top' ? {} : { 'data-tooltip-side': side }),
  });
}

/**
 * Wraps the app once (App.tsx) and draws the hint of whichever `[data-tooltip]` control the
 * pointer rests on or keyboard focus reaches, placed by floating-ui beside it. Pressing the
 * control, Escape, or the control leaving the page hides it.
 */
export function TooltipProvider({ children }: { children: ReactNode }) {
  return (
    <>
      {children}
      {createPortal(<HintLayer />, document.body)}
    </>
  );
}

function HintLayer() {
  const hint = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = hint.current!;
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** The control whose hint is shown, or waits to be. */
    let aimed: HTMLElement | null = null;
    let stopFollowing: (() => void) | undefined;
    let hiddenAt = 0;

    const hide = () => {
      clearTimeout(timer);
      if (aimed && !element.hidden) hiddenAt = performance.now();
      aimed = null;
      stopFollowing?.();
      stopFollowing = undefined;
      element.hidden = true;
    };
    const show = (target: HTMLElement) => {
      element.textContent = target.dataset['tooltip'] ?? '';
      element.hidden = false;
      const placement = (target.dataset['tooltipSide'] as Side | undefined) ?? 'top';
      // Follows the control while it moves (a timeline scrolling under the pointer); hides once it is gone.
      stopFollowing = autoUpdate(target, element, () => {
        if (!target.isConnected) return hide();
        void computePosition(target, element, {
          strategy: 'fixed',
          placement,
          middleware: [offset(6), flip(), shift({ padding: 8 })],
        }).then(({ x, y }) => Object.assign(element.style, { left: `${x}px`, top: `${y}px` }));
      });
    };
    const aim = (target: HTMLElement | null) => {
      if (target === aimed) return;
      hide();
      if (!target) return;
      aimed = target;
      const soon = performance.now() - hiddenAt < SKIP_DELAY_MS;
      timer = setTimeout(() => show(target), soon ? 0 : DELAY_MS);
    };
    const hinted = (node: EventTarget | null) => (node instanceof Element ? node.closest<HTMLElement>('[data-tooltip]') : null);

    // Entering any element aims at its hinted control, or at none; leaving the page hides.
    const onOver = (event: PointerEvent) => {
      if (event.pointerType !== 'touch') aim(hinted(event.target));
    };
    const onOut = (event: PointerEvent) => {
      if (event.relatedTarget === null) aim(null);
    };
    const onFocus = (event: FocusEvent) => {
      const target = hinted(event.target);
      // Keyboard focus only: a click's focus already had its hover.
      if (target?.matches(':focus-visible')) aim(target);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') hide();
    };
    document.addEventListener('pointerover', onOver);
    document.addEventListener('pointerout', onOut);
    document.addEventListener('pointerdown', hide, true);
    document.addEventListener('focusin', onFocus);
    document.addEventListener('focusout', hide);
    document.addEventListener('keydown', onKey);
    return () => {
      hide();
      document.removeEventListener('pointerover', onOver);
      document.removeEventListener('pointerout', onOut);
      document.removeEventListener('pointerdown', hide, true);
      document.removeEventListener('focusin', onFocus);
      document.removeEventListener('focusout', hide);
      document.removeEventListener('keydown', onKey);
    };
  }, []);
  // aria-hidden: the control's own name already says it; a screen reader would hear it twice.
  return <div ref={hint} className="ui-tooltip" role="tooltip" aria-hidden="true" hidden />;
}
