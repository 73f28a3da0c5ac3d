import { MAX_SIGNED_REVOKED_DEVICES, SignedDeviceListPayload } from '@confab/protocol';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { REVOCATION_CLOCK_TOLERANCE_MS, acceptsRevoked, nextRevokedEntries, orderPosition, revocationBounds } from './revocation-bound.js';

const phone = { id: 'phone-0001', signatureKey: 'K-phone', revokedAt: 1_000 };

describe('a revoked device is accepted only for what was ordered before its revocation', () => {
  it('accepts a message ordered before the revocation, and nothing at or after it', () => {
    const revoked = revocationBounds([phone]);
    expect(acceptsRevoked(revoked, 'phone-0001', 'K-phone', { orderedAt: 999 })).toBe(true);
    expect(acceptsRevoked(revoked, 'phone-0001', 'K-phone', { orderedAt: 1_000 })).toBe(false);
    expect(acceptsRevoked(revoked, 'phone-0001', 'K-phone', { orderedAt: 5_000 })).toBe(false);
  });

  it('never accepts it for something without a position (an add, an external join or a commit made now)', () => {
    expect(acceptsRevoked(revocationBounds([phone]), 'phone-0001', 'K-phone', undefined)).toBe(false);
    // A message whose time does not parse has no place before anything.
    expect(acceptsRevoked(revocationBounds([phone]), 'phone-0001', 'K-phone', orderPosition({ createdAt: 'yesterday' }))).toBe(false);
  });

  it('accepts only the key the list names for that device, and no device it does not name', () => {
    const revoked = revocationBounds([phone]);
    expect(acceptsRevoked(revoked, 'phone-0001', 'K-other', { orderedAt: 1 })).toBe(false);
    expect(acceptsRevoked(revoked, 'tablet-0001', 'K-phone', { orderedAt: 1 })).toBe(false);
  });

  it('takes the earlier of the signed time and the server’s, so neither alone extends it', () => {
    const served = [{ ...phone, revokedAt: 700 }];
    expect(acceptsRevoked(revocationBounds([phone], served), 'phone-0001', 'K-phone', { orderedAt: 800 })).toBe(false);
    const later = [{ ...phone, revokedAt: 9_000 }];
    expect(acceptsRevoked(revocationBounds([phone], later), 'phone-0001', 'K-phone', { orderedAt: 1_500 })).toBe(false);
    // The server's entry for another key is not this device's time.
    const otherKey = [{ ...phone, signatureKey: 'K-other', revokedAt: 10 }];
    expect(acceptsRevoked(revocationBounds([phone], otherKey), 'phone-0001', 'K-phone', { orderedAt: 500 })).toBe(true);
    // A device the server lists as revoked but the identity key never signed as such is not accepted.
    expect(acceptsRevoked(revocationBounds(undefined, [phone]), 'phone-0001', 'K-phone', { orderedAt: 1 })).toBe(false);
  });

  it('reads a list signed before `revoked` existed: it verifies as a payload, and names no revoked device', () => {
    const old = { v: 1, userId: 'u1', version: 3, identityKey: 'I', devices: [{ id: 'laptop-01', signatureKey: 'K-laptop' }] };
    expect(Value.Check(SignedDeviceListPayload, old)).toBe(true);
    expect(Value.Check(SignedDeviceListPayload, { ...old, revoked: [phone] })).toBe(true);
    expect(Value.Check(SignedDeviceListPayload, { ...old, revoked: [{ id: 'x', signatureKey: 'y' }] })).toBe(false);
    expect(revocationBounds((old as SignedDeviceListPayload).revoked)).toEqual([]);
  });
});

