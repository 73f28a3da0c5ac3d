import type { UserRecord } from '../store.js';

/**
 * `store.admin`: what the operator's tools read and write (issue 12, "The operator"): every
 * account, the audit log, the nodes' reports. Its conformance section is beside it
 * (admin/*.conformance.ts).
 */
export interface AdminStore {
  /** Every account (deactivated and erased ones too), ordered by username (case-folded). */
  listUsersForAdmin(search: AdminUserSearch): Promise<AdminUserRecord[]>;
  getUserForAdmin(id: string): Promise<AdminUserRecord | undefined>;
  /** Deactivates (`at`) or reactivates (null) the account; undefined when there is no such user. */
  setDeactivated(userId: string, at: number | null): Promise<UserRecord | undefined>;
  countInstance(): Promise<InstanceCounts>;
  appendAudit(entries: readonly AuditRecord[]): Promise<void>;
  /** Newest first; `before` continues after that (at, id) key. */
  listAudit(page: { limit: number; before?: { at: number; id: string } }): Promise<AuditRecord[]>;
  /** Deletes the entries older than `before`; returns how many. Safe to run on every node at once. */
  pruneAudit(before: number): Promise<number>;
  /** Writes the node's report, replacing its previous one. */
  reportNode(report: NodeReport): Promise<void>;
  /** The reports made at or after `since`, oldest node first. */
  listNodeReports(since: number): Promise<NodeReport[]>;
  /** Forgets the nodes that last reported before `before` (stopped or dead); returns how many. */
  pruneNodeReports(before: number): Promise<number>;
}

/** A user as an operator lists them: the record and the last use of any of their sessions. */
export interface AdminUserRecord extends UserRecord {
  /** The latest sign-in or refresh of any of the user's sessions (null: never signed in). */
  lastSessionAt: number | null;
}

/** A page of the operator's user list: by username prefix, display-name or email substring, after a username. */
export interface AdminUserSearch {
  q?: string;
  limit: number;
  afterUsername?: string;
}

/** One entry of the audit log: an admin action or a security event. */
export interface AuditRecord {
  /** UUIDv7, made when the event happened. */
  id: string;
  at: number;
  type: string;
  /** The admin who acted (null: the operator at the CLI, or not an admin action). */
  actorId: string | null;
  userId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export interface InstanceCounts {
  users: number;
  admins: number;
  deactivated: number;
  erased: number;
  conversations: number;
  messages: number;
}

/** A node's last report of the sockets open on it. */
export interface NodeReport {
  id: string;
  host: string;
  pid: number;
  sockets: number;
  startedAt: number;
  reportedAt: number;
}
