import type { SqlContext } from '../sql-context.js';
import type { BlockStore } from './block-store.js';
import * as blocks from '../sql/blocks.js';

/** `store.blocks` on the SQL engines: each method calls its query in store/sql/blocks.ts. */
export function sqlBlockStore({ db }: SqlContext): BlockStore {
  return {
    setBlock: (blockerId, blockedId, blocked, now) => blocks.setBlock(db, blockerId, blockedId, blocked, now),
    listBlockedUsers: (blockerId, page) => blocks.listBlockedUsers(db, blockerId, page),
    blockedIds: (blockerIds) => blocks.blockedIds(db, blockerIds),
    blockerIds: (blockedIds) => blocks.blockerIds(db, blockedIds),
    blockersAmong: (userId, candidates) => blocks.blockersAmong(db, userId, candidates),
  };
}
