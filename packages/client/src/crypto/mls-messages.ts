// Reading MLS bytes for mls-engine.ts: one whole message decoded, a KeyPackage, the frame a
// message's header shows, and the `Group` wrapper around a ts-mls state.
import type { ClientState } from 'ts-mls/clientState.js';
import type { KeyPackage } from 'ts-mls/keyPackage.js';
import { type MLSMessage, decodeMlsMessage } from 'ts-mls/message.js';
import { type Group, GroupError, type MessageFrame } from './group-engine.js';

export interface MlsGroup extends Group {
  state: ClientState;
}

export function wrap(state: ClientState): MlsGroup {
  return { groupId: state.groupContext.groupId, epoch: state.groupContext.epoch, state };
}

export function unwrap(group: Group): MlsGroup {
  if (!('state' in group)) throw new TypeError('a group of another engine');
  return group as MlsGroup;
}

export function decodeMessage(bytes: Uint8Array): MLSMessage {
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch {
    decoded = undefined;
  }
  if (!decoded || decoded[1] !== bytes.length) throw new GroupError('malformed_message', 'the bytes are not one MLS message');
  return decoded[0];
}

export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  const message = decodeMessage(bytes);
  if (message.wireformat !== 'mls_key_package') throw new GroupError('malformed_message', 'not a KeyPackage');
  return message.keyPackage;
}

export function frameOf(message: MLSMessage): MessageFrame {
  switch (message.wireformat) {
    case 'mls_private_message': {
      const { groupId, epoch, contentType } = message.privateMessage;
      return {
        wireformat: contentType === 'application' ? 'application' : contentType === 'commit' ? 'commit' : 'proposal',
        groupId,
        epoch,
      };
    }
    case 'mls_public_message': {
      const { groupId, epoch, contentType } = message.publicMessage.content;
      return { wireformat: contentType === 'commit' ? 'commit' : contentType === 'proposal' ? 'proposal' : 'application', groupId, epoch };
    }
    case 'mls_welcome':
      return { wireformat: 'welcome' };
    case 'mls_group_info':
      return { wireformat: 'group_info', groupId: message.groupInfo.groupContext.groupId, epoch: message.groupInfo.groupContext.epoch };
    case 'mls_key_package':
      return { wireformat: 'key_package' };
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
