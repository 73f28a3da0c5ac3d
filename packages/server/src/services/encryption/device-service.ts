import { createHash } from 'node:crypto';
import {
  type ClaimedKeyPackages,
  type Device,
  type DeviceListLookup,
  type KeyPackagesUploaded,
  MAX_DEVICES_PER_USER,
  MAX_KEY_PACKAGES_PER_DEVICE,
  MAX_SIGNED_REVOKED_DEVICES,
  type PutIdentityBody,
  type RevokedDeviceEntry,
  type RegisterDeviceBody,
  type UserDevices,
  type UserIdentity,
  type UploadKeyPackagesBody,
  decodeDeviceIdentity,
} from '@confab/protocol';
import { AppError, detail, invalid, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { readKeyPackage } from '../../infra/mls-key-packages.js';
import type { DeviceRecord, IdentityRecord, KeyPackageUpload, Store } from '../../store/store.js';
import type { IdentityAnnouncer } from './identity-announcer.js';
import { isEd25519PublicKey, readSignedDeviceList } from './signed-device-list.js';

const iso = (ms: number) => new Date(ms).toISOString();

export const deviceView = (d: DeviceRecord): Device => ({
  id: d.id,
  userId: d.userId,
  name: d.name,
  signatureKey: d.signatureKey,
  credential: d.credential,
  createdAt: iso(d.createdAt),
  lastSeenAt: iso(d.lastSeenAt),
});

const revokedView = (d: DeviceRecord): RevokedDeviceEntry => ({
  id: d.id,
  signatureKey: d.signatureKey,
  revokedAt: d.revokedAt ?? 0,
  ...(d.revokedPos !== undefined ? { revokedPos: d.revokedPos } : {}),
});

const identityView = (i: IdentityRecord): UserIdentity => ({
  identityKey: i.identityKey,
  deviceList: i.deviceList,
  signature: i.signature,
  version: i.version,
  updatedAt: iso(i.updatedAt),
});

/**
 * The Delivery Service's device registry (issue 39, decision 0027): devices, the signed device
 * list, KeyPackage pools. Every key and package is checked for form here; whether a device is to
 * be trusted is decided by clients, from the list the user's identity key signed.
 */
export class DeviceService {
  constructor(
    private readonly store: Store,
    private readonly identities?: IdentityAnnouncer,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a device of mine; the same registration again answers the device as stored. */
  async register(userId: string, body: RegisterDeviceBody): Promise<{ created: boolean; device: Device }> {
    const named = decodeDeviceIdentity(Buffer.from(body.credential, 'base64url'));
    if (named?.userId !== userId || named.deviceId !== body.id) {
      throw invalid('The credential must name this user and this device id', [detail('/credential', 'names another user or device')]);
    }
    if (!isEd25519PublicKey(body.signatureKey))
      throw invalid('The signature key is not an Ed25519 key', [detail('/signatureKey', 'is not an Ed25519 public key')]);
    const existing = await this.store.devices.getDevice(body.id);
    if (!existing && (await this.store.devices.listActiveDevices(userId)).length >= MAX_DEVICES_PER_USER) {
      throw new AppError('conflict', `A user has at most ${MAX_DEVICES_PER_USER} active devices: revoke one first`);
    }
    const now = this.now();
    const record: DeviceRecord = {
      id: body.id,
      userId,
      name: body.name,
      signatureKey: body.signatureKey,
      credential: body.credential,
      createdAt: now,
      lastSeenAt: now,
      revokedAt: null,
    };
    const { created, device } = existing ? { created: false, device: existing } : await this.store.devices.insertDevice(record);
    if (!created) {
      if (device.userId !== userId || device.signatureKey !== body.signatureKey || device.credential !== body.credential) {
        throw new AppError('conflict', 'That device id is taken: choose another');
      }
      if (device.revokedAt !== null) throw new AppError('device_revoked', 'This device was revoked: register a new one');
    }
    return { created, device: deviceView(device) };
  }

  async mine(userId: string): Promise<Device[]> {
    return (await this.store.devices.listActiveDevices(userId)).map(deviceView);
  }

  /** Revokes a device of mine (idempotent); someone else's, or none, is not found. */
  async revoke(userId: string, deviceId: string): Promise<void> {
    // The log's head as it commits orders the revocation (members compare MLS messages' logPos with
    // it); the time, a millisecond after the clock, is for entries and messages without positions.
    if (!(await this.store.devices.revokeDevice(userId, deviceId, () => this.now() + 1))) {
      const device = await this.store.devices.getDevice(deviceId);
      if (device?.userId !== userId) throw notFound('Device');
    }
    // Told again on a repeated call: a member that missed it gets another chance to commit the removal.
    await this.identities?.revoked(userId, deviceId);
  }

  /** Publishes my identity key and the device list it signed; an older or equal version is refused. */
  async putIdentity(userId: string, body: PutIdentityBody): Promise<UserIdentity> {
    const payload = readSignedDeviceList(userId, body);
    const before = await this.store.devices.getIdentity(userId);
    const active = new Map((await this.store.devices.listActiveDevices(userId)).map((d) => [d.id, d]));
    payload.devices.forEach((listed, i) => {
      if (active.get(listed.id)?.signatureKey !== listed.signatureKey) {
        throw invalid('The list names a device that is not an active device of mine with that key', [
          detail(`/deviceList/devices/${i}`, 'is not an active device of this user'),
        ]);
      }
    });
    // A revoked entry vouches for a past key: it must be a device of mine, revoked, with that key.
    for (const [i, listed] of (payload.revoked ?? []).entries()) {
      const device = await this.store.devices.getDevice(listed.id);
      if (device?.userId !== userId || device.revokedAt === null || device.signatureKey !== listed.signatureKey) {
        throw invalid('The list names as revoked a device that is not a revoked device of mine with that key', [
          detail(`/deviceList/revoked/${i}`, 'is not a revoked device of this user'),
        ]);
      }
    }
    const record: IdentityRecord = {
      userId,
      identityKey: body.identityKey,
      deviceList: body.deviceList,
      signature: body.signature,
      version: payload.version,
      updatedAt: this.now(),
    };
    if (!(await this.store.devices.putIdentity(record))) {
      throw new AppError('conflict', 'A device list of this version or a newer one is published: sign the next version');
    }
    // A new key, not a new list of the same key: what people who verified me must hear at once.
    if (before && before.identityKey !== record.identityKey) await this.identities?.changed(userId);
    return identityView(record);
  }

  /** A user's identity, active devices and revoked ones (their keys and when), for anyone signed in (to add them, to verify them, to check their past commits). */
  async devicesOf(userId: string): Promise<UserDevices> {
    if (!(await this.store.users.getUser(userId))) throw notFound('User');
    const [identity, devices, revoked] = await Promise.all([
      this.store.devices.getIdentity(userId),
      this.store.devices.listActiveDevices(userId),
      this.store.devices.listRevokedDevicesOf([userId], MAX_SIGNED_REVOKED_DEVICES),
    ]);
    return {
      userId,
      identity: identity ? identityView(identity) : null,
      devices: devices.map(deviceView),
      revoked: revoked.map(revokedView),
    };
  }

  /** Several users' identities and active devices in one read (a Welcome's checks); unknown users left out. */
  async devicesOfUsers(userIds: readonly string[]): Promise<DeviceListLookup> {
    const [users, identities, devices, revoked] = await Promise.all([
      this.store.users.getUsers(userIds),
      this.store.devices.getIdentities(userIds),
      this.store.devices.listActiveDevicesOf(userIds),
      this.store.devices.listRevokedDevicesOf(userIds, MAX_SIGNED_REVOKED_DEVICES),
    ]);
    const known = new Set(users.map((u) => u.id));
    const identityOf = new Map(identities.map((i) => [i.userId, i]));
    return {
      users: userIds
        .filter((id) => known.has(id))
        .map((userId) => {
          const identity = identityOf.get(userId);
          return {
            userId,
            identity: identity ? identityView(identity) : null,
            devices: devices.filter((d) => d.userId === userId).map(deviceView),
            revoked: revoked.filter((d) => d.userId === userId).map(revokedView),
          };
        }),
    };
  }

  async uploadKeyPackages(userId: string, deviceId: string, body: UploadKeyPackagesBody): Promise<KeyPackagesUploaded> {
    const device = await this.ownDevice(userId, deviceId);
    const now = this.now();
    const checked = async (data: string, path: string) => {
      const info = await readKeyPackage(Buffer.from(data, 'base64url'));
      if ('refused' in info) throw invalid(`A KeyPackage ${info.refused}`, [detail(path, info.refused)]);
      if (info.userId !== userId || info.deviceId !== deviceId || info.signatureKey !== device.signatureKey) {
        throw invalid('A KeyPackage is not of this device', [detail(path, 'names another device or signature key')]);
      }
      return { id: newId(), ref: createHash('sha256').update(data).digest('hex'), data, createdAt: now };
    };
    const upload: KeyPackageUpload = { packages: [] };
    for (const [i, data] of body.keyPackages.entries()) upload.packages.push(await checked(data, `/keyPackages/${i}`));
    if (body.lastResort !== undefined) upload.lastResort = await checked(body.lastResort, '/lastResort');
    const added = await this.store.devices.addKeyPackages(deviceId, upload, MAX_KEY_PACKAGES_PER_DEVICE);
    if ('refused' in added) {
      throw new AppError(
        'conflict',
        `A device holds at most ${MAX_KEY_PACKAGES_PER_DEVICE} unclaimed KeyPackages; it has ${added.available}`,
      );
    }
    await this.store.devices.touchDevice(deviceId, now);
    return added;
  }

  /** One KeyPackage per active device of the user, each single-use one handed out once. */
  async claim(userId: string): Promise<ClaimedKeyPackages> {
    if (!(await this.store.users.getUser(userId))) throw notFound('User');
    const claimed = await this.store.devices.claimKeyPackages(userId);
    return { keyPackages: claimed.map((k) => ({ deviceId: k.deviceId, keyPackage: k.data, lastResort: k.lastResort })) };
  }

  private async ownDevice(userId: string, deviceId: string): Promise<DeviceRecord> {
    const device = await this.store.devices.getDevice(deviceId);
    if (device?.userId !== userId) throw notFound('Device');
    if (device.revokedAt !== null) throw new AppError('device_revoked', 'This device was revoked');
    return device;
  }
}
