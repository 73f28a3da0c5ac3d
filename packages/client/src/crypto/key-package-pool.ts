// This device's KeyPackage pool on the server (DeviceManager): its size, and KeyPackages uploaded
// to it, each private half kept here first (an upload of none answers the pool's size).
import type { KeyPackagesUploaded } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { b64, packBytes } from './byte-packing.js';
import type { CryptoStore } from './crypto-store.js';
import type { KeyPackageBundle } from './group-engine.js';

/** How many single-use KeyPackages a device keeps on the server (plus one last-resort one). */
export const KEY_PACKAGE_POOL = 20;
/** Below this many unclaimed, the check on sign-in tops the pool up to `KEY_PACKAGE_POOL`. */
export const KEY_PACKAGE_LOW = KEY_PACKAGE_POOL / 2;

const KEYS = { keyPackage: (ref: string) => `key-package:${ref}` };

export async function keepAndUpload(
  http: HttpTransport,
  store: CryptoStore,
  deviceId: string,
  bundles: KeyPackageBundle[],
  last: KeyPackageBundle | undefined,
): Promise<KeyPackagesUploaded> {
  // The private halves are kept before the upload: a package handed out must be openable here.
  for (const bundle of last ? [...bundles, last] : bundles) {
    await store.put(
      KEYS.keyPackage(await sha256Hex(bundle.keyPackage)),
      packBytes([bundle.keyPackage, bundle.privateKeys, new Uint8Array([bundle.lastResort ? 1 : 0])]),
    );
  }
  return uploadKeyPackages(
    http,
    deviceId,
    bundles.map((b) => b64(b.keyPackage)),
    last && b64(last.keyPackage),
  );
}

export function uploadKeyPackages(
  http: HttpTransport,
  deviceId: string,
  keyPackages: string[],
  lastResort: string | undefined,
): Promise<KeyPackagesUploaded> {
  return http.request('POST', `/api/v1/devices/${encodeURIComponent(deviceId)}/key-packages`, {
    body: { keyPackages, ...(lastResort === undefined ? {} : { lastResort }) },
  });
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
