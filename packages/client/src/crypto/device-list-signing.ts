// My device list signed with my identity key and published (DeviceManager.publishDeviceList):
// the devices revoked since carried on as revoked, and each version admitted (list-versions.ts).
import type { DeviceList, SignedDeviceListPayload, UserDevices } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import { b64 } from './byte-packing.js';
import type { CryptoStore } from './crypto-store.js';
import type { DeviceKeys, DeviceRef, GroupEngine } from './group-engine.js';
import { admitListVersion } from './list-versions.js';
import { nextRevokedEntries } from './revocation-bound.js';

export async function signDeviceList(
  http: HttpTransport,
  store: CryptoStore,
  engine: GroupEngine,
  identity: DeviceKeys,
  device: DeviceRef,
  known?: UserDevices,
): Promise<void> {
  const published = known ?? (await http.request<UserDevices>('GET', `/api/v1/users/${encodeURIComponent(device.userId)}/devices`));
  const { devices } = await http.request<DeviceList>('GET', '/api/v1/devices');
  const identityKey = b64(identity.signaturePublicKey);
  // The devices my key named last and that are revoked since stay on the list, as revoked (revocation-bound.ts):
  // only from a list that verifies with my key, so the server cannot slip a key in.
  const previous = published.identity;
  const signedBefore =
    previous?.identityKey === identityKey &&
    (await engine.verify(identity.signaturePublicKey, utf8(previous.deviceList), base64UrlBytes(previous.signature)))
      ? (JSON.parse(previous.deviceList) as SignedDeviceListPayload)
      : undefined;
  // Signing on from an older list than I verified would drop what the newer one kept.
  if (signedBefore) await admitListVersion(store, device.userId, { identityKey, version: signedBefore.version });
  const revoked = nextRevokedEntries(signedBefore, published.revoked ?? [], Date.now());
  const payload: SignedDeviceListPayload = {
    v: 1,
    userId: device.userId,
    version: (previous?.version ?? 0) + 1,
    identityKey,
    devices: devices.map((d) => ({ id: d.id, signatureKey: d.signatureKey })),
    ...(revoked.length > 0 ? { revoked } : {}),
  };
  const deviceList = JSON.stringify(payload);
  const signature = await engine.sign(identity.signaturePrivateKey, utf8(deviceList));
  await http.request('PUT', '/api/v1/users/me/identity', {
    body: { identityKey: payload.identityKey, deviceList, signature: b64(signature) },
  });
  await admitListVersion(store, device.userId, { identityKey, version: payload.version });
}

const utf8 = (text: string) => new TextEncoder().encode(text);
