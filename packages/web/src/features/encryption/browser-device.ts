import { type ConfabClient, EncryptionError } from '@confab/client';

/**
 * This browser as one of my encryption devices (issue 39, decision 0027 part 3). On sign-in the
 * app enables encryption once: the device's keys, its MLS states and what it decrypted are kept in
 * the SDK's IndexedDB store (one database per user), so a reload finds the same device. Tabs
 * signing in together take a Web Lock first, so one browser registers one device. Every sign-in
 * and page load checks the device again (`checkDevice`): an enable a closed page interrupted is
 * finished, a revoked device replaced, a KeyPackage pool run low topped up.
 */
const ready = new WeakMap<ConfabClient, Promise<boolean>>();

/** Resolves true once this browser is an encryption device of the signed-in user; false when it cannot be one. */
export function browserDevice(client: ConfabClient): Promise<boolean> {
  let enabled = ready.get(client);
  if (!enabled) {
    enabled = withDeviceLock(() => enable(client));
    // A failure (offline at sign-in) is tried again on the next call.
    enabled.catch(() => ready.delete(client));
    ready.set(client, enabled);
  }
  return enabled;
}

/** After this browser was linked (DeviceLinks.tsx): the next `browserDevice` finds the device registered. */
export function forgetBrowserDevice(client: ConfabClient): void {
  ready.delete(client);
}

/** For making an encrypted conversation here: waits for this browser's device, or says why it has none. */
export async function requireBrowserDevice(client: ConfabClient): Promise<void> {
  if (!(await browserDevice(client))) {
    throw new Error(
      "This browser can't encrypt yet: your encryption keys were made on another device. Link this browser from there in Settings → Encryption.",
    );
  }
}

async function enable(client: ConfabClient): Promise<boolean> {
  // Registered: still active on the server, its KeyPackages topped up. Otherwise enabled here:
  // the first time ('none'), finishing one a closed page left half done ('interrupted', the same
  // keys), or as a new device when this one was revoked from another ('revoked': forgotten).
  if ((await client.encryption.checkDevice()) === 'registered') return true;
  try {
    await client.enableEncryption({ deviceName: browserName() });
    return true;
  } catch (error) {
    // My identity key is on another device (an SDK device made it): this browser cannot sign a new
    // device list until it is linked from there (DeviceLinks.tsx). It stays without a device and
    // shows what it cannot read as such, rather than silently replacing my identity key.
    if (error instanceof EncryptionError && error.code === 'identity_elsewhere') return false;
    throw error;
  }
}

function withDeviceLock<T>(work: () => Promise<T>): Promise<T> {
  return typeof navigator !== 'undefined' && navigator.locks
    ? (navigator.locks.request('confab-encryption-device', work) as Promise<T>)
    : work();
}

/** A name the device list shows: the browser and system, as far as the user agent says. */
export function browserName(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : 'Browser';
  const system = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Mac OS X/.test(agent)
        ? 'macOS'
        : /Windows/.test(agent)
          ? 'Windows'
          : /Linux/.test(agent)
            ? 'Linux'
            : '';
  return system ? `${browser} on ${system}` : browser;
}
