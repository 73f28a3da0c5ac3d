import type { ConversationSummary } from '@confab/protocol';
import { MoreVertical } from 'lucide-react';
import { useState } from 'react';
import { ConfirmDialog, IconButton, Menu } from '../../components/ui/index.js';
import { useAction } from '../../components/useAction.js';
import { useApp, useBlocked } from '../../state/AppContext.js';
import { type HeaderAction, type HeaderContext, conversationHeaderActions } from './extensions.js';

const labelOf = (action: HeaderAction, context: HeaderContext) => (typeof action.label === 'string' ? action.label : action.label(context));

/**
 * The conversation's header actions (extensions.ts), drawn twice from the one list: icon buttons
 * with tooltips on a desktop, one "More" menu on a phone (CSS shows one of the two: phone.css),
 * so the header never runs wider than 390 px. An action that asks first opens one
 * confirmation dialog, whichever way it was chosen.
 */
export function HeaderActions({
  conversation,
  openPanel,
}: {
  conversation: ConversationSummary;
  openPanel: (panel: string, arg?: string) => void;
}) {
  const services = useApp();
  const blocked = useBlocked();
  const context: HeaderContext = { conversation, services, blocked, openPanel };
  const actions = conversationHeaderActions.filter((action) => action.available?.(context) ?? true);
  const [asking, setAsking] = useState<{ action: HeaderAction; title: string; body: string; confirmLabel: string } | null>(null);
  const running = useAction(async (action: HeaderAction) => {
    await action.run(context);
    setAsking(null);
  });
  const choose = (action: HeaderAction) => {
    const question = action.confirm?.(context);
    if (question) setAsking({ action, ...question });
    else void running.run(action);
  };

  return (
    <>
      <div className="header-actions" role="group" aria-label="Conversation actions">
        {actions.map((action) => {
          const Icon = action.icon;
          const badge = action.badge?.(context) ?? 0;
          return (
            <IconButton
              key={action.id}
              label={labelOf(action, context)}
              pressed={action.pressed?.(context)}
              disabled={running.busy}
              onClick={() => choose(action)}
              icon={
                <>
                  <Icon size={18} aria-hidden="true" />
                  {badge > 0 && (
                    <span className="badge header-badge" aria-hidden="true">
                      {badge}
                    </span>
                  )}
                </>
              }
            />
          );
        })}
      </div>
      <span className="header-more">
        <Menu
          label="Conversation actions"
          trigger={<IconButton label="More" tooltip={false} icon={<MoreVertical size={20} aria-hidden="true" />} />}
          items={actions.map((action) => {
            const Icon = action.icon;
            return {
              id: action.id,
              label: labelOf(action, context),
              icon: <Icon size={16} />,
              ...(action.danger ? { danger: true } : {}),
              disabled: running.busy,
              onSelect: () => choose(action),
            };
          })}
        />
      </span>
      {running.error && !asking && (
        <p role="alert" className="error header-error">
          {running.error}
        </p>
      )}
      {asking && (
        <ConfirmDialog
          title={asking.title}
          confirmLabel={asking.confirmLabel}
          busy={running.busy}
          error={running.error}
          onConfirm={() => void running.run(asking.action)}
          onCancel={() => setAsking(null)}
        >
          <p>{asking.body}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
