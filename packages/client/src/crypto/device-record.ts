import { packBytes, unpackBytes } from './byte-packing.js';
import type { CryptoStore } from './crypto-store.js';
import type { DeviceKeys, DeviceRef } from './group-engine.js';

/**
 * Where this client's device stands, as its `CryptoStore` says (issue 39, decision 0027):
 * - `none`: no device keys here;
 * - `interrupted`: keys kept, but the enable that made them did not finish (a page closed or the
 *   network dropped between keeping the keys and the last KeyPackage upload): the server may lack
 *   the device, its signed list or its KeyPackages. Enabling again finishes it with the same keys;
 * - `registered`: the server had the device, its list and its KeyPackages when it was enabled.
 *
 * Enabling keeps the keys first (so a retry registers the same device, never a second one) and the
 * `registered` mark last. The mark names the device, so a mark left by an earlier device is not
 * taken for this one's.
 */
export type DeviceState = 'none' | 'interrupted' | 'registered';

const KEYS = { device: 'device', registered: 'registered' };
/** What a device's keys open besides themselves: its KeyPackages' private halves and its groups. */
const DEVICE_PREFIXES = ['key-package:', 'group:', 'applied:'];

export async function loadDevice(store: CryptoStore): Promise<(DeviceRef & DeviceKeys) | undefined> {
  const packed = await store.get(KEYS.device);
  if (!packed) return undefined;
  const [userId, deviceId, signaturePublicKey, signaturePrivateKey] = unpackBytes(packed, 4) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  return { userId: fromUtf8(userId), deviceId: fromUtf8(deviceId), signaturePublicKey, signaturePrivateKey };
}

/** Keeps a new device's keys; it is `interrupted` until `markRegistered`. */
export async function saveDevice(store: CryptoStore, device: DeviceRef & DeviceKeys): Promise<void> {
  await store.delete(KEYS.registered);
  await store.put(
    KEYS.device,
    packBytes([utf8(device.userId), utf8(device.deviceId), device.signaturePublicKey, device.signaturePrivateKey]),
  );
}

/** The last step of enabling: the server has the device, its signed list and its KeyPackages. */
export async function markRegistered(store: CryptoStore, deviceId: string): Promise<void> {
  await store.put(KEYS.registered, utf8(deviceId));
}

/** The server no longer knows the device (its data restored from before it): enabling again registers it. */
export async function markUnregistered(store: CryptoStore): Promise<void> {
  await store.delete(KEYS.registered);
}

export async function deviceState(store: CryptoStore): Promise<DeviceState> {
  const device = await loadDevice(store);
  if (!device) return 'none';
  const mark = await store.get(KEYS.registered);
  return mark && fromUtf8(mark) === device.deviceId ? 'registered' : 'interrupted';
}

/**
 * Forgets a device the server revoked: its keys, its KeyPackages' private halves and its group
 * states (the other members committed it out; nothing sent since can be read with them). My
 * identity key and what this device decrypted (`plain:`, `sent:`) stay: the history read here
 * before stays readable here, and enabling again makes a new device signed by the same identity.
 */
export async function forgetDevice(store: CryptoStore): Promise<void> {
  for (const prefix of DEVICE_PREFIXES) for (const key of await store.keys(prefix)) await store.delete(key);
  await store.delete(KEYS.registered);
  await store.delete(KEYS.device);
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const fromUtf8 = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
