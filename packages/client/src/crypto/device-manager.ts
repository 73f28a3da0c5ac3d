import { EncryptionError } from './encryption-error.js';
import {
  type ClaimedKeyPackages,
  type DeviceCreated,
  type DeviceList,
  type KeyPackagesUploaded,
  type UserDevices,
  encodeDeviceIdentity,
} from '@confab/protocol';
import { ApiError } from '../errors.js';
import type { HttpTransport } from '../http.js';
import { newClientId } from '../ids.js';
import { base64UrlBytes } from '../push.js';
import { b64, packBytes, unpackBytes } from './byte-packing.js';
import type { CryptoStore } from './crypto-store.js';
import { type DeviceState, deviceState, forgetDevice, loadDevice, markRegistered, markUnregistered, saveDevice } from './device-record.js';
import type { DeviceKeys, DeviceRef, GroupEngine, OrderPosition } from './group-engine.js';
import { DeviceTrust } from './device-trust.js';
import { signDeviceList } from './device-list-signing.js';
import type { EnableEncryptionOptions, MyDevice } from './device-options.js';
import { KEY_PACKAGE_LOW, KEY_PACKAGE_POOL, keepAndUpload, uploadKeyPackages } from './key-package-pool.js';
import { safetyNumber } from './safety-number.js';
import { type Verification, Verifications } from './verification.js';

export type { EnableEncryptionOptions, MyDevice } from './device-options.js';
export { KEY_PACKAGE_POOL } from './key-package-pool.js';

const KEYS = { identity: 'identity' };

/**
 * This client's device: its keys in the `CryptoStore`, its registration, the user's signed device
 * list and the KeyPackages on the server (issue 39, decision 0027). The credential validator the
 * MLS engine runs for every member is `trusts`: a device is trusted only when its user's identity
 * key signed a list naming it with that key, and the server lists it as active.
 */
export class DeviceManager {
  private engineReady: Promise<GroupEngine> | undefined;
  /** Whom I verified, and the identity keys first seen (verification.ts); every signed list read here is checked against it. */
  readonly verifications: Verifications;
  /** Users' signed device lists read and checked, shared within one MLS operation. */
  private readonly trust: DeviceTrust;

  constructor(
    private readonly http: HttpTransport,
    readonly store: CryptoStore,
  ) {
    this.verifications = new Verifications(store);
    this.trust = new DeviceTrust(
      http,
      () => this.engine(),
      this.verifications,
      () => this.loadDevice(),
      store,
    );
  }

  engine(): Promise<GroupEngine> {
    // ts-mls is loaded only by a client that uses encryption: the web app's first load stays small.
    return (this.engineReady ??= import('./mls-engine.js').then(({ createMlsEngine }) =>
      createMlsEngine({
        validateCredential: (device, key, position) => this.trusts(device, key, position),
        operation: (work) => this.trust.during(work),
      }),
    ));
  }

