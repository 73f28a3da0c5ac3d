/** The app's primitives (on radix-ui): import controls from here, style them with tokens.css. */
export { ConfirmDialog } from '../ConfirmDialog.js';
export { Dialog } from './Dialog.js';
export { IconButton } from './IconButton.js';
export { Menu, type MenuChoice, type MenuEntry, type MenuItem, type MenuSeparator } from './Menu.js';
export { Popover } from './Popover.js';
export { Sheet, type SheetAction } from './Sheet.js';
export { Tooltip, TooltipProvider } from './Tooltip.js';
