import {
  type ApproveDeviceLinkBody,
  type CreateDeviceLinkBody,
  DEVICE_LINK_TTL_MS,
  type DeviceLink,
  type DeviceLinkTaken,
} from '@confab/protocol';
import { type EventBus, userTopic } from '../../bus/bus.js';
import { AppError, detail, invalid, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { DeviceLinkMove, DeviceLinkRecord, DeviceLinkState, Store } from '../../store/store.js';

/** Pending requests a user may have at once: enough for a few devices, not a flood of prompts. */
export const MAX_PENDING_DEVICE_LINKS = 5;

const iso = (ms: number) => new Date(ms).toISOString();

const linkView = (l: DeviceLinkRecord): DeviceLink => ({
  id: l.id,
  deviceName: l.deviceName,
  publicKey: l.publicKey,
  state: l.state,
  createdAt: iso(l.createdAt),
  expiresAt: iso(l.expiresAt),
  approvedBy: l.approvedBy,
});

/**
 * Device linking (issue 39 part 4, decision 0027): the server keeps a new device's request and
 * the answer of another device of the same user, sealed to the request's key. It cannot open the
 * answer; it makes sure a link stays between one user's devices, expires, is answered once and
 * taken once.
 */
export class DeviceLinkService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    /** Where `device_link.requested` and `device_link.answered` go: my own devices' topic. */
    private readonly bus?: Pick<EventBus, 'publish'>,
  ) {}

  /** A new device asks for my identity key. */
  async request(userId: string, body: CreateDeviceLinkBody): Promise<DeviceLink> {
    const now = this.now();
    if ((await this.store.devices.listPendingDeviceLinks(userId, now)).length >= MAX_PENDING_DEVICE_LINKS) {
      throw new AppError('conflict', `At most ${MAX_PENDING_DEVICE_LINKS} link requests wait at once: answer or let one expire`);
    }
    const link: DeviceLinkRecord = {
      id: newId(),
      userId,
      deviceName: body.deviceName,
      publicKey: body.publicKey,
      state: 'pending',
      sealed: null,
      approvedBy: null,
      createdAt: now,
      expiresAt: now + DEVICE_LINK_TTL_MS,
    };
    await this.store.devices.insertDeviceLink(link);
    const view = linkView(link);
    // Ephemeral, after the insert: my devices prompt at once rather than at their next look; one
    // that misses it (offline) finds the request in `pending` when it next looks.
    await this.bus?.publish([userTopic(userId)], { type: 'device_link.requested', link: view });
    return view;
  }

  /** My requests waiting for an answer: what my other devices prompt for. */
  async pending(userId: string): Promise<DeviceLink[]> {
    return (await this.store.devices.listPendingDeviceLinks(userId, this.now())).map(linkView);
  }

  /** One of my links, as it stands (the new device waits on it). */
  async get(userId: string, id: string): Promise<DeviceLink> {
    return linkView(await this.mine(userId, id));
  }

  /** A device of mine that holds the identity key answers with it, sealed to the link's key. */
  async approve(userId: string, id: string, body: ApproveDeviceLinkBody): Promise<DeviceLink> {
    const device = await this.store.devices.getDevice(body.deviceId);
    if (device?.userId !== userId) {
      throw invalid('The approving device must be an active device of mine', [detail('/deviceId', 'is not a device of this user')]);
    }
    if (device.revokedAt !== null) throw new AppError('device_revoked', 'The approving device was revoked');
    const moved = await this.move(userId, id, 'pending', { state: 'approved', sealed: body.sealed, approvedBy: body.deviceId });
    return this.answered(userId, moved);
  }

  async decline(userId: string, id: string): Promise<DeviceLink> {
    return this.answered(userId, await this.move(userId, id, 'pending', { state: 'declined', sealed: null }));
  }

  /** After the answer is stored: my other devices take their prompt for it down at once (ephemeral, as the request's). */
  private async answered(userId: string, link: DeviceLinkRecord): Promise<DeviceLink> {
    const view = linkView(link);
    await this.bus?.publish([userTopic(userId)], { type: 'device_link.answered', link: view });
    return view;
  }

  /** The new device takes the sealed key, once; it leaves the server as it is taken. */
  async take(userId: string, id: string): Promise<DeviceLinkTaken> {
    const link = await this.mine(userId, id);
    if (link.state === 'pending') throw new AppError('conflict', 'This link is not approved yet: wait for a device of mine to answer');
    const taken = await this.move(userId, id, 'approved', { state: 'taken', sealed: null });
    return { link: linkView(taken), sealed: link.sealed! };
  }

  /**
   * Deletes the links expired for as long as they lived (DEVICE_LINK_TTL_MS): an answer never
   * taken leaves its sealed key with them, and a new device still polling just after expiry is
   * told `link_expired`, not 404. Every node sweeps; a row is deleted once, whoever does it.
   */
  sweepExpired(): Promise<number> {
    return this.store.devices.deleteExpiredDeviceLinks(this.now() - DEVICE_LINK_TTL_MS);
  }

  private async mine(userId: string, id: string): Promise<DeviceLinkRecord> {
    const link = await this.store.devices.getDeviceLink(id);
    // Another user's link is not found: links stay between one user's devices.
    if (link?.userId !== userId) throw notFound('Device link');
    return link;
  }

  private async move(userId: string, id: string, from: DeviceLinkState, to: DeviceLinkMove): Promise<DeviceLinkRecord> {
    const now = this.now();
    const before = await this.mine(userId, id);
    if (before.state === from && before.expiresAt > now && (await this.store.devices.moveDeviceLink(id, from, to, now))) {
      return { ...before, state: to.state, sealed: to.sealed, approvedBy: to.approvedBy ?? before.approvedBy };
    }
    const current = (await this.store.devices.getDeviceLink(id))!;
    if (current.state !== from) throw new AppError('link_used', `This link was ${current.state} already: ask for a new one`);
    throw new AppError('link_expired', 'This link expired: ask for a new one');
  }
}
