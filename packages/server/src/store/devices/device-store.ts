/**
 * Devices, identity keys and KeyPackages for end-to-end encryption (issue 39, decision 0027), a
 * sub-store of its own (`store.devices`). The server keeps what devices publish; it cannot sign a
 * device list (it has no identity key) and never sees a private key.
 */
export interface DeviceStore {
  /** Registers a device; an id already taken answers the device stored under it, unchanged. */
  insertDevice(device: DeviceRecord): Promise<{ created: boolean; device: DeviceRecord }>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
  /** The user's devices that are not revoked, oldest first. */
  listActiveDevices(userId: string): Promise<DeviceRecord[]>;
  /**
   * Marks the user's device revoked at `clock()` (read once the device is locked, so after every
   * MLS message numbered from it) and drops its KeyPackages; false when it is not theirs or was revoked already.
   */
  /** Revokes at `clock()` and at the log's head, both read once the device's row is locked. */
  revokeDevice(userId: string, deviceId: string, clock: () => number): Promise<boolean>;
  touchDevice(deviceId: string, now: number): Promise<void>;

  /** The devices of these users that are not revoked, by user, oldest first (one query for many). */
  listActiveDevicesOf(userIds: readonly string[]): Promise<DeviceRecord[]>;
  /**
   * The revoked devices of these users, by user, the newest revocation first, at most `limit` a
   * user: members' credential checks of MLS messages ordered before a revocation read its time.
   */
  listRevokedDevicesOf(userIds: readonly string[], limit: number): Promise<DeviceRecord[]>;

  getIdentity(userId: string): Promise<IdentityRecord | undefined>;
  /** The identities of those of these users who have one (one query for many). */
  getIdentities(userIds: readonly string[]): Promise<IdentityRecord[]>;
  /** Stores the user's identity and signed list unless one of the same or a newer version is there; whether it was stored. */
  putIdentity(identity: IdentityRecord): Promise<boolean>;

  /**
   * Adds single-use KeyPackages to the device's pool (a package already there, by `ref`, is not
   * added again) and replaces its last-resort package when one is given. Refused, storing
   * nothing, when the pool would pass `maxPool`.
   */
  addKeyPackages(
    deviceId: string,
    upload: KeyPackageUpload,
    maxPool: number,
  ): Promise<KeyPackagesAdded | { refused: 'pool_full'; available: number }>;
  /**
   * Takes one KeyPackage for each active device of the user: the oldest single-use one, deleted
   * as it is taken, so two claims never get the same; the last-resort one, kept, when the pool
   * is empty. A device with neither is left out.
   */
  claimKeyPackages(userId: string): Promise<KeyPackageRecord[]>;

  /** A new device's link request (part 4); its id is new. */
  insertDeviceLink(link: DeviceLinkRecord): Promise<void>;
  getDeviceLink(id: string): Promise<DeviceLinkRecord | undefined>;
  /** The user's requests still `pending` and not expired at `now`, oldest first. */
  listPendingDeviceLinks(userId: string, now: number): Promise<DeviceLinkRecord[]>;
  /**
   * Moves a link from state `from` to `to.state` (with the sealed key and approver, or clearing
   * the sealed key once taken) if it is in `from` and not expired at `now`: one conditional
   * update, so of two answers, or two takes, exactly one moves it. Whether it moved.
   */
  moveDeviceLink(id: string, from: DeviceLinkState, to: DeviceLinkMove, now: number): Promise<boolean>;
  /** Deletes the links, in any state, that expired before `before` (with any sealed key still on them); how many. */
  deleteExpiredDeviceLinks(before: number): Promise<number>;
}

export type DeviceLinkState = 'pending' | 'approved' | 'declined' | 'taken';

export interface DeviceLinkRecord {
  id: string;
  userId: string;
  deviceName: string;
  /** The new device's ephemeral X25519 public key, URL-safe base64. */
  publicKey: string;
  state: DeviceLinkState;
  /** The identity key sealed to `publicKey`, from approval until taken. */
  sealed: string | null;
  approvedBy: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface DeviceLinkMove {
  state: DeviceLinkState;
  sealed: string | null;
  approvedBy?: string;
}

export interface DeviceRecord {
  id: string;
  userId: string;
  name: string;
  signatureKey: string;
  credential: string;
  createdAt: number;
  lastSeenAt: number;
  revokedAt: number | null;
  /**
   * The event log's head when the revocation committed: every MLS message of the device is at or
   * below it (docs/encryption.md). Absent while active, and for a revocation from before 0043.
   */
  revokedPos?: number;
}

export interface IdentityRecord {
  userId: string;
  identityKey: string;
  deviceList: string;
  signature: string;
  version: number;
  updatedAt: number;
}

export interface KeyPackageRecord {
  id: string;
  deviceId: string;
  /** SHA-256 of the package's bytes, hex. */
  ref: string;
  /** The package, URL-safe base64 as uploaded. */
  data: string;
  lastResort: boolean;
  createdAt: number;
}

export interface KeyPackageUpload {
  packages: Omit<KeyPackageRecord, 'deviceId' | 'lastResort'>[];
  lastResort?: Omit<KeyPackageRecord, 'deviceId' | 'lastResort'>;
}

export interface KeyPackagesAdded {
  stored: number;
  available: number;
  lastResort: boolean;
}
