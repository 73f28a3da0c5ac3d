/**
 * The seam between Confab and an MLS implementation (decision 0027). Everything the SDK does with
 * MLS goes through this interface, so a second implementation (an audited library, a native one)
 * can replace `ts-mls` without touching the SDK's callers. Messages and state cross it as bytes:
 * what the server stores and relays, and what a `CryptoStore` keeps, is never a library object.
 */

/** One device of one user: what a member's MLS credential names. */
export interface DeviceRef {
  userId: string;
  deviceId: string;
}

/** A device's signature key pair; the public half is registered with the server. */
export interface DeviceKeys {
  signaturePublicKey: Uint8Array;
  signaturePrivateKey: Uint8Array;
}

/**
 * Decides whether a credential belongs to a device that its user's signed device list names with
 * this signature key. The SDK answers from the list it fetched and verified against the user's
 * identity key; the server cannot forge an entry. ts-mls's default accepts every credential.
 */
export type CredentialValidator = (device: DeviceRef, signaturePublicKey: Uint8Array, position?: OrderPosition) => Promise<boolean>;

/**
 * Where the MLS message being processed stands in the order: its `message.created` event's
 * position in the log (`logPos`, absent on messages stored before it existed) and when the server
 * stored it (ms): a device revoked after it may still be accepted in it (revocation-bound.ts).
 * Something made on this device now has none.
 */
export interface OrderPosition {
  orderedAt: number;
  logPos?: number;
}

/** A KeyPackage as uploaded (public, MLSMessage bytes) and the private keys that stay on the device. */
export interface KeyPackageBundle {
  keyPackage: Uint8Array;
  privateKeys: Uint8Array;
  lastResort: boolean;
}

/** An opaque handle on one group's state at one epoch; `save` turns it into bytes. */
export interface Group {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
}

/**
 * A commit made but not yet accepted: `group` is the state after it, to be kept only once the
 * server has given the commit its place in the order (on `409 epoch_conflict`, drop it, apply
 * what was missed, and commit again from the newer state).
 */
export interface PendingCommit {
  /** The MLS PublicMessage carrying the commit, so the server can read its proposals. */
  commit: Uint8Array;
  /** The Welcome for added devices, when the commit adds any. */
  welcome: Uint8Array | undefined;
  /** The epoch the commit was made in: the server accepts it only if that is still current. */
  epoch: bigint;
  group: Group;
}

export type Processed =
  | { kind: 'application'; plaintext: Uint8Array; sender: DeviceRef; epoch: bigint; group: Group }
  | { kind: 'commit'; epoch: bigint; group: Group; removedSelf: boolean };

/** What can be read from an MLS message without any group state (the order's checks). */
export interface MessageFrame {
  wireformat: 'commit' | 'proposal' | 'application' | 'welcome' | 'group_info' | 'key_package';
  groupId?: Uint8Array;
  epoch?: bigint;
}

export interface GroupEngine {
  readonly ciphersuite: string;
  /** An Ed25519 key pair: a device's MLS signature key, or a user's identity key. */
  generateDeviceKeys(): Promise<DeviceKeys>;
  /** Plain Ed25519 over `data` (the identity key signing the device list). */
  sign(privateKey: Uint8Array, data: Uint8Array): Promise<Uint8Array>;
  verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** A KeyPackage for this device; a last-resort one is kept by the server when the pool is empty. */
  createKeyPackage(device: DeviceRef, keys: DeviceKeys, options?: { lastResort?: boolean }): Promise<KeyPackageBundle>;
  createGroup(groupId: Uint8Array, device: DeviceRef, keys: DeviceKeys): Promise<Group>;
  /** Adds one device per KeyPackage in one commit, with the Welcome for all of them. */
  addMembers(group: Group, keyPackages: Uint8Array[]): Promise<PendingCommit>;
  removeMembers(group: Group, devices: DeviceRef[]): Promise<PendingCommit>;
  /** With the Welcome's position in the order, its tree may hold a device revoked after it. */
  joinFromWelcome(welcome: Uint8Array, bundle: KeyPackageBundle, position?: OrderPosition): Promise<Group>;
  /** GroupInfo with the external public key and the ratchet tree, for external commits. */
  groupInfo(group: Group): Promise<Uint8Array>;
  /** A new device of an existing member joins on its own, from the conversation's GroupInfo. */
  joinByExternalCommit(groupInfo: Uint8Array, device: DeviceRef, keys: DeviceKeys): Promise<PendingCommit>;
  encrypt(group: Group, plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; group: Group }>;
  /** Applies a commit or decrypts an application message, in the conversation's order. */
  process(group: Group, message: Uint8Array, position?: OrderPosition): Promise<Processed>;
  members(group: Group): DeviceRef[];
  /** Reads wire format, group and epoch; throws `MalformedMessage` on bytes that do not decode. */
  frame(message: Uint8Array): MessageFrame;
  save(group: Group): Uint8Array;
  load(bytes: Uint8Array): Group;
}

/** Why an MLS operation failed, in terms a caller can act on. */
export type GroupErrorCode =
  | 'malformed_message'
  | 'wrong_group'
  /** The message belongs to an epoch after ours: apply the commits before it first. */
  | 'epoch_ahead'
  /** The message belongs to an epoch whose keys are gone (older than the retention window). */
  | 'epoch_expired'
  | 'untrusted_credential'
  | 'not_a_member'
  | 'decryption_failed';

export class GroupError extends Error {
  constructor(
    readonly code: GroupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GroupError';
  }
}
