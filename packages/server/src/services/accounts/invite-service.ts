import { createHash, randomBytes } from 'node:crypto';
import type { CreateInviteBody, Invite } from '@confab/protocol';
import { forbidden } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Store } from '../../store/store.js';
import type { SecurityEvents } from '../security-events.js';

/** An invite token's stored form: only its SHA-256 (the token itself is shown once). */
export const hashInviteToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Invites for REGISTRATION=invite: made by an instance admin (POST /api/v1/admin/invites) or the
 * operator (`confab admin invite`), single-use, expiring; spent by sign-up (AuthService.register).
 * Each token is 256 random bits, of which the store keeps a hash only.
 */
export class InviteService {
  constructor(
    private readonly store: Store,
    /** INVITE_TTL_SECONDS: the longest (and default) lifetime. */
    private readonly maxTtlSeconds: number,
    private readonly events: SecurityEvents,
  ) {}

  /** `adminId` null: the operator, from the CLI. Anyone else must be an instance admin (403). */
  async create(adminId: string | null, input: CreateInviteBody = {}): Promise<Invite> {
    if (adminId !== null && !(await this.store.users.getUser(adminId))?.isAdmin)
      throw forbidden('Only instance administrators make invites');
    const token = randomBytes(32).toString('base64url');
    const createdAt = Date.now();
    const expiresAt = createdAt + Math.min(input.expiresInSeconds ?? this.maxTtlSeconds, this.maxTtlSeconds) * 1000;
    const id = newId();
    await this.store.invites.createInvite(
      { id, createdBy: adminId, createdAt, expiresAt, usedAt: null, usedBy: null },
      hashInviteToken(token),
    );
    this.events.record({ type: 'admin.invite_created', actorId: adminId, inviteId: id });
    return { id, token, createdAt: new Date(createdAt).toISOString(), expiresAt: new Date(expiresAt).toISOString() };
  }
}
