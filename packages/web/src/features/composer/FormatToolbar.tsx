import { Bold, Code, Italic, Link, List, Plus, Quote, SquareCode, Strikethrough } from 'lucide-react';
import type { ReactNode } from 'react';
import { IconButton, Menu } from '../../components/ui/index.js';
import type { Format } from './formatting.js';

/** Ctrl on most systems, ⌘ on Apple's: what the tooltips say. */
const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';

const formats: { format: Format; label: string; icon: ReactNode }[] = [
  { format: 'bold', label: `Bold (${mod}B)`, icon: <Bold aria-hidden="true" size={16} /> },
  { format: 'italic', label: `Italic (${mod}I)`, icon: <Italic aria-hidden="true" size={16} /> },
  { format: 'strike', label: 'Strikethrough', icon: <Strikethrough aria-hidden="true" size={16} /> },
  { format: 'code', label: `Code (${mod}E)`, icon: <Code aria-hidden="true" size={16} /> },
  { format: 'codeBlock', label: 'Multi-line code', icon: <SquareCode aria-hidden="true" size={16} /> },
  { format: 'link', label: `Link (${mod}K)`, icon: <Link aria-hidden="true" size={16} /> },
  { format: 'bulletList', label: 'Bulleted list', icon: <List aria-hidden="true" size={16} /> },
  { format: 'quote', label: 'Quote', icon: <Quote aria-hidden="true" size={16} /> },
];

/**
 * The formatting buttons above the field; on a phone (CSS, narrow widths) FormatMenu, one
 * "Formatting" (+) menu, stands in for them so the field keeps most of the width. The buttons do not take focus
 * from the field on a mouse press: the selection they format stays.
 */
export function FormatToolbar({ onFormat }: { onFormat(format: Format): void }) {
  return (
    <div className="composer-toolbar" role="toolbar" aria-label="Formatting">
      {formats.map(({ format, label, icon }) => (
        <IconButton key={format} label={label} icon={icon} onMouseDown={(e) => e.preventDefault()} onClick={() => onFormat(format)} />
      ))}
    </div>
  );
}

/** The same choices as one + menu, shown instead of the toolbar on a phone. */
export function FormatMenu({ onFormat }: { onFormat(format: Format): void }) {
  return (
    <div className="composer-more">
      <Menu
        align="start"
        label="Formatting"
        trigger={
          <button type="button" className="icon-button" aria-label="Formatting">
            <Plus aria-hidden="true" size={18} />
          </button>
        }
        items={formats.map(({ format, label, icon }) => ({ id: format, label, icon, onSelect: () => onFormat(format) }))}
      />
    </div>
  );
}
