import type { Logger } from 'pino';
import type { Metrics } from '../../metrics.js';
import type { Config } from '../../config.js';
import type { AccountStates } from '../accounts/account-states.js';
import { AdminService } from './admin-service.js';
import { AuditLog } from './audit-log.js';
import { NodeReports } from './node-reports.js';
import type { PasswordResetService } from '../accounts/password-reset.js';
import { LoggedSecurityEvents } from '../security-events.js';
import type { SessionService } from '../accounts/session-service.js';
import type { Store } from '../../store/store.js';

/** How often every node prunes the audit log and the reports of nodes long gone (both idempotent). */
const PRUNE_INTERVAL_MS = 3_600_000;

/** Failed logins, resets, ended sessions, rate-limit trips, admin actions: logged, and kept in the store. */
export const createAuditLog = (store: Store, logger: Logger, metrics?: Pick<Metrics, 'rateLimitTrips'>) =>
  new AuditLog(store, new LoggedSecurityEvents(logger.child({ component: 'security' }), metrics), logger.child({ component: 'audit' }));

export interface Admin {
  admin: AdminService;
  /** Reports this node's sockets and prunes periodically (a server's node only). */
  start(): Promise<void>;
  stop(): void;
  /** Says this node has left (its report dated 0); before the store closes. */
  leave(): Promise<void>;
}

/**
 * Wires the operator's side (issue 12): the admin calls over the audit log and the nodes' reports.
 * `sockets` is the node's live count; the CLI, which is no node, passes none and only reads.
 */
export function createAdmin(deps: {
  config: Config;
  store: Store;
  logger: Logger;
  audit: AuditLog;
  sessions: Pick<SessionService, 'endAll'>;
  passwordReset: Pick<PasswordResetService, 'start'>;
  sockets?: () => number;
  /** A server's node: deactivations reach every node's cache (issue 35). */
  accounts?: AccountStates;
}): Admin {
  const { config, store, logger, audit } = deps;
  const nodes = new NodeReports(store, deps.sockets, (error) => logger.warn({ err: error }, 'could not report this node’s sockets'));
  const admin = new AdminService(store, deps.sessions, deps.passwordReset, audit, nodes, deps.accounts);
  let timer: NodeJS.Timeout | undefined;
  const prune = () => {
    audit.prune(config.accounts.auditRetentionDays).catch((error: unknown) => logger.warn({ err: error }, 'could not prune the audit log'));
    nodes.prune().catch((error: unknown) => logger.warn({ err: error }, 'could not prune the node reports'));
  };
  return {
    admin,
    async start() {
      await nodes.start();
      prune();
      timer = setInterval(prune, PRUNE_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      nodes.stop();
    },
    leave: () => nodes.leave(),
  };
}
