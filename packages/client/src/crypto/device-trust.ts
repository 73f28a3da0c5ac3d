import type { SignedDeviceListPayload, UserDevices } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import { b64 } from './byte-packing.js';
import { EncryptionError } from './device-manager.js';
import { DeviceListReads } from './device-list-reads.js';
import type { DeviceRef, GroupEngine } from './group-engine.js';
import type { Verification, Verifications } from './verification.js';

/**
 * Users' signed device lists, read from the server and checked here (issue 39): the signature by
 * their identity key, the list's user and key, and the devices the server lists as active; each
 * read is shown to my verifications (a key first seen is kept, a new one is `changed`). The MLS
 * credential checks of one operation share one read per user (device-list-reads.ts).
 */
export class DeviceTrust {
  private readonly reads = new DeviceListReads((userId) => this.verifiedDevices(userId));

  constructor(
    private readonly http: HttpTransport,
    private readonly engine: () => Promise<GroupEngine>,
    private readonly verifications: Verifications,
    private readonly self: () => Promise<DeviceRef | undefined>,
  ) {}

  /** Runs one MLS operation: its credential checks share their reads. */
  during<T>(work: () => Promise<T>): Promise<T> {
    return this.reads.during(work);
  }

  /** The next check of this user reads their list again (a new identity key, a device revoked). */
  forget(userId: string): void {
    this.reads.forget(userId);
  }

  /**
   * The credential validator: the device is on its user's signed list with this key, and active.
   * Within one MLS operation the checks of one user share one read (device-list-reads.ts).
   */
  async trusts(device: DeviceRef, signaturePublicKey: Uint8Array): Promise<boolean> {
    const verified = await this.reads.read(device.userId);
    const key = b64(signaturePublicKey);
    return verified?.devices.some((d) => d.id === device.deviceId && d.signatureKey === key) ?? false;
  }

  /**
   * A user's devices that the signed list names and the server lists as active, and my
   * verification of their identity key (a key first seen is kept here; a new one is `changed`);
   * undefined without an identity.
   */
  async verifiedDevices(
    userId: string,
  ): Promise<{ identityKey: string; verification: Verification; devices: { id: string; signatureKey: string }[] } | undefined> {
    const engine = await this.engine();
    const published = await this.http.request<UserDevices>('GET', `/api/v1/users/${encodeURIComponent(userId)}/devices`);
    const identity = published.identity;
    if (!identity) return undefined;
    const signed = await engine.verify(base64UrlBytes(identity.identityKey), utf8(identity.deviceList), base64UrlBytes(identity.signature));
    if (!signed) throw new EncryptionError('bad_signature', `The device list of ${userId} is not signed by their identity key`);
    const payload = JSON.parse(identity.deviceList) as SignedDeviceListPayload;
    if (payload.userId !== userId || payload.identityKey !== identity.identityKey) {
      throw new EncryptionError('bad_signature', `The device list served for ${userId} is another user's`);
    }
    const active = new Map(published.devices.map((d) => [d.id, d.signatureKey]));
    // My own key is nobody's to verify (and a reset on another device of mine is no warning to me).
    const verification =
      (await this.self())?.userId === userId ? 'unverified' : await this.verifications.observe(userId, identity.identityKey);
    return {
      identityKey: identity.identityKey,
      verification,
      devices: payload.devices.filter((d) => active.get(d.id) === d.signatureKey),
    };
  }
}

const utf8 = (text: string) => new TextEncoder().encode(text);
