import { MAX_SIGNED_REVOKED_DEVICES, type RevokedDeviceEntry, type SignedDeviceListPayload } from '@confab/protocol';
import type { OrderPosition } from './group-engine.js';

export type { OrderPosition };

/**
 * The rule that keeps a revocation from making earlier history unreadable (issue 39): a revoked
 * device's credential is accepted only while checking an MLS message the server ordered before
 * its revocation (a commit it made, a Welcome whose tree still holds it), never for anything
 * ordered after it, nor for something this device makes now (an add, an external join, its own
 * commit: those carry no position). "Before" is read in the one event log, not on clocks: the
 * message's `logPos` at or below the revocation's `revokedPos` (the log's head when it committed);
 * where either has no position (stored or signed before positions existed), its time before the
 * revocation's. Each bound is the earlier of the one the user's identity key signed and the one
 * the server serves, so neither alone can extend it. The argument is in docs/encryption.md
 * ("A revoked device's past").
 */

/** A revoked device's key and the last place (`revokedPos`, inclusive; else `revokedAt`, exclusive, ms) a message it is checked for may have been ordered. */
export type RevokedKey = RevokedDeviceEntry;

/** How far past its own clock a signer takes the server's time of a revocation (clocks differ a little; a lie is bounded). */
export const REVOCATION_CLOCK_TOLERANCE_MS = 5 * 60_000;

/**
 * The revoked keys a verified list vouches for, each bounded by the earlier of its signed time
 * and position and the server's (when the server lists it with the same key). A position the
 * list did not sign is not taken from the server alone. Old lists have no `revoked`: nothing is
 * accepted beyond their current devices, as before.
 */
export function revocationBounds(
  signed: readonly RevokedDeviceEntry[] | undefined,
  served: readonly RevokedDeviceEntry[] = [],
): RevokedKey[] {
  return (signed ?? []).map((entry) => {
    const server = served.find((s) => s.id === entry.id && s.signatureKey === entry.signatureKey);
    if (!server) return { ...entry };
    const revokedPos =
      entry.revokedPos === undefined || server.revokedPos === undefined ? entry.revokedPos : Math.min(entry.revokedPos, server.revokedPos);
    return { ...entry, revokedAt: Math.min(entry.revokedAt, server.revokedAt), ...(revokedPos === undefined ? {} : { revokedPos }) };
  });
}

/** Whether `deviceId` with `signatureKey`, revoked, may be accepted for a message at `position` (none: never). */
export function acceptsRevoked(
  revoked: readonly RevokedKey[],
  deviceId: string,
  signatureKey: string,
  position: OrderPosition | undefined,
): boolean {
  if (position === undefined) return false;
  return revoked.some((r) => r.id === deviceId && r.signatureKey === signatureKey && orderedBefore(position, r));
}

/**
 * Whether a message at `position` was ordered before the revocation `r`. Positions come from one
 * counter that the server takes in commit order, and a revocation reads it only once every send
 * of the device has committed (the server refuses the later ones): exact, whatever the nodes'
 * clocks. Times are the fallback for what has no position, and compare two nodes' clocks.
 */
function orderedBefore(position: OrderPosition, r: RevokedKey): boolean {
  if (position.logPos !== undefined && r.revokedPos !== undefined) return position.logPos <= r.revokedPos;
  return Number.isFinite(position.orderedAt) && position.orderedAt < r.revokedAt;
}

/**
 * The `revoked` entries of the next list my identity key signs: those of the list it signed last
 * (already verified by the caller), and the devices that list named and the server now lists as
 * revoked with the same key. The identity key never vouches for a key it had not named. The
 * server's time is taken up to `now` + the tolerance, and its log position as served; newest
 * first, at most `MAX_SIGNED_REVOKED_DEVICES`.
 */
export function nextRevokedEntries(
  previous: Pick<SignedDeviceListPayload, 'devices' | 'revoked'> | undefined,
  served: readonly RevokedDeviceEntry[],
  now: number,
): RevokedDeviceEntry[] {
  if (!previous) return [];
  const entries = new Map((previous.revoked ?? []).map((r) => [r.id, r]));
  for (const device of previous.devices) {
    const server = served.find((s) => s.id === device.id && s.signatureKey === device.signatureKey);
    if (!server || entries.has(device.id)) continue;
    entries.set(device.id, {
      id: device.id,
      signatureKey: device.signatureKey,
      revokedAt: Math.min(server.revokedAt, now + REVOCATION_CLOCK_TOLERANCE_MS),
      ...(server.revokedPos === undefined ? {} : { revokedPos: server.revokedPos }),
    });
  }
  return [...entries.values()].sort((a, b) => b.revokedAt - a.revokedAt || a.id.localeCompare(b.id)).slice(0, MAX_SIGNED_REVOKED_DEVICES);
}

/** A stored message's place in the order, as its credential checks use it: its event's log position, and when the server stored it. */
export function orderPosition(message: { createdAt: string; logPos?: number }): OrderPosition {
  return { orderedAt: Date.parse(message.createdAt), ...(message.logPos === undefined ? {} : { logPos: message.logPos }) };
}
