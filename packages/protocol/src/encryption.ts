import Type, { type Static } from 'typebox';
import { Timestamp } from './primitives.js';
import { Identifier, SingleLine } from './strings.js';

/**
 * End-to-end encryption, part 1 (issue 39, decision 0027): the devices of each user, the identity
 * key that signs their list, and the pools of MLS KeyPackages the server hands out. Keys and MLS
 * messages travel as URL-safe base64 without padding.
 */

const strict = { additionalProperties: false } as const;

/** Bytes as URL-safe base64 without padding. */
export const Base64Url = (options: { description: string; minLength?: number; maxLength?: number }) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]+$', ...options });

/** The only MLS ciphersuite Confab speaks (RFC 9420 §17.1, id 1). */
export const MLS_CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
/** Its number in the MLS registry. */
export const MLS_CIPHERSUITE_ID = 1;

/** An encoded KeyPackage of that suite is about 300 bytes; this leaves room for extensions. */
export const MAX_KEY_PACKAGE_BYTES = 4096;
/** KeyPackages one upload may carry. */
export const MAX_KEY_PACKAGES_PER_UPLOAD = 100;
/** Unclaimed single-use KeyPackages a device may hold; an upload past it is refused. */
export const MAX_KEY_PACKAGES_PER_DEVICE = 200;
/** Active devices a user may have at once. */
export const MAX_DEVICES_PER_USER = 20;

const base64Length = (bytes: number) => Math.ceil((bytes * 4) / 3);

export const DeviceId = Identifier({
  minLength: 8,
  maxLength: 64,
  description: 'Chosen by the device when it registers (random, URL-safe)',
});
const Ed25519PublicKey = (description: string) =>
  Base64Url({ minLength: 43, maxLength: 43, description: `${description}: an Ed25519 public key (32 bytes)` });
const KeyPackageBytes = Base64Url({
  minLength: 1,
  maxLength: base64Length(MAX_KEY_PACKAGE_BYTES),
  description: `An MLSMessage carrying a KeyPackage of ${MLS_CIPHERSUITE}, at most ${MAX_KEY_PACKAGE_BYTES} bytes`,
});

export const RegisterDeviceBody = Type.Object(
  {
    id: DeviceId,
    name: SingleLine({ minLength: 1, maxLength: 100, description: 'What the user calls this device ("laptop")' }),
    signatureKey: Ed25519PublicKey('The key this device signs its MLS messages with'),
    credential: Base64Url({
      minLength: 1,
      maxLength: 512,
      description: 'The identity of the MLS basic credential: `confab.device.v1:` and the JSON array [userId, deviceId], UTF-8',
    }),
  },
  { ...strict, title: 'RegisterDeviceBody' },
);
export type RegisterDeviceBody = Static<typeof RegisterDeviceBody>;

export const Device = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    name: Type.String(),
    signatureKey: Type.String(),
    credential: Type.String(),
    createdAt: Timestamp,
    lastSeenAt: Timestamp,
  },
  { title: 'Device', description: 'An active device: one that has not been revoked' },
);
export type Device = Static<typeof Device>;

export const DeviceCreated = Type.Object({ device: Device }, { title: 'DeviceCreated' });
export type DeviceCreated = Static<typeof DeviceCreated>;

export const DeviceList = Type.Object({ devices: Type.Array(Device) }, { title: 'DeviceList' });
export type DeviceList = Static<typeof DeviceList>;

export const DeviceParams = Type.Object({ id: Identifier({ maxLength: 64 }) }, strict);
export type DeviceParams = Static<typeof DeviceParams>;

/** Revoked devices a signed list keeps (the newest); older ones drop out, and their past commits with them. */
export const MAX_SIGNED_REVOKED_DEVICES = 50;

/**
 * A revoked device as a signed list or the server names it: its key, when it was revoked (ms
 * since the epoch) and where in the event log (the order members compare with, when both sides
 * have a position; the time for entries and messages from before positions existed).
 */
export const RevokedDeviceEntry = Type.Object(
  {
    id: Type.String(),
    signatureKey: Type.String(),
    revokedAt: Type.Integer({ minimum: 0, description: 'When the server revoked it, in milliseconds since 1970 (UTC)' }),
    revokedPos: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          "The event log's position when the revocation committed: an MLS message of the device's credential is accepted only at or below it (`logPos`). Absent for revocations from before it existed",
      }),
    ),
  },
  { ...strict, title: 'RevokedDeviceEntry' },
);
export type RevokedDeviceEntry = Static<typeof RevokedDeviceEntry>;

/**
 * The text a user's identity key signs: this JSON exactly as sent (the signature covers its UTF-8
 * bytes, so nothing re-serialises it). `version` grows with every list the user publishes, so an
 * older list cannot be served again in place of a newer one.
 */
export const SignedDeviceListPayload = Type.Object(
  {
    v: Type.Literal(1),
    userId: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    identityKey: Type.String(),
    devices: Type.Array(Type.Object({ id: Type.String(), signatureKey: Type.String() }, strict)),
    revoked: Type.Optional(
      Type.Array(RevokedDeviceEntry, {
        maxItems: MAX_SIGNED_REVOKED_DEVICES,
        description:
          'Devices this identity key named before and that were revoked since, with where in the log and when: their credentials are accepted only for MLS messages the server ordered before that (docs/encryption.md). Absent in lists signed before it existed',
      }),
    ),
  },
  { ...strict, title: 'SignedDeviceListPayload' },
);
export type SignedDeviceListPayload = Static<typeof SignedDeviceListPayload>;

