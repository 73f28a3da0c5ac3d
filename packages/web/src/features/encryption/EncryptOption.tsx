import { Lock } from 'lucide-react';

/** "Encrypt" in the new-conversation pages (issue 39): the conversation is made encrypted, for good. */
export function EncryptOption({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="checkbox encrypt-option">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <Lock size={14} aria-hidden="true" /> Encrypt
      <span className="hint">Only members' devices can read it, not the server; it cannot be turned off.</span>
    </label>
  );
}
