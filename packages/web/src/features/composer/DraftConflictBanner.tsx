import { MonitorSmartphone } from 'lucide-react';

/**
 * My draft was changed on another device while I typed here (issue 37): their text is shown
 * beside mine, which stays in the field until I choose. Nothing is overwritten without asking.
 */
export function DraftConflictBanner({
  theirs,
  onUseTheirs,
  onKeepMine,
}: {
  theirs: string;
  onUseTheirs: () => void;
  onKeepMine: () => void;
}) {
  return (
    <div className="draft-conflict" role="status">
      <MonitorSmartphone aria-hidden="true" size={16} />
      <div className="draft-conflict-text">
        <strong>Edited on another device</strong>
        <q className="draft-conflict-theirs">{theirs}</q>
      </div>
      <div className="draft-conflict-actions">
        <button type="button" onClick={onUseTheirs}>
          Use theirs
        </button>
        <button type="button" className="primary" onClick={onKeepMine}>
          Keep mine
        </button>
      </div>
    </div>
  );
}
