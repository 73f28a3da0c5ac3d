/** People and their sessions, as the Store reads and writes them. Timestamps are epoch ms. */

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  /** IANA time zone, for others' "local time"; null until set. */
  timeZone: string | null;
  email: string | null;
  isAdmin: boolean;
  passwordHash: string;
  createdAt: number;
  /** Privacy: others see no lastSeenAt. */
  hideLastSeen: boolean;
  /** The user's language, a canonical BCP 47 tag (`en-GB`), null when unknown. */
  locale: string | null;
  lastSeenAt: number | null;
  /** Whether `email` was confirmed through the link mailed to it. */
  emailVerified: boolean;
  /** When the account was erased: its profile is blank and nobody can sign in to it. */
  deletedAt: number | null;
  /** While an admin has the account deactivated: no sign-in, no refresh. */
  deactivatedAt: number | null;
  /** When the picture was set (epoch ms): its blobs' name and its URL's version; null without one. */
  avatarVersion: number | null;
}

type Defaulted = 'timeZone' | 'hideLastSeen' | 'locale' | 'lastSeenAt' | 'emailVerified' | 'deletedAt' | 'deactivatedAt' | 'avatarVersion';

export type NewUser = Omit<UserRecord, Defaulted> & Partial<Pick<UserRecord, Defaulted>>;

/** A page of the user directory: by username prefix or display-name substring, after a username. */
export interface UserSearch {
  q?: string;
  limit: number;
  afterUsername?: string;
  /** Only people sharing a conversation with this user, or whose username is exactly `q` (DIRECTORY=shared). */
  sharedWith?: string;
  /** Deactivated accounts too (what admins see); otherwise they are left out of the directory (issue 35). */
  includeDeactivated?: boolean;
}

export interface UserPatch {
  displayName?: string;
  bio?: string;
  /** null clears it. */
  timeZone?: string | null;
  isAdmin?: boolean;
  hideLastSeen?: boolean;
  locale?: string | null;
  /** null removes the picture. */
  avatarVersion?: number | null;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface RotateInput {
  oldHash: string;
  /** The successor's hash: the same for the same old token (services/accounts/token-service.ts `successorOf`). */
  newHash: string;
  now: number;
  /** When the successor expires, if this call creates it. */
  expiresAt: number;
  reissueIfSpentAfter: number;
  /** Where the refresh came from: the session's last use is recorded (lastUsedAt, user agent, IP). */
  client?: SessionClient;
}

/** Where a session is used from, as the request said. */
export interface SessionClient {
  userAgent: string | null;
  ip: string | null;
}

export type RotateResult =
  | { status: 'rotated'; session: SessionRecord; rotatedAt: number }
  | { status: 'reused'; session: SessionRecord }
  /** `endedSessionOf`: the token is of a session that has ended, of this user (to say why). */
  | { status: 'invalid'; endedSessionOf?: string };
