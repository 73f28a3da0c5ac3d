/** What the server keeps for running itself: the audit log, node reports, import runs and the search re-index job. */
export interface OperationTables {
  /** Admin actions and security events (services/admin/audit-log.ts), newest read first. */
  audit_log: {
    id: string;
    at: number;
    type: string;
    actor_id: string | null;
    user_id: string | null;
    ip: string | null;
    /** JSON: the rest of the event. */
    details: string;
  };
  /** Each node's last report of its open sockets (services/admin/node-reports.ts). */
  node_reports: {
    id: string;
    host: string;
    pid: number;
    sockets: number;
    started_at: number;
    reported_at: number;
  };
  /** Import runs (issue 37): store/sql/imports.ts. */
  imports: {
    id: string;
    source: string;
    state: string;
    /** JSON: ImportCounts. */
    counts: string;
    /** JSON: ImportErrorRecord[]. */
    errors: string;
    created_by: string | null;
    created_at: number;
    updated_at: number;
  };
  /** An exported id (source, kind, external id) and the row it became here. */
  import_mappings: {
    source: string;
    kind: string;
    external_id: string;
    local_id: string;
  };
  /** Where the search re-index job is (services/search/reindex-job.ts): one row, `messages`. */
  search_reindex: {
    id: string;
    /** The engine's key (SQLite rowid, else message id) under which messages are still to re-index; null before the first step. */
    below: string | null;
    finished_at: number | null;
  };
}
