import { Fragment } from 'react';
import { Dialog } from '../../components/ui/index.js';
import { type ShortcutScope, allShortcuts, comboLabel, isMac, scopeTitles } from './shortcuts.js';
import './keyboard.css';

/**
 * `?` (loaded on first use): every shortcut, read from the table the handlers use
 * (shortcuts.ts), by where it works.
 */
export default function ShortcutsSheet({ onClose }: { onClose: () => void }) {
  const mac = isMac();
  const scopes = Object.keys(scopeTitles) as ShortcutScope[];
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title="Keyboard shortcuts" className="shortcuts-sheet">
      {scopes.map((scope) => (
        <section key={scope} aria-labelledby={`shortcuts-${scope}`}>
          <h3 id={`shortcuts-${scope}`} className="shortcuts-scope">
            {scopeTitles[scope]}
          </h3>
          <dl className="shortcuts-list">
            {allShortcuts
              .filter(({ shortcut }) => shortcut.scope === scope)
              .map(({ id, shortcut }) => (
                <div key={id} className="shortcut-row">
                  <dt>{shortcut.description}</dt>
                  <dd>
                    {shortcut.keys.map((combo, i) => (
                      <Fragment key={i}>
                        {i > 0 && <span className="shortcut-or"> or </span>}
                        <kbd className="shortcut-keys">
                          {comboLabel(combo, mac).map((key, j) => (
                            <Fragment key={j}>
                              {j > 0 && '+'}
                              <kbd>{key}</kbd>
                            </Fragment>
                          ))}
                        </kbd>
                      </Fragment>
                    ))}
                  </dd>
                </div>
              ))}
          </dl>
        </section>
      ))}
    </Dialog>
  );
}
