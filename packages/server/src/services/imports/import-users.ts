import { createHash } from 'node:crypto';
import { isUsername, normalizeUsername } from '@confab/protocol';
import { newId } from '../../ids.js';
import { type ImportSource, type Store, UniqueViolation, type UserRecord } from '../../store/store.js';
import type { ImportedUser } from './import-model.js';

/** What became of the export's people: matched (by a verified address) or created. */
export interface UsersOutcome {
  /** Every exported user id mapped here, to the local user. */
  users: Map<string, UserRecord>;
  /** The users this run created (deactivated until claimed). */
  created: UserRecord[];
  /** How many exported users this run mapped (matched or created): 0 on a second run. */
  mapped: number;
}

/**
 * Maps exported people to accounts: an account that verified the same address is theirs;
 * anyone else gets a new account, deactivated (nobody can sign in to it) until its owner claims
 * it through the mail they are sent. The mapping is written before the account, with the id the
 * account will have, so a run that stops in between makes that same account the next time.
 */
export async function importUsers(
  store: Store,
  source: ImportSource,
  exported: readonly ImportedUser[],
  now: number,
): Promise<UsersOutcome> {
  const byId = new Map(exported.map((u) => [u.id, u]));
  const known = await store.imports.getMappings(source, 'user', [...byId.keys()]);
  const fresh: { externalId: string; localId: string }[] = [];
  for (const user of byId.values()) {
    if (known.has(user.id)) continue;
    const match = user.email ? await store.accounts.getUserByEmail(user.email) : undefined;
    fresh.push({ externalId: user.id, localId: match?.id ?? newId() });
  }
  const mapped = fresh.length > 0 ? await store.imports.putMappings(source, 'user', fresh) : new Map<string, string>();
  const all = new Map([...known, ...mapped]);
  const existing = new Map((await store.users.getUsers([...new Set(all.values())])).map((u) => [u.id, u]));
  const users = new Map<string, UserRecord>();
  const created: UserRecord[] = [];
  for (const [externalId, localId] of all) {
    let user = existing.get(localId);
    if (!user) {
      user = await createDeactivated(store, localId, byId.get(externalId)!, now);
      created.push(user);
    }
    users.set(externalId, user);
  }
  return { users, created, mapped: fresh.length };
}

async function createDeactivated(store: Store, id: string, exported: ImportedUser, now: number): Promise<UserRecord> {
  const base = usernameBase(exported.username, exported.id);
  const email = exported.email && !(await store.accounts.getUserByEmail(exported.email)) ? exported.email : null;
  for (let attempt = 1; ; attempt++) {
    const username = attempt === 1 ? base : `${base.slice(0, 28)}_${attempt}`;
    try {
      await store.users.insertUser({
        id,
        username,
        displayName: [...exported.displayName].slice(0, 64).join('') || username,
        bio: '',
        email,
        // The export vouches for the address: the claim mail goes to it.
        emailVerified: email !== null,
        isAdmin: false,
        // No password verifies against an empty hash: the owner sets one when claiming.
        passwordHash: '',
        createdAt: now,
      });
      break;
    } catch (error) {
      // A taken name (or a lookalike of one): the next suffix.
      if (!(error instanceof UniqueViolation) || attempt >= 50 || error.constraint.includes('email')) throw error;
    }
  }
  const deactivated = await store.admin.setDeactivated(id, now);
  if (!deactivated) throw new Error(`the imported user ${exported.id} was not stored`);
  return deactivated;
}

/** A valid Confab username from the source's (Unicode kept): invalid characters become `_`. */
function usernameBase(name: string, externalId: string): string {
  let candidate = [...normalizeUsername(name).replace(/[^\p{L}\p{M}\p{Nd}_.-]/gu, '_')].slice(0, 32).join('');
  while ([...candidate].length < 3) candidate += '_';
  if (isUsername(candidate)) return candidate;
  // Mixed scripts and the like: a stable name from the exported id.
  return `user_${createHash('sha256').update(externalId).digest('hex').slice(0, 10)}`;
}
