import type { NewUser, UserPatch, UserRecord, UserSearch } from '../store.js';

/**
 * `store.users`: users: their profiles, the directory search, and when they were last seen. Its
 * conformance section is beside it (users/*.conformance.ts).
 */
export interface UserStore {
  /** Throws UniqueViolation when the username (ignoring case) is taken. */
  insertUser(user: NewUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | undefined>;
  getUserByUsername(username: string): Promise<UserRecord | undefined>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /** Ordered by username (case-folded); `afterUsername` continues after that key. */
  searchUsers(query: UserSearch): Promise<UserRecord[]>;
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | undefined>;
  /** Each user's `lastSeenAt` (epoch ms); a user given twice gets the later entry's. */
  setLastSeen(entries: readonly LastSeen[]): Promise<void>;
}

export interface LastSeen {
  userId: string;
  at: number;
}
