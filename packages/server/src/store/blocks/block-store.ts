import type { UserRecord } from '../store.js';

/**
 * `store.blocks`: who blocks whom (issue 10). Its conformance section is beside it
 * (blocks/*.conformance.ts).
 */
export interface BlockStore {
  /** Blocks (`blocked`) or unblocks; idempotent. True when it changed anything. */
  setBlock(blockerId: string, blockedId: string, blocked: boolean, now: number): Promise<boolean>;
  /** The users `blockerId` blocks, ordered by id; `afterId` continues after that id. */
  listBlockedUsers(blockerId: string, page: { limit: number; afterId?: string }): Promise<UserRecord[]>;
  /** Ids of every user each of `blockerIds` blocks; one who blocks nobody is left out. */
  blockedIds(blockerIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Ids of every user who blocks each of `blockedIds`; one nobody blocks is left out. */
  blockerIds(blockedIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Which of `candidates` block `userId`. */
  blockersAmong(userId: string, candidates: readonly string[]): Promise<string[]>;
}
