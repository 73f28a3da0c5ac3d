import type { MlsRelation } from '@confab/protocol';

/** End-to-end encryption (issue 39): an MLS group, and the MLS envelope an encrypted message carries. Timestamps are epoch ms. */

/** An encrypted conversation's MLS group (issue 39, decision 0027). */
export interface MlsGroupRecord {
  conversationId: string;
  /** URL-safe base64 of the group id's bytes. */
  groupId: string;
  ciphersuite: number;
  /** The current epoch: the next commit must be made in it. */
  epoch: number;
  /** The GroupInfo the latest commit left (URL-safe base64), null before the first. */
  groupInfo: string | null;
  updatedAt: number;
}

/** An MLS message stored as a message of kind `encrypted` (in the `content` column). */
export interface MlsRecord {
  type: 'application' | 'commit' | 'welcome';
  ciphertext: string;
  epoch: number;
  senderDevice: string;
  /** A welcome: the devices it is for. */
  devices?: string[];
  /** An application message that reacts to or edits another (the sender's word; the content stays encrypted). */
  relatesTo?: MlsRelation;
}

/**
 * Whether people read a message (`messages.shown`): every plain message and MLS application
 * message, but not a commit or welcome (devices apply those) nor a reaction or edit (they change
 * another message). Only those are unread, a conversation's last message, or mark read when sent.
 */
export const shownToPeople = (m: { mls?: MlsRecord | undefined }): boolean =>
  m.mls === undefined || (m.mls.type === 'application' && m.mls.relatesTo === undefined);

/** A commit's move of its group to the next epoch, checked in the transaction that stores it. */
export interface EpochAdvance {
  /** The epoch the commit was made in: it must be the group's current one. */
  epoch: number;
  /** The GroupInfo of the epoch it makes. */
  groupInfo: string;
}
