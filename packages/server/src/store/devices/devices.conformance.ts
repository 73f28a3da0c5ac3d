import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { Fixture } from '../conformance/fixtures.js';
import type { DeviceRecord } from '../store.js';

/** Devices, identity keys and KeyPackage pools (issue 39). */
export function describeDevices(f: Fixture): void {
  const device = (userId: string, id = newId()): DeviceRecord => ({
    id,
    userId,
    name: 'laptop',
    signatureKey: `sig-${id}`,
    credential: `cred-${id}`,
    createdAt: f.tick(),
    lastSeenAt: f.now,
    revokedAt: null,
  });
  const kp = (data: string) => ({ id: newId(), ref: createHash('sha256').update(data).digest('hex'), data, createdAt: f.tick() });

  describe('devices and key packages', () => {
    it('registers devices once per id, lists the active ones, and revokes only the owner’s', async () => {
      const [a, b] = await Promise.all([f.user('dva'), f.user('dvb')]);
      const laptop = device(a!.id);
      expect(await f.store.devices.insertDevice(laptop)).toEqual({ created: true, device: laptop });
      // The same id again (a retried registration, or another user's guess) changes nothing.
      const again = await f.store.devices.insertDevice({ ...device(b!.id, laptop.id), name: 'taken' });
      expect(again).toEqual({ created: false, device: laptop });
      const phone = device(a!.id);
      await f.store.devices.insertDevice(phone);
      expect((await f.store.devices.listActiveDevices(a!.id)).map((d) => d.id)).toEqual([laptop.id, phone.id]);

      await f.store.devices.addKeyPackages(phone.id, { packages: [kp('p1')], lastResort: kp('p-last') }, 10);
      // The clock is read only for a revocation made (with the device locked), and once.
      const reads: number[] = [];
      const clock = () => reads[reads.push(f.tick()) - 1]!;
      expect(await f.store.devices.revokeDevice(b!.id, phone.id, clock)).toBe(false);
      expect(await f.store.devices.revokeDevice(a!.id, phone.id, clock)).toBe(true);
      expect(await f.store.devices.revokeDevice(a!.id, phone.id, clock)).toBe(false);
      expect((await f.store.devices.listActiveDevices(a!.id)).map((d) => d.id)).toEqual([laptop.id]);
      expect(reads).toHaveLength(1);
      expect((await f.store.devices.getDevice(phone.id))?.revokedAt).toBe(reads[0]);
      // Its packages went with it: nobody can add a revoked device again.
      expect(await f.store.devices.claimKeyPackages(a!.id)).toEqual([]);

      await f.store.devices.touchDevice(laptop.id, f.tick());
      expect((await f.store.devices.getDevice(laptop.id))?.lastSeenAt).toBe(f.now);
    });

    it('keeps the newest signed device list, whatever order the puts come in', async () => {
      const a = await f.user('dvid');
      const identity = (version: number) => ({
        userId: a.id,
        identityKey: 'ik',
        deviceList: `list-${version}`,
        signature: `sig-${version}`,
        version,
        updatedAt: f.tick(),
      });
      expect(await f.store.devices.getIdentity(a.id)).toBeUndefined();
      expect(await f.store.devices.putIdentity(identity(2))).toBe(true);
      expect(await f.store.devices.putIdentity(identity(1))).toBe(false);
      expect(await f.store.devices.putIdentity(identity(2))).toBe(false);
      const racing = await Promise.all([3, 5, 4].map((v) => f.store.devices.putIdentity(identity(v))));
      expect(racing.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      expect(await f.store.devices.getIdentity(a.id)).toMatchObject({ deviceList: 'list-5', signature: 'sig-5', version: 5 });
    });

    it('reads several users’ active devices and identities in one call (the lists a Welcome checks)', async () => {
      const [a, b, c] = await Promise.all([f.user('dvma'), f.user('dvmb'), f.user('dvmc')]);
      const [a1, a2, b1] = [device(a.id), device(a.id), device(b.id)];
      for (const d of [a1, a2, b1]) await f.store.devices.insertDevice(d);
      await f.store.devices.revokeDevice(a.id, a2.id, f.tick);
      const identity = { identityKey: 'ik', deviceList: 'list', signature: 'sig', version: 1, updatedAt: f.tick() };
      await f.store.devices.putIdentity({ userId: a.id, ...identity });
      await f.store.devices.putIdentity({ userId: c.id, ...identity });
      const devices = await f.store.devices.listActiveDevicesOf([a.id, b.id, c.id, 'nobody']);
      expect(devices.map((d) => d.id).sort()).toEqual([a1.id, b1.id].sort());
      const identities = await f.store.devices.getIdentities([a.id, b.id, c.id, 'nobody']);
      expect(identities.map((i) => i.userId).sort()).toEqual([a.id, c.id].sort());
      expect(identities.find((i) => i.userId === a.id)).toEqual({ userId: a.id, ...identity });
      expect(await f.store.devices.listActiveDevicesOf([])).toEqual([]);
      expect(await f.store.devices.getIdentities([])).toEqual([]);
    });

    it('reads several users’ revoked devices, the newest revocation first, at most a limit a user', async () => {
      const [a, b, c] = await Promise.all([f.user('dvra'), f.user('dvrb'), f.user('dvrc')]);
      const [a1, a2, a3, a4, b1, c1] = [device(a.id), device(a.id), device(a.id), device(a.id), device(b.id), device(c.id)];
      for (const d of [a1, a2, a3, a4, b1, c1]) await f.store.devices.insertDevice(d);
      const times: Record<string, number> = {};
      for (const [user, d] of [
        [a, a2],
        [b, b1],
        [a, a1],
        [a, a3],
      ] as const) {
        times[d.id] = f.tick();
        await f.store.devices.revokeDevice(user.id, d.id, () => times[d.id]!);
      }
      const revoked = await f.store.devices.listRevokedDevicesOf([a.id, b.id, c.id, 'nobody'], 2);
      // Alice's two newest (a3, then a1; a2 past the limit), Bob's one; Carol and the active a4 have none.
      expect(revoked.filter((d) => d.userId === a.id).map((d) => [d.id, d.revokedAt])).toEqual([
        [a3.id, times[a3.id]],
        [a1.id, times[a1.id]],
      ]);
      expect(revoked.filter((d) => d.userId === b.id)).toEqual([
        { ...b1, revokedAt: times[b1.id], revokedPos: expect.any(Number) as number },
      ]);
      expect(revoked.some((d) => d.userId === c.id || d.id === a4.id)).toBe(false);
      expect(await f.store.devices.listRevokedDevicesOf([], 2)).toEqual([]);
    });

    it('stores an upload once, caps the pool, and replaces the last-resort package', async () => {
      const a = await f.user('dvkp');
      const d = device(a.id);
      await f.store.devices.insertDevice(d);
      const [k1, k2, k3] = [kp('k1'), kp('k2'), kp('k3')];
      expect(await f.store.devices.addKeyPackages(d.id, { packages: [k1!, k2!, k2!] }, 3)).toEqual({
        stored: 2,
        available: 2,
        lastResort: false,
      });
      expect(await f.store.devices.addKeyPackages(d.id, { packages: [k1!, k2!] }, 3)).toEqual({
        stored: 0,
        available: 2,
        lastResort: false,
      });
      expect(await f.store.devices.addKeyPackages(d.id, { packages: [k3!, kp('k4')] }, 3)).toEqual({ refused: 'pool_full', available: 2 });
      const last1 = kp('last-1');
      expect(await f.store.devices.addKeyPackages(d.id, { packages: [], lastResort: last1 }, 3)).toEqual({
        stored: 0,
        available: 2,
        lastResort: true,
      });
      const last2 = kp('last-2');
      await f.store.devices.addKeyPackages(d.id, { packages: [], lastResort: last2 }, 3);
      const claims = [];
      for (let i = 0; i < 4; i++) claims.push(...(await f.store.devices.claimKeyPackages(a.id)));
      expect(claims.map((c) => [c.data, c.lastResort])).toEqual([
        ['k1', false],
        ['k2', false],
        ['last-2', true],
        ['last-2', true],
      ]);
    });

    it('never hands the same package to two concurrent claims', async () => {
      const a = await f.user('dvcc');
      const [d1, d2] = [device(a.id), device(a.id)];
      await f.store.devices.insertDevice(d1);
      await f.store.devices.insertDevice(d2);
      await f.store.devices.addKeyPackages(
        d1.id,
        { packages: Array.from({ length: 6 }, (_, i) => kp(`c1-${i}`)), lastResort: kp('c1-last') },
        50,
      );
      await f.store.devices.addKeyPackages(d2.id, { packages: Array.from({ length: 3 }, (_, i) => kp(`c2-${i}`)) }, 50);
      const results = await Promise.all(Array.from({ length: 8 }, () => f.store.devices.claimKeyPackages(a.id)));
      const all = results.flat();
      const singleUse = all.filter((c) => !c.lastResort).map((c) => c.data);
      expect(new Set(singleUse).size).toBe(singleUse.length);
      expect(singleUse.length).toBe(9);
      // Device 1: six single-use and then its last resort; device 2 runs dry after three.
      expect(all.filter((c) => c.deviceId === d1.id).length).toBe(8);
      expect(all.filter((c) => c.deviceId === d1.id && c.lastResort).length).toBe(2);
      expect(all.filter((c) => c.deviceId === d2.id).length).toBe(3);
    });

    it('keeps device links: pending ones listed until they expire, each moved once', async () => {
      const [a, b] = await Promise.all([f.user('dvla'), f.user('dvlb')]);
      const link = (userId: string, ttl = 60_000) => {
        const createdAt = f.tick();
        return {
          id: newId(),
          userId,
          deviceName: 'phone',
          publicKey: 'pk',
          state: 'pending' as const,
          sealed: null,
          approvedBy: null,
          createdAt,
          expiresAt: createdAt + ttl,
        };
      };
      const first = link(a.id);
      const short = link(a.id, 1500);
      const other = link(b.id);
      for (const l of [first, short, other]) await f.store.devices.insertDeviceLink(l);
      expect(await f.store.devices.getDeviceLink(first.id)).toEqual(first);
      expect((await f.store.devices.listPendingDeviceLinks(a.id, f.now)).map((l) => l.id)).toEqual([first.id, short.id]);
      f.tick();
      f.tick();
      // Expired: neither listed nor moved.
      expect((await f.store.devices.listPendingDeviceLinks(a.id, f.now)).map((l) => l.id)).toEqual([first.id]);
      expect(await f.store.devices.moveDeviceLink(short.id, 'pending', { state: 'declined', sealed: null }, f.now)).toBe(false);

      // Two approvals racing: exactly one moves it.
      const answers = await Promise.all(
        ['d1', 'd2'].map((d) =>
          f.store.devices.moveDeviceLink(first.id, 'pending', { state: 'approved', sealed: `s-${d}`, approvedBy: d }, f.now),
        ),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
      const approved = await f.store.devices.getDeviceLink(first.id);
      expect(approved).toMatchObject({ state: 'approved', sealed: `s-${approved!.approvedBy}` });
      expect(await f.store.devices.listPendingDeviceLinks(a.id, f.now)).toEqual([]);
      // Taken once; the sealed key leaves the server with it.
      expect(await f.store.devices.moveDeviceLink(first.id, 'approved', { state: 'taken', sealed: null }, f.now)).toBe(true);
      expect(await f.store.devices.moveDeviceLink(first.id, 'approved', { state: 'taken', sealed: null }, f.now)).toBe(false);
      expect(await f.store.devices.getDeviceLink(first.id)).toMatchObject({
        state: 'taken',
        sealed: null,
        approvedBy: approved!.approvedBy,
      });
    });

    it('deletes the links that expired before a time, in any state, and no other', async () => {
      const a = await f.user('dvsa');
      const at = f.tick();
      const link = (expiresAt: number, state: 'pending' | 'approved' | 'taken') => ({
        id: newId(),
        userId: a.id,
        deviceName: 'phone',
        publicKey: 'pk',
        state,
        sealed: state === 'approved' ? 'sealed' : null,
        approvedBy: state === 'pending' ? null : 'd1',
        createdAt: at,
        expiresAt,
      });
      const gone = [link(at + 10, 'pending'), link(at + 20, 'approved'), link(at + 30, 'taken')];
      const kept = [link(at + 40, 'pending'), link(at + 10_000, 'approved')];
      for (const l of [...gone, ...kept]) await f.store.devices.insertDeviceLink(l);
      expect(await f.store.devices.deleteExpiredDeviceLinks(at + 31)).toBeGreaterThanOrEqual(3);
      for (const l of gone) expect(await f.store.devices.getDeviceLink(l.id)).toBeUndefined();
      for (const l of kept) expect(await f.store.devices.getDeviceLink(l.id)).toEqual(l);
      expect(await f.store.devices.deleteExpiredDeviceLinks(at + 31)).toBe(0);
    });
  });
}
