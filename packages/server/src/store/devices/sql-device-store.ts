import type { SqlContext } from '../sql-context.js';
import type { DeviceStore } from './device-store.js';
import * as devices from '../sql/devices.js';
import * as keyPackages from '../sql/key-packages.js';
import * as links from '../sql/device-links.js';

/** `store.devices` on the SQL engines: each method calls its query in store/sql/devices.ts, key-packages.ts or device-links.ts. */
export function sqlDeviceStore({ db }: SqlContext): DeviceStore {
  return {
    insertDevice: (device) => devices.insertDevice(db, device),
    getDevice: (id) => devices.getDevice(db, id),
    listActiveDevices: (userId) => devices.listActiveDevices(db, userId),
    listActiveDevicesOf: (userIds) => devices.listActiveDevicesOf(db, userIds),
    listRevokedDevicesOf: (userIds, limit) => devices.listRevokedDevicesOf(db, userIds, limit),
    revokeDevice: (userId, deviceId, clock) => devices.revokeDevice(db, userId, deviceId, clock),
    touchDevice: (deviceId, now) => devices.touchDevice(db, deviceId, now),
    getIdentity: (userId) => devices.getIdentity(db, userId),
    getIdentities: (userIds) => devices.getIdentities(db, userIds),
    putIdentity: (identity) => devices.putIdentity(db, identity),
    addKeyPackages: (deviceId, upload, maxPool) => keyPackages.addKeyPackages(db, deviceId, upload, maxPool),
    claimKeyPackages: (userId) => keyPackages.claimKeyPackages(db, userId),
    insertDeviceLink: (link) => links.insertDeviceLink(db, link),
    getDeviceLink: (id) => links.getDeviceLink(db, id),
    listPendingDeviceLinks: (userId, now) => links.listPendingDeviceLinks(db, userId, now),
    moveDeviceLink: (id, from, to, now) => links.moveDeviceLink(db, id, from, to, now),
    deleteExpiredDeviceLinks: (before) => links.deleteExpiredDeviceLinks(db, before),
  };
}