export const PutIdentityBody = Type.Object(
  {
    identityKey: Ed25519PublicKey("The user's identity key, which people verify (safety number)"),
    deviceList: Type.String({ format: 'text', minLength: 2, maxLength: 16_384, description: 'A SignedDeviceListPayload as JSON text' }),
    signature: Base64Url({
      minLength: 86,
      maxLength: 86,
      description: 'Ed25519 signature of deviceList (UTF-8) by identityKey (64 bytes)',
    }),
  },
  { ...strict, title: 'PutIdentityBody' },
);
export type PutIdentityBody = Static<typeof PutIdentityBody>;

export const UserIdentity = Type.Object(
  {
    identityKey: Type.String(),
    deviceList: Type.String(),
    signature: Type.String(),
    version: Type.Integer(),
    updatedAt: Timestamp,
  },
  { title: 'UserIdentity' },
);
export type UserIdentity = Static<typeof UserIdentity>;

export const UserDevices = Type.Object(
  {
    userId: Type.String(),
    identity: Type.Union([UserIdentity, Type.Null()], {
      description: 'Null until the user enables encryption. Trust only devices that are on the signed list and listed here',
    }),
    devices: Type.Array(Device),
    revoked: Type.Optional(
      Type.Array(RevokedDeviceEntry, {
        description:
          'Their revoked devices, newest first (at most 50): a credential check of an MLS message ordered before a revocation reads its time here and in the signed list, and takes the earlier',
      }),
    ),
  },
  { title: 'UserDevices' },
);
export type UserDevices = Static<typeof UserDevices>;

/** How many users' device lists one lookup reads (a Welcome checks every member's). */
export const MAX_DEVICE_LIST_LOOKUP = 200;
export const DeviceListLookupBody = Type.Object(
  {
    userIds: Type.Array(Identifier({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: MAX_DEVICE_LIST_LOOKUP,
      uniqueItems: true,
      description: 'The users whose identity, signed list and active devices to read',
    }),
  },
  { ...strict, title: 'DeviceListLookupBody' },
);
export type DeviceListLookupBody = Static<typeof DeviceListLookupBody>;
export const DeviceListLookup = Type.Object(
  {
    users: Type.Array(UserDevices, {
      description:
        'One per user asked for who exists, in the order asked (an unknown id is left out): each as `GET /users/:id/devices` answers',
    }),
  },
  { title: 'DeviceListLookup' },
);
export type DeviceListLookup = Static<typeof DeviceListLookup>;

export const UploadKeyPackagesBody = Type.Object(
  {
    keyPackages: Type.Array(KeyPackageBytes, { maxItems: MAX_KEY_PACKAGES_PER_UPLOAD, description: 'Single-use KeyPackages' }),
    lastResort: Type.Optional(KeyPackageBytes),
  },
  { ...strict, title: 'UploadKeyPackagesBody' },
);
export type UploadKeyPackagesBody = Static<typeof UploadKeyPackagesBody>;

export const KeyPackagesUploaded = Type.Object(
  {
    stored: Type.Integer({ description: 'Single-use KeyPackages new to the pool (one uploaded again counts once)' }),
    available: Type.Integer({ description: 'Single-use KeyPackages of this device not yet claimed' }),
    lastResort: Type.Boolean({ description: 'Whether the device has a last-resort KeyPackage' }),
  },
  { title: 'KeyPackagesUploaded' },
);
export type KeyPackagesUploaded = Static<typeof KeyPackagesUploaded>;

export const ClaimedKeyPackage = Type.Object(
  {
    deviceId: Type.String(),
    keyPackage: Type.String(),
    lastResort: Type.Boolean({ description: 'The pool was empty: the last-resort package, which stays for the next claim' }),
  },
  { title: 'ClaimedKeyPackage' },
);
export type ClaimedKeyPackage = Static<typeof ClaimedKeyPackage>;

export const ClaimedKeyPackages = Type.Object(
  { keyPackages: Type.Array(ClaimedKeyPackage, { description: 'One per active device that has any; a device with none is left out' }) },
  { title: 'ClaimedKeyPackages' },
);
export type ClaimedKeyPackages = Static<typeof ClaimedKeyPackages>;

/** A device's MLS credential identity (a `basic` credential): versioned, and JSON so no id can pass for the other. */
const CREDENTIAL_PREFIX = 'confab.device.v1:';

export function encodeDeviceIdentity(device: { userId: string; deviceId: string }): Uint8Array {
  return new TextEncoder().encode(CREDENTIAL_PREFIX + JSON.stringify([device.userId, device.deviceId]));
}

export function decodeDeviceIdentity(identity: Uint8Array): { userId: string; deviceId: string } | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(identity);
  } catch {
    return undefined;
  }
  if (!text.startsWith(CREDENTIAL_PREFIX)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(CREDENTIAL_PREFIX.length));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [userId, deviceId] = parsed as unknown[];
  if (typeof userId !== 'string' || typeof deviceId !== 'string' || !userId || !deviceId) return undefined;
  return { userId, deviceId };
}
