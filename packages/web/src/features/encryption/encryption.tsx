import { Lock } from 'lucide-react';
import { RichText } from '../../components/RichText.js';
import { type MessageContext, conversationHeaderActions, messageBodies } from '../messages/extensions.js';
import { browserDevice } from './browser-device.js';
import './encryption.css';

/**
 * End-to-end encrypted conversations in the web app (issue 39): a lock beside their titles
 * (EncryptedMark.tsx, in ConversationTitle), "Turn on encryption" in a group's header after a
 * question that says what happens, and an honest line where this device cannot read a message.
 * The browser is an encryption device (browser-device.ts): the SDK encrypts what it sends and
 * decrypts what it receives; a message sent before it joined the group stays the placeholder.
 */

/** An MLS application message: its text once a device of mine has decrypted it, else the placeholder. */
function EncryptedBody({ context: { message } }: { context: MessageContext }) {
  if (message.body !== undefined) return <RichText text={message.body} />;
  return (
    <p className="message-undecryptable">
      <Lock size={14} aria-hidden="true" /> Encrypted message: this device can't read it. It was sent before this device joined the
      conversation's encryption, or to a device of yours that this browser is not.
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
      'A device of a member that has never been signed in since cannot read messages sent before it joins.',
    confirmLabel: 'Turn on encryption',
  }),
  run: async (c) => {
    // This browser makes the MLS group: its device must be registered first (it is, soon after sign-in).
    await browserDevice(c.services.client);
    await c.services.client.encryptConversation(c.conversation.id);
  },
});
