import { useRef } from 'react';
import { Paperclip } from 'lucide-react';
import { IconButton } from './ui/IconButton.js';

/**
 * The composer's "Attach files" button: it opens the browser's file picker (a hidden input) and
 * hands over the chosen files. The input is emptied after each choice, so choosing the same file
 * again is a change too.
 */
export function FilePicker({
  inputLabel,
  onFiles,
  disabled,
}: {
  /** The hidden input's accessible name: what the chosen files are for. */
  inputLabel: string;
  onFiles: (files: File[]) => void;
  disabled?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label={inputLabel}
        onChange={(e) => {
          if (e.target.files) onFiles([...e.target.files]);
          e.target.value = '';
        }}
      />
      <IconButton
        label="Attach files"
        icon={<Paperclip aria-hidden="true" size={18} />}
        disabled={disabled}
        onClick={() => input.current?.click()}
      />
    </>
  );
}
