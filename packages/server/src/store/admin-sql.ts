import type { AdminStore, AdminUserRecord, AdminUserSearch, AuditRecord, InstanceCounts, NodeReport } from './admin-store.js';
import { AccessSql } from './access-sql.js';
import type { UserRecord } from './store.js';
import * as admin from './sql/admin.js';

/** The operator's side of the SQL store (store/admin-store.ts), over who may join; SqlStore extends it. */
export abstract class AdminSql extends AccessSql implements AdminStore {
  listUsersForAdmin(search: AdminUserSearch): Promise<AdminUserRecord[]> {
    return admin.listUsersForAdmin(this.db, search);
  }
  getUserForAdmin(id: string): Promise<AdminUserRecord | undefined> {
    return admin.getUserForAdmin(this.db, id);
  }
  setDeactivated(userId: string, at: number | null): Promise<UserRecord | undefined> {
    return admin.setDeactivated(this.db, userId, at);
  }
  countInstance(): Promise<InstanceCounts> {
    return admin.countInstance(this.db);
  }
  appendAudit(entries: readonly AuditRecord[]): Promise<void> {
    return admin.appendAudit(this.db, entries);
  }
  listAudit(page: { limit: number; before?: { at: number; id: string } }): Promise<AuditRecord[]> {
    return admin.listAudit(this.db, page);
  }
  pruneAudit(before: number): Promise<number> {
    return admin.pruneAudit(this.db, before);
  }
  reportNode(report: NodeReport): Promise<void> {
    return admin.reportNode(this.db, report);
  }
  listNodeReports(since: number): Promise<NodeReport[]> {
    return admin.listNodeReports(this.db, since);
  }
  pruneNodeReports(before: number): Promise<number> {
    return admin.pruneNodeReports(this.db, before);
  }
}
