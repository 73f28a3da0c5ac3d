import { MLS_CIPHERSUITE, decodeDeviceIdentity } from '@confab/protocol';
// ts-mls by module, not through its index (decision 0027: the index needs an undeclared package).
import { extensionTypeToNumber } from 'ts-mls/extension.js';
import { decodeMlsMessage } from 'ts-mls/message.js';
import { decodeRatchetTree } from 'ts-mls/ratchetTree.js';

/**
 * What the Delivery Service reads of the MLS messages it orders (issue 39, decision 0027), without
 * any group secret: the group and epoch of every message, the proposals of a commit (commits are
 * PublicMessages so that adds and removes can be checked against the conversation's roles), and
 * the members of a GroupInfo's ratchet tree (which device sits at which leaf). Nothing here reads
 * an application message's content: the server has no key that could.
 */

export interface DeviceRef {
  userId: string;
  deviceId: string;
}

export interface CommitInfo {
  groupId: string;
  epoch: number;
  /** The committer's leaf; undefined for an external commit (a new device joining: its leaf is in the new GroupInfo). */
  senderLeaf: number | undefined;
  /** An external commit: a device joins by itself from the GroupInfo (part 4). */
  external: boolean;
  /** The devices the commit adds, as their KeyPackages' credentials name them. */
  adds: DeviceRef[];
  /** The leaf indices the commit removes. */
  removes: number[];
}

export interface GroupInfoInfo {
  groupId: string;
  epoch: number;
  /** Each leaf's device (undefined: a blank leaf), by leaf index. */
  leaves: (DeviceRef | undefined)[];
}

type Refused = { refused: string };
const RATCHET_TREE = 2;

function decodeWhole(bytes: Uint8Array) {
  try {
    const decoded = decodeMlsMessage(bytes, 0);
    return decoded && decoded[1] === bytes.length ? decoded[0] : undefined;
  } catch {
    return undefined;
  }
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

function deviceOf(credential: { credentialType: unknown; identity?: Uint8Array }): DeviceRef | undefined {
  return credential.credentialType === 'basic' && credential.identity ? decodeDeviceIdentity(credential.identity) : undefined;
}

/** A commit as a member's PublicMessage, its proposals by value: adds and removes only (and path updates); or a joining device's external commit. */
export function readCommit(bytes: Uint8Array): CommitInfo | Refused {
  const message = decodeWhole(bytes);
  if (!message) return { refused: 'is not one MLS message' };
  if (message.wireformat !== 'mls_public_message') return { refused: 'is not a PublicMessage' };
  const { content } = message.publicMessage;
  if (content.contentType !== 'commit') return { refused: 'is not a commit' };
  const external = content.sender.senderType === 'new_member_commit';
  if (content.sender.senderType !== 'member' && !external) return { refused: 'is not sent by a member or a joining device' };
  const adds: DeviceRef[] = [];
  const removes: number[] = [];
  for (const item of content.commit.proposals) {
    if (item.proposalOrRefType !== 'proposal') return { refused: 'carries a proposal by reference' };
    const { proposal } = item;
    if (proposal.proposalType === 'add') {
      if (proposal.add.keyPackage.cipherSuite !== MLS_CIPHERSUITE) return { refused: `adds a KeyPackage not of ${MLS_CIPHERSUITE}` };
      const device = deviceOf(proposal.add.keyPackage.leafNode.credential);
      if (!device) return { refused: 'adds a KeyPackage without a Confab device credential' };
      adds.push(device);
    } else if (proposal.proposalType === 'remove') removes.push(proposal.remove.removed);
    else if (external && proposal.proposalType === 'external_init') continue;
    else if (proposal.proposalType !== 'update') return { refused: `carries a ${String(proposal.proposalType)} proposal` };
  }
  const senderLeaf = content.sender.senderType === 'member' ? content.sender.leafIndex : undefined;
  return { groupId: b64(content.groupId), epoch: Number(content.epoch), senderLeaf, external, adds, removes };
}

/** An application message: a PrivateMessage (its group and epoch are in clear). */
export function readApplication(bytes: Uint8Array): { groupId: string; epoch: number } | Refused {
  const message = decodeWhole(bytes);
  if (!message) return { refused: 'is not one MLS message' };
  if (message.wireformat !== 'mls_private_message') return { refused: 'is not a PrivateMessage' };
  if (message.privateMessage.contentType !== 'application') return { refused: 'is not an application message' };
  return { groupId: b64(message.privateMessage.groupId), epoch: Number(message.privateMessage.epoch) };
}

/** A Welcome of Confab's ciphersuite with one secret per device it is for. */
export function readWelcome(bytes: Uint8Array): { secrets: number } | Refused {
  const message = decodeWhole(bytes);
  if (!message) return { refused: 'is not one MLS message' };
  if (message.wireformat !== 'mls_welcome') return { refused: 'is not a Welcome' };
  if (message.welcome.cipherSuite !== MLS_CIPHERSUITE) return { refused: `is not of ${MLS_CIPHERSUITE}` };
  return { secrets: message.welcome.secrets.length };
}

/** A GroupInfo with its ratchet tree: which device is at which leaf. */
export function readGroupInfo(bytes: Uint8Array): GroupInfoInfo | Refused {
  const message = decodeWhole(bytes);
  if (!message) return { refused: 'is not one MLS message' };
  if (message.wireformat !== 'mls_group_info') return { refused: 'is not a GroupInfo' };
  const { groupInfo } = message;
  const extension = groupInfo.extensions.find((e) => extensionTypeToNumber(e.extensionType) === RATCHET_TREE);
  if (!extension) return { refused: 'has no ratchet tree' };
  let tree;
  try {
    tree = decodeRatchetTree(extension.extensionData, 0)?.[0];
  } catch {
    tree = undefined;
  }
  if (!tree) return { refused: 'has a ratchet tree that does not decode' };
  const leaves: (DeviceRef | undefined)[] = [];
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree[i];
    leaves.push(node?.nodeType === 'leaf' ? deviceOf(node.leaf.credential) : undefined);
  }
  return { groupId: b64(groupInfo.groupContext.groupId), epoch: Number(groupInfo.groupContext.epoch), leaves };
}