describe('ordered by the log, not by clocks', () => {
  // Revoked at log position 40, at 1,000 ms on the revoking node's clock.
  const placed = { ...phone, revokedPos: 40 };

  it("accepts a message at or below the revocation's position, whatever its time, and refuses one above it", () => {
    const revoked = revocationBounds([placed]);
    // Numbered on a node whose clock is ahead: dated after the revocation, ordered before it.
    expect(acceptsRevoked(revoked, 'phone-0001', 'K-phone', { orderedAt: 1_500, logPos: 39 })).toBe(true);
    expect(acceptsRevoked(revoked, 'phone-0001', 'K-phone', { orderedAt: 1_500, logPos: 40 })).toBe(true);
    // Dated before the revocation (a node whose clock is behind), ordered after it.
    expect(acceptsRevoked(revoked, 'phone-0001', 'K-phone', { orderedAt: 500, logPos: 41 })).toBe(false);
  });

  it('compares times where either side has no position: a message or a list from before positions existed', () => {
    expect(acceptsRevoked(revocationBounds([placed]), 'phone-0001', 'K-phone', { orderedAt: 999 })).toBe(true);
    expect(acceptsRevoked(revocationBounds([placed]), 'phone-0001', 'K-phone', { orderedAt: 1_000 })).toBe(false);
    expect(acceptsRevoked(revocationBounds([phone]), 'phone-0001', 'K-phone', { orderedAt: 1_500, logPos: 3 })).toBe(false);
    expect(acceptsRevoked(revocationBounds([phone]), 'phone-0001', 'K-phone', { orderedAt: 999, logPos: 3 })).toBe(true);
  });

  it("takes the earlier of the signed position and the server's, and no position the list did not sign", () => {
    const earlier = revocationBounds([placed], [{ ...placed, revokedPos: 30 }]);
    expect(acceptsRevoked(earlier, 'phone-0001', 'K-phone', { orderedAt: 0, logPos: 35 })).toBe(false);
    expect(acceptsRevoked(earlier, 'phone-0001', 'K-phone', { orderedAt: 0, logPos: 30 })).toBe(true);
    const later = revocationBounds([placed], [{ ...placed, revokedPos: 90 }]);
    expect(acceptsRevoked(later, 'phone-0001', 'K-phone', { orderedAt: 0, logPos: 41 })).toBe(false);
    // Signed without a position: the server's alone does not place it; its time decides.
    const unsigned = revocationBounds([phone], [placed]);
    expect(unsigned[0]!.revokedPos).toBeUndefined();
    expect(acceptsRevoked(unsigned, 'phone-0001', 'K-phone', { orderedAt: 1_500, logPos: 10 })).toBe(false);
  });

  it('reads the position of a stored message, and none where it has none', () => {
    expect(orderPosition({ createdAt: '1970-01-01T00:00:01.000Z', logPos: 12 })).toEqual({ orderedAt: 1_000, logPos: 12 });
    expect(orderPosition({ createdAt: '1970-01-01T00:00:01.000Z' })).toEqual({ orderedAt: 1_000 });
  });

  it("signs the server's position into the next list, and payloads with and without one verify", () => {
    const previous = { devices: [{ id: phone.id, signatureKey: phone.signatureKey }] };
    expect(nextRevokedEntries(previous, [placed], 2_000)).toEqual([placed]);
    const list = { v: 1, userId: 'u1', version: 4, identityKey: 'I', devices: [], revoked: [placed, { ...phone, id: 'old-0001' }] };
    expect(Value.Check(SignedDeviceListPayload, list)).toBe(true);
    expect(Value.Check(SignedDeviceListPayload, { ...list, revoked: [{ ...placed, revokedPos: -1 }] })).toBe(false);
  });
});

describe('the revoked entries of the next signed list', () => {
  const laptop = { id: 'laptop-01', signatureKey: 'K-laptop' };
  const previous = { devices: [laptop, { id: phone.id, signatureKey: phone.signatureKey }] };

  it('keeps a device the last list named and the server lists revoked with the same key, at the server’s time', () => {
    expect(nextRevokedEntries(previous, [phone], 2_000)).toEqual([phone]);
  });

  it('never vouches for a key the last list did not name, nor without a last list', () => {
    expect(nextRevokedEntries(previous, [{ ...phone, signatureKey: 'K-forged' }], 2_000)).toEqual([]);
    expect(nextRevokedEntries(previous, [{ id: 'stranger', signatureKey: 'K-s', revokedAt: 5 }], 2_000)).toEqual([]);
    expect(nextRevokedEntries(undefined, [phone], 2_000)).toEqual([]);
  });

  it('carries earlier revoked entries as signed, and takes a server time no later than its own clock and the tolerance', () => {
    const carried = { devices: [laptop], revoked: [phone] };
    expect(nextRevokedEntries(carried, [{ ...phone, revokedAt: 50_000 }], 2_000)).toEqual([phone]);
    const far = nextRevokedEntries(previous, [{ ...phone, revokedAt: 10 ** 12 }], 2_000);
    expect(far).toEqual([{ ...phone, revokedAt: 2_000 + REVOCATION_CLOCK_TOLERANCE_MS }]);
  });

  it('keeps the newest revocations, at most the cap', () => {
    const many = Array.from({ length: MAX_SIGNED_REVOKED_DEVICES + 5 }, (_, i) => ({ id: `d-${i}`, signatureKey: `K-${i}`, revokedAt: i }));
    const kept = nextRevokedEntries({ devices: [], revoked: many }, [], 0);
    expect(kept).toHaveLength(MAX_SIGNED_REVOKED_DEVICES);
    expect(kept[0]!.revokedAt).toBe(MAX_SIGNED_REVOKED_DEVICES + 4);
    expect(kept.at(-1)!.revokedAt).toBe(5);
  });
});
