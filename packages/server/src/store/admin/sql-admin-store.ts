import type { SqlContext } from '../sql-context.js';
import type { AdminStore } from './admin-store.js';
import * as admin from '../sql/admin.js';

/** `store.admin` on the SQL engines: each method calls its query in store/sql/admin.ts. */
export function sqlAdminStore({ db }: SqlContext): AdminStore {
  return {
    listUsersForAdmin: (search) => admin.listUsersForAdmin(db, search),
    getUserForAdmin: (id) => admin.getUserForAdmin(db, id),
    setDeactivated: (userId, at) => admin.setDeactivated(db, userId, at),
    countInstance: () => admin.countInstance(db),
    appendAudit: (entries) => admin.appendAudit(db, entries),
    listAudit: (page) => admin.listAudit(db, page),
    pruneAudit: (before) => admin.pruneAudit(db, before),
    reportNode: (report) => admin.reportNode(db, report),
    listNodeReports: (since) => admin.listNodeReports(db, since),
    pruneNodeReports: (before) => admin.pruneNodeReports(db, before),
  };
}
