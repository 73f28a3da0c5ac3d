import { Lock } from 'lucide-react';
import { RichText } from '../../components/RichText.js';
import { type MessageContext, conversationHeaderActions, messageBodies } from '../messages/extensions.js';
import './encryption.css';

/**
 * End-to-end encrypted conversations in the web app (issue 39): a lock beside their titles
 * (EncryptedMark.tsx, in ConversationTitle), "Turn on encryption" in a group's header after a
 * question that says what happens, and an honest line where this device cannot read a message.
 * This browser has no encryption device yet (the IndexedDB store is a later slice of decision
 * 0027), so it reads no encrypted message: each shows the placeholder.
 */

/** An MLS application message: its text once a device of mine has decrypted it, else the placeholder. */
function EncryptedBody({ context: { message } }: { context: MessageContext }) {
  if (message.body !== undefined) return <RichText text={message.body} />;
  return (
    <p className="message-undecryptable">
      <Lock size={14} aria-hidden="true" /> Encrypted message: this device can't read it. Read it on a device where you have turned
      encryption on.
    </p>
  );
}
messageBodies.encrypted = EncryptedBody;

conversationHeaderActions.push({
  id: 'encrypt',
  label: 'Turn on encryption',
  icon: Lock,
  available: (c) => c.conversation.kind === 'group' && !c.conversation.encrypted && ['owner', 'admin'].includes(c.conversation.myRole),
  confirm: () => ({
    title: 'Turn on end-to-end encryption?',
    body:
      "Messages sent from now on are encrypted on the sender's device: only members' devices can read them, not the server. " +
      'Earlier messages stay as they are. Encryption cannot be turned off again. ' +
      "This browser can't encrypt yet: here you will see new messages as locked, and read and send them on a device with encryption turned on.",
    confirmLabel: 'Turn on encryption',
  }),
  run: async (c) => void (await c.services.client.encryptConversation(c.conversation.id)),
});
