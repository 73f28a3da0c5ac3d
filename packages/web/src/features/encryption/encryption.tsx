import { Lock } from 'lucide-react';
import { RichText } from '../../components/RichText.js';
import {
  type ComposerContext,
  type MessageContext,
  composerBanners,
  conversationHeaderActions,
  messageBodies,
} from '../messages/extensions.js';
import { browserDevice } from './browser-device.js';
import './encryption.css';
import './IdentityChangedBanner.js';
import './LinkRequestPrompt.js';

/**
 * End-to-end encrypted conversations in the web app (issue 39): a lock beside their titles
 * (EncryptedMark.tsx, in ConversationTitle), "Turn on encryption" in a group's header after a
 * question that says what happens, an honest line where this device cannot read a message, and
 * a note in the composer saying what an encrypted conversation does not offer yet.
 * The browser is an encryption device (browser-device.ts): the SDK encrypts what it sends and
 * decrypts what it receives; a message sent before it joined the group stays the placeholder.
 */

/** An MLS application message: its text once a device of mine has decrypted it, else the placeholder. */
function EncryptedBody({ context: { message } }: { context: MessageContext }) {
  if (message.body !== undefined) return <RichText text={message.body} />;
  return (
    <p className="message-undecryptable">
      <Lock size={14} aria-hidden="true" /> Sent before this device joined: this device can't read it. Only your devices that were in the
      conversation then hold its key (a browser not linked yet joins none: link it in Settings → Encryption).
    </p>
  );
}
messageBodies.encrypted = EncryptedBody;

/**
 * Above an encrypted conversation's message field: why it offers no scheduling (a scheduled message
 * waits on the server in clear, and the server refuses it there; the control is left out:
 * `plainOnly` in extensions.ts), and what it encrypts instead.
 */
function EncryptedComposerNote({ composer: { conversation } }: { composer: ComposerContext }) {
  if (!conversation.encrypted) return null;
  return (
    <p className="composer-encrypted-note">
      <Lock size={12} aria-hidden="true" /> Files, voice notes, reactions, edits, polls and places (live ones too) are encrypted on this
      device. Scheduled messages are not available in encrypted conversations yet.
    </p>
  );
}
composerBanners.push({ id: 'encrypted-note', component: EncryptedComposerNote });

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
