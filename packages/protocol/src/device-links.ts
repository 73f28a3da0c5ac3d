import Type, { type Static } from 'typebox';
import { Base64Url } from './encryption.js';
import { Timestamp } from './primitives.js';
import { Identifier, SingleLine } from './strings.js';

/**
 * Device linking (issue 39 part 4, decision 0027): a new device of mine gets my identity key from a
 * device that has it, through the server but never readable there. The new device publishes an
 * ephemeral X25519 public key; a device of mine that holds the identity key approves (both show a
 * short code derived from that key, which the person compares) and sends the identity key sealed
 * to it with HPKE. A link is mine only, expires, and is taken once.
 */

const strict = { additionalProperties: false } as const;

/** How long a link request waits for an approval, and then for the new device to take it. */
export const DEVICE_LINK_TTL_MS = 10 * 60 * 1000;
/**
 * A sealed answer: the identity key (about 150 bytes sealed) and the history share, the texts the
 * approving device decrypted, newest first, up to `MAX_HISTORY_SHARE_BYTES`; within the body limit.
 * Older texts go in an encrypted upload whose key is sealed in the answer (the SDK's history-share.ts).
 */
export const MAX_HISTORY_SHARE_BYTES = 400 * 1024;
export const MAX_SEALED_LINK_BYTES = MAX_HISTORY_SHARE_BYTES + 4096;

export const DeviceLinkState = Type.Enum(['pending', 'approved', 'declined', 'taken'], {
  description:
    '`pending`: waiting for a device of mine to answer; `approved`: sealed identity key waiting for the new device; `declined`; `taken`: the new device took it (once)',
});
export type DeviceLinkState = Static<typeof DeviceLinkState>;

export const DeviceLink = Type.Object(
  {
    id: Type.String(),
    deviceName: Type.String({ description: 'What the new device calls itself, shown in the prompt' }),
    publicKey: Type.String({
      description: "The new device's ephemeral X25519 public key (URL-safe base64): both devices show a code derived from it",
    }),
    state: DeviceLinkState,
    createdAt: Timestamp,
    expiresAt: Timestamp,
    approvedBy: Type.Union([Type.String(), Type.Null()], { description: 'The device of mine that approved it' }),
  },
  { title: 'DeviceLink' },
);
export type DeviceLink = Static<typeof DeviceLink>;

export const CreateDeviceLinkBody = Type.Object(
  {
    deviceName: SingleLine({ minLength: 1, maxLength: 100, description: 'What the user calls the new device ("phone")' }),
    publicKey: Base64Url({ minLength: 43, maxLength: 43, description: 'An ephemeral X25519 public key (32 bytes) of the new device' }),
  },
  { ...strict, title: 'CreateDeviceLinkBody' },
);
export type CreateDeviceLinkBody = Static<typeof CreateDeviceLinkBody>;

export const DeviceLinkCreated = Type.Object({ link: DeviceLink }, { title: 'DeviceLinkCreated' });
export type DeviceLinkCreated = Static<typeof DeviceLinkCreated>;

export const DeviceLinkList = Type.Object(
  { links: Type.Array(DeviceLink, { description: 'My link requests still pending and not expired, oldest first' }) },
  { title: 'DeviceLinkList' },
);
export type DeviceLinkList = Static<typeof DeviceLinkList>;

export const DeviceLinkParams = Type.Object({ id: Identifier({ maxLength: 64 }) }, strict);
export type DeviceLinkParams = Static<typeof DeviceLinkParams>;

export const ApproveDeviceLinkBody = Type.Object(
  {
    deviceId: Identifier({ maxLength: 64, description: 'The approving device: an active device of mine' }),
    sealed: Base64Url({
      minLength: 1,
      maxLength: Math.ceil((MAX_SEALED_LINK_BYTES * 4) / 3),
      description:
        "My identity key and the history share (texts I decrypted, newest first; the older ones as the key of an encrypted upload) sealed (HPKE, the suite's X25519 KEM) to the link's public key: the server cannot open it",
    }),
  },
  { ...strict, title: 'ApproveDeviceLinkBody' },
);
export type ApproveDeviceLinkBody = Static<typeof ApproveDeviceLinkBody>;

export const DeviceLinkTaken = Type.Object(
  { link: DeviceLink, sealed: Type.String({ description: 'The sealed identity key, handed out once' }) },
  { title: 'DeviceLinkTaken' },
);
export type DeviceLinkTaken = Static<typeof DeviceLinkTaken>;
