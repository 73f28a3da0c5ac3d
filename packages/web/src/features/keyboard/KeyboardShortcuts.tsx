import { Suspense, lazy, useEffect, useRef, useState } from 'react';
import { useLocation, useRoute } from 'wouter';
import { useApp } from '../../state/AppContext.js';
import { adjacentConversation } from './conversation-order.js';
import { isTypingTarget, shortcutFor } from './shortcuts.js';

// Loaded on first use: neither is needed to read a conversation.
const QuickSwitcher = lazy(() => import('./QuickSwitcher.js'));
const ShortcutsSheet = lazy(() => import('./ShortcutsSheet.js'));

/**
 * The app-wide shortcuts of the table (shortcuts.ts, scope `global`): Ctrl/⌘+K the quick
 * switcher, `?` the shortcuts sheet (not while typing), Alt+↑/↓ the previous or next
 * conversation of the list. Mounted once by the signed-in shell.
 */
export function KeyboardShortcuts() {
  const { conversations } = useApp();
  const [, navigate] = useLocation();
  const [, params] = useRoute('/c/:conversationId/*?');
  const [open, setOpen] = useState<'switcher' | 'sheet' | null>(null);
  const latest = useRef({ open, current: params?.conversationId });
  useEffect(() => {
    latest.current = { open, current: params?.conversationId };
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const id = shortcutFor('global', event);
      if (id === null) return;
      const typing = isTypingTarget(event.target);
      if (id === 'quick-switcher') {
        event.preventDefault(); // the browser's own Ctrl+K (its search field)
        setOpen((now) => (now === 'switcher' ? null : 'switcher'));
      } else if (id === 'shortcuts-sheet' && !typing) {
        event.preventDefault();
        setOpen((now) => (now === 'sheet' ? null : 'sheet'));
      } else if ((id === 'previous-conversation' || id === 'next-conversation') && latest.current.open === null) {
        const next = adjacentConversation(
          conversations.getSnapshot().conversations,
          latest.current.current,
          id === 'previous-conversation' ? -1 : 1,
        );
        event.preventDefault();
        if (next) navigate(`/c/${next.id}`);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [conversations, navigate]);

  const close = () => setOpen(null);
  return (
    <Suspense fallback={null}>
      {open === 'switcher' && <QuickSwitcher onClose={close} />}
      {open === 'sheet' && <ShortcutsSheet onClose={close} />}
    </Suspense>
  );
}
