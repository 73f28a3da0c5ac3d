import type { SqlContext } from '../sql-context.js';
import type { ScheduledStore } from './scheduled-store.js';
import * as scheduled from '../sql/scheduled.js';

/** `store.scheduled` on the SQL engines: each method calls its query in store/sql/scheduled.ts. */
export function sqlScheduledStore({ db, skipLocked }: SqlContext): ScheduledStore {
  return {
    createScheduled: (record, announce) => scheduled.createScheduled(db, record, announce),
    getScheduled: (id) => scheduled.getScheduled(db, id),
    listScheduled: (userId, page) => scheduled.listScheduled(db, userId, page),
    updateScheduled: (id, userId, patch, now, announce) => scheduled.updateScheduled(db, id, userId, patch, now, announce),
    deleteScheduled: (id, userId, now, announce) => scheduled.deleteScheduled(db, id, userId, now, announce),
    claimScheduled: (now, claim) => scheduled.claimScheduled(db, now, claim, skipLocked),
    finishScheduled: (end, token, now, announce) => scheduled.finishScheduled(db, end, token, now, announce),
    deferScheduled: (id, token, until) => scheduled.deferScheduled(db, id, token, until),
  };
}
