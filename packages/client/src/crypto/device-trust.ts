import type { DeviceListLookup, SignedDeviceListPayload, UserDevices } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import { b64 } from './byte-packing.js';
import { EncryptionError } from './encryption-error.js';
import { DeviceListReads } from './device-list-reads.js';
import type { CryptoStore } from './crypto-store.js';
import { admitListVersion } from './list-versions.js';
import type { DeviceRef, GroupEngine } from './group-engine.js';
import { type OrderPosition, type RevokedKey, acceptsRevoked, revocationBounds } from './revocation-bound.js';
import type { Verification, Verifications } from './verification.js';

/**
 * Users' signed device lists, read from the server and checked here (issue 39): the signature by
 * their identity key, the list's user and key, and the devices the server lists as active; each
 * read is shown to my verifications (a key first seen is kept, a new one is `changed`), and none is
 * older than one verified before (list-versions.ts). The MLS
 * credential checks of one operation share one read per user (device-list-reads.ts).
 */
export class DeviceTrust {
  private readonly reads = new DeviceListReads(
    (userId) => this.verifiedDevices(userId),
    (userIds) => this.verifiedDevicesOf(userIds),
  );

  constructor(
    private readonly http: HttpTransport,
    private readonly engine: () => Promise<GroupEngine>,
    private readonly verifications: Verifications,
    private readonly self: () => Promise<DeviceRef | undefined>,
    /** Where the highest list version verified per user is kept (list-versions.ts). */
    private readonly store: CryptoStore,
  ) {}

  /** Runs one MLS operation: its credential checks share their reads. */
  during<T>(work: () => Promise<T>): Promise<T> {
    return this.reads.during(work);
  }

  /** Runs `work` as one operation, its checks finding these users' lists read first in one request. */
  withLists<T>(userIds: readonly string[], work: () => Promise<T>): Promise<T> {
    return this.reads.during(async () => {
      await this.reads.prime(userIds);
      return work();
    });
  }

  /** The next check of this user reads their list again (a new identity key, a device revoked). */
  forget(userId: string): void {
    this.reads.forget(userId);
  }

  /**
   * The credential validator: the device is on its user's signed list with this key, and active;
   * or, checking a message ordered at `position`, it was revoked after that (revocation-bound.ts).
   * Within one MLS operation the checks of one user share one read (device-list-reads.ts).
   */
  async trusts(device: DeviceRef, signaturePublicKey: Uint8Array, position?: OrderPosition): Promise<boolean> {
    const verified = await this.reads.read(device.userId);
    if (!verified) return false;
    const key = b64(signaturePublicKey);
    if (verified.devices.some((d) => d.id === device.deviceId && d.signatureKey === key)) return true;
    return acceptsRevoked(verified.revoked, device.deviceId, key, position);
  }

  /**
   * A user's devices that the signed list names and the server lists as active, and my
   * verification of their identity key (a key first seen is kept here; a new one is `changed`);
   * undefined without an identity.
   */
  async verifiedDevices(userId: string): Promise<VerifiedDevices | undefined> {
    const published = await this.http.request<UserDevices>('GET', `/api/v1/users/${encodeURIComponent(userId)}/devices`);
    return this.checked(userId, published);
  }

  /** Several users' lists in one request (`POST /users/devices/lookup`), each checked as `verifiedDevices` does. */
  private async verifiedDevicesOf(userIds: string[]): Promise<Map<string, Promise<VerifiedDevices | undefined>>> {
    const { users } = await this.http.request<DeviceListLookup>('POST', '/api/v1/users/devices/lookup', { body: { userIds } });
    return new Map(
      users.map((published) => {
        const checked = this.checked(published.userId, published);
        // Its failure is the check's that reads it, not an unhandled one here.
        checked.catch(() => undefined);
        return [published.userId, checked];
      }),
    );
  }

  private async checked(userId: string, published: UserDevices): Promise<VerifiedDevices | undefined> {
    const engine = await this.engine();
    const identity = published.identity;
    if (!identity) return undefined;
    const signed = await engine.verify(base64UrlBytes(identity.identityKey), utf8(identity.deviceList), base64UrlBytes(identity.signature));
    if (!signed) throw new EncryptionError('bad_signature', `The device list of ${userId} is not signed by their identity key`);
    const payload = JSON.parse(identity.deviceList) as SignedDeviceListPayload;
    if (payload.userId !== userId || payload.identityKey !== identity.identityKey) {
      throw new EncryptionError('bad_signature', `The device list served for ${userId} is another user's`);
    }
    // Never an older list of the same key than one verified before (one still naming a revoked device as active).
    await admitListVersion(this.store, userId, { identityKey: identity.identityKey, version: payload.version });
    const active = new Map(published.devices.map((d) => [d.id, d.signatureKey]));
    // My own key is nobody's to verify (and a reset on another device of mine is no warning to me).
    const verification =
      (await this.self())?.userId === userId ? 'unverified' : await this.verifications.observe(userId, identity.identityKey);
    return {
      identityKey: identity.identityKey,
      verification,
      devices: payload.devices.filter((d) => active.get(d.id) === d.signatureKey),
      revoked: revocationBounds(payload.revoked, published.revoked),
    };
  }
}

interface VerifiedDevices {
  identityKey: string;
  verification: Verification;
  devices: { id: string; signatureKey: string }[];
  /** Devices the list keeps as revoked, each with the time before which its messages' credentials pass. */
  revoked: RevokedKey[];
}

const utf8 = (text: string) => new TextEncoder().encode(text);
