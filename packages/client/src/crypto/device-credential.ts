import type { DeviceRef } from './group-engine.js';

/**
 * A device's MLS credential is a `basic` credential whose identity is this text: versioned so a
 * later form can sit beside it, and JSON so neither id can be confused with the other.
 */
const PREFIX = 'confab.device.v1:';

export function encodeDeviceIdentity(device: DeviceRef): Uint8Array {
  return new TextEncoder().encode(PREFIX + JSON.stringify([device.userId, device.deviceId]));
}

export function decodeDeviceIdentity(identity: Uint8Array): DeviceRef | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(identity);
  } catch {
    return undefined;
  }
  if (!text.startsWith(PREFIX)) return undefined;
  try {
    const parsed: unknown = JSON.parse(text.slice(PREFIX.length));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [userId, deviceId] = parsed as unknown[];
    if (typeof userId !== 'string' || typeof deviceId !== 'string' || !userId || !deviceId) return undefined;
    return { userId, deviceId };
  } catch {
    return undefined;
  }
}