  /**
   * Makes this device (its keys kept first), registers it, signs my device list and uploads its
   * KeyPackages, then marks it registered (device-record.ts). Calling it again after an
   * interruption finishes with the same keys: the same registration again is accepted as it is.
   */
  async enable(options: EnableEncryptionOptions): Promise<{ deviceId: string }> {
    const engine = await this.engine();
    const me = await this.http.request<{ id: string }>('GET', '/api/v1/users/me');
    const published = await this.http.request<UserDevices>('GET', `/api/v1/users/${encodeURIComponent(me.id)}/devices`);
    let identity = await this.loadKeys(KEYS.identity);
    if (identity && published.identity && published.identity.identityKey !== b64(identity.signaturePublicKey)) identity = undefined;
    if (!identity && published.identity && !options.resetIdentity) {
      throw new EncryptionError(
        'identity_elsewhere',
        'My identity key is on another device: link this one from there, or reset the identity',
      );
    }
    if (!identity) {
      identity = await engine.generateDeviceKeys();
      await this.store.put(KEYS.identity, packKeys(identity));
    }
    let device = await this.loadDevice();
    if (!device || device.userId !== me.id) device = await this.newDevice(engine, me.id);
    try {
      await this.register(device, options.deviceName);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'device_revoked')) throw error;
      // Revoked from another device of mine before this enable finished: a new device instead.
      await forgetDevice(this.store);
      device = await this.newDevice(engine, me.id);
      await this.register(device, options.deviceName);
    }
    await this.publishDeviceList(published);
    await this.replenishKeyPackages();
    await markRegistered(this.store, device.deviceId);
    return { deviceId: device.deviceId };
  }

  /** New device keys, kept before anything is sent: an interrupted enable finishes with them. */
  private async newDevice(engine: GroupEngine, userId: string): Promise<DeviceRef & DeviceKeys> {
    const device = { userId, deviceId: `dev_${newClientId().replaceAll('-', '')}`, ...(await engine.generateDeviceKeys()) };
    await saveDevice(this.store, device);
    return device;
  }

  /** Registers the device (201), or finds the same registration there (200). */
  private async register(device: DeviceRef & DeviceKeys, name: string): Promise<void> {
    await this.http.request<DeviceCreated>('POST', '/api/v1/devices', {
      body: { id: device.deviceId, name, signatureKey: b64(device.signaturePublicKey), credential: b64(encodeDeviceIdentity(device)) },
    });
  }

  /** Where this device stands: no keys, an enable not finished, or registered (device-record.ts). */
  state(): Promise<DeviceState> {
    return deviceState(this.store);
  }

  /**
   * The check on sign-in: is this registered device still active on the server, with KeyPackages
   * for others to add it with? A pool run low (others claimed them) is topped up. A device the
   * server revoked (from another device of mine) is forgotten here: `revoked`, and enabling again
   * makes a new one. One the server does not know (its data restored from before) is `interrupted`
   * again. `none` and `interrupted` are answered as they are: enabling makes or finishes the device.
   */
  async checkDevice(): Promise<DeviceState | 'revoked'> {
    const state = await this.state();
    if (state !== 'registered') return state;
    const device = await this.requireDevice();
    let pool: KeyPackagesUploaded;
    try {
      // An upload of nothing answers the pool's size, and only for an active device of mine.
      pool = await uploadKeyPackages(this.http, device.deviceId, [], undefined);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'device_revoked') {
        await forgetDevice(this.store);
        return 'revoked';
      }
      if (error instanceof ApiError && error.code === 'not_found') {
        await markUnregistered(this.store);
        return 'interrupted';
      }
      throw error;
    }
    if (pool.available < KEY_PACKAGE_LOW || !pool.lastResort) {
      await this.replenishKeyPackages(Math.max(0, KEY_PACKAGE_POOL - pool.available), !pool.lastResort);
    }
    return 'registered';
  }

  async devices(): Promise<MyDevice[]> {
    const device = await this.loadDevice();
    const { devices } = await this.http.request<DeviceList>('GET', '/api/v1/devices');
    return devices.map((d) => ({
      id: d.id,
      name: d.name,
      current: d.id === device?.deviceId,
      createdAt: d.createdAt,
      lastSeenAt: d.lastSeenAt,
    }));
  }

  /** Revokes a device of mine and, holding the identity key people know, publishes the list without it. */
  async revoke(deviceId: string): Promise<void> {
    await this.http.request<void>('DELETE', `/api/v1/devices/${encodeURIComponent(deviceId)}`);
    const identity = await this.loadKeys(KEYS.identity);
    const device = await this.loadDevice();
    // Revoked: no check from now on may be answered from a list read before.
    if (device) this.trust.forget(device.userId);
    if (!identity || !device) return;
    const published = await this.http.request<UserDevices>('GET', `/api/v1/users/${encodeURIComponent(device.userId)}/devices`);
    // An identity key replaced elsewhere since (resetIdentity) must not come back by signing this list.
    if (published.identity?.identityKey === b64(identity.signaturePublicKey)) await this.publishDeviceList(published);
  }

  async safetyNumber(userId: string): Promise<string> {
    const theirs = await this.trust.verifiedDevices(userId);
    if (!theirs) throw new EncryptionError('no_identity', 'That person has not enabled encryption');
    return this.safetyNumberWith(userId, theirs.identityKey);
  }

  /** Whether I verified them, against the identity key they publish now (`unverified` until they have one). */
  async verificationOf(userId: string): Promise<Verification> {
    return (await this.trust.verifiedDevices(userId))?.verification ?? 'unverified';
  }

  /**
   * Marks them verified: their identity key as published now. With `safetyNumber` (the one shown
   * and compared), refused when the key changed since it was computed, so a key that arrives
   * between showing the number and the click is never marked verified unseen.
   */
  async markVerified(userId: string, shownSafetyNumber?: string): Promise<void> {
    await this.requireDevice();
    const theirs = await this.trust.verifiedDevices(userId);
    if (!theirs) throw new EncryptionError('no_identity', 'That person has not enabled encryption');
    if (shownSafetyNumber !== undefined && shownSafetyNumber !== (await this.safetyNumberWith(userId, theirs.identityKey))) {
      throw new EncryptionError('safety_number_changed', 'Their identity key changed since that safety number was shown: compare again');
    }
    await this.verifications.markVerified(userId, theirs.identityKey);
  }

  private async safetyNumberWith(userId: string, identityKey: string): Promise<string> {
    const identity = await this.loadKeys(KEYS.identity);
    const device = await this.loadDevice();
    if (!identity || !device) throw new EncryptionError('not_enabled', 'Enable encryption first');
    return safetyNumber(
      { userId: device.userId, identityKey: identity.signaturePublicKey },
      { userId, identityKey: base64UrlBytes(identityKey) },
    );
  }

  /** One KeyPackage of each active device of the user (each single-use one is handed out once). */
  claimKeyPackages(userId: string): Promise<ClaimedKeyPackages> {
    return this.http.request('POST', `/api/v1/users/${encodeURIComponent(userId)}/key-packages/claim`);
  }

  /** Adds `count` single-use KeyPackages to the pool and, with `lastResort`, a new last-resort package. */
  async replenishKeyPackages(count = KEY_PACKAGE_POOL, lastResort = true): Promise<KeyPackagesUploaded> {
    const engine = await this.engine();
    const device = await this.requireDevice();
    const bundles = await Promise.all(Array.from({ length: count }, () => engine.createKeyPackage(device, device)));
    const last = lastResort ? await engine.createKeyPackage(device, device, { lastResort: true }) : undefined;
    return keepAndUpload(this.http, this.store, device.deviceId, bundles, last);
  }

  /**
   * The user published a new identity key (`identity.updated`): the next credential check reads
   * their list again, even within an operation that read it before.
   */
  deviceListChanged(userId: string): void {
    this.trust.forget(userId);
  }

  /**
   * Runs `work` (applying a Welcome, committing adds) as one MLS operation whose credential checks
   * find these users' lists read first, in one request.
   */
  withDeviceLists<T>(userIds: readonly string[], work: () => Promise<T>): Promise<T> {
    return this.trust.withLists(userIds, work);
  }

  /** The credential validator (device-trust.ts). */
  trusts(device: DeviceRef, signaturePublicKey: Uint8Array, position?: OrderPosition): Promise<boolean> {
    return this.trust.trusts(device, signaturePublicKey, position);
  }

  private async publishDeviceList(known?: UserDevices): Promise<void> {
    const engine = await this.engine();
    const identity = await this.loadKeys(KEYS.identity);
    const device = await this.requireDevice();
    if (!identity) throw new EncryptionError('not_enabled', 'Enable encryption first');
    await signDeviceList(this.http, this.store, engine, identity, device, known);
  }

  /** My identity key pair, when this device holds it (to seal it to a new device of mine: device-linking.ts). */
  identityKeys(): Promise<DeviceKeys | undefined> {
    return this.loadKeys(KEYS.identity);
  }

  /** Keeps my identity key received from another device of mine (device linking); `enable` then signs with it. */
  async adoptIdentity(identity: DeviceKeys): Promise<void> {
    await this.store.put(KEYS.identity, packKeys(identity));
  }

  /** Whether this client has enabled encryption: a device registered with its KeyPackages (not an enable interrupted). */
  async isEnabled(): Promise<boolean> {
    return (await this.state()) === 'registered';
  }

  /** This device (its credential's user and id) and its signature keys; throws until encryption is enabled. */
  self(): Promise<DeviceRef & DeviceKeys> {
    return this.requireDevice();
  }

  private async requireDevice(): Promise<DeviceRef & DeviceKeys> {
    const device = await this.loadDevice();
    if (!device) throw new EncryptionError('not_enabled', 'Enable encryption first');
    return device;
  }

  private loadDevice(): Promise<(DeviceRef & DeviceKeys) | undefined> {
    return loadDevice(this.store);
  }

  private async loadKeys(key: string): Promise<DeviceKeys | undefined> {
    const packed = await this.store.get(key);
    if (!packed) return undefined;
    const [signaturePublicKey, signaturePrivateKey] = unpackBytes(packed, 2) as [Uint8Array, Uint8Array];
    return { signaturePublicKey, signaturePrivateKey };
  }
}

const packKeys = (keys: DeviceKeys) => packBytes([keys.signaturePublicKey, keys.signaturePrivateKey]);
