// Decrypting an MLS application message with its sender kept, for mls-engine.ts's `process`.
import type { ClientState } from 'ts-mls/clientState.js';
import type { CiphersuiteImpl } from 'ts-mls/crypto/ciphersuite.js';
import type { MLSMessage } from 'ts-mls/message.js';
// The decryption step that names the sender's leaf, which processMessage drops for application
// messages (see decryptApplication).
import { unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { GroupError, type Processed } from './group-engine.js';
import { credentialDevice } from './mls-credentials.js';
import { wrap } from './mls-messages.js';

/**
 * ts-mls's processMessage returns an application message's bytes without its sender; the sender
 * comes from the same authenticated sender data it decrypts (the leaf whose signature key
 * verified the content), so this is that step with the leaf kept. Older epochs are read from
 * the retained receiver data, as processMessage does. `guard` is the engine's: it runs the step
 * as one operation and turns ts-mls's errors into `GroupError`s.
 */
export async function decryptApplication(
  state: ClientState,
  pm: Extract<MLSMessage, { wireformat: 'mls_private_message' }>['privateMessage'],
  cs: CiphersuiteImpl,
  guard: <T>(run: () => Promise<T>) => Promise<T>,
): Promise<Processed> {
  const current = pm.epoch === state.groupContext.epoch;
  const receiver = current
    ? {
        senderDataSecret: state.keySchedule.senderDataSecret,
        secretTree: state.secretTree,
        ratchetTree: state.ratchetTree,
        groupContext: state.groupContext,
      }
    : state.historicalReceiverData.get(pm.epoch);
  if (!receiver) throw new GroupError('epoch_expired', `the keys of epoch ${pm.epoch} are no longer kept`);
  const result = await guard(() =>
    unprotectPrivateMessage(
      receiver.senderDataSecret,
      pm,
      receiver.secretTree,
      receiver.ratchetTree,
      receiver.groupContext,
      state.clientConfig.keyRetentionConfig,
      cs,
    ),
  );
  const { content } = result.content;
  if (content.contentType !== 'application' || content.sender.senderType !== 'member') {
    throw new GroupError('malformed_message', 'not an application message of a member');
  }
  const leaf = receiver.ratchetTree[content.sender.leafIndex * 2];
  const sender = leaf?.nodeType === 'leaf' ? credentialDevice(leaf.leaf.credential) : undefined;
  if (!sender) throw new GroupError('untrusted_credential', 'the sender’s leaf has no Confab credential');
  const newState: ClientState = current
    ? { ...state, secretTree: result.tree }
    : {
        ...state,
        historicalReceiverData: new Map(state.historicalReceiverData).set(pm.epoch, {
          ...state.historicalReceiverData.get(pm.epoch)!,
          secretTree: result.tree,
        }),
      };
  return { kind: 'application', plaintext: content.applicationData, sender, epoch: pm.epoch, group: wrap(newState) };
}
