import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { AdminUserQuery, AuditQuery } from '@confab/protocol';
import type { Config } from './config.js';
import { createAdmin, createAuditLog } from './services/admin/index.js';
import { passwordsFor, revocationsFor } from './services/accounts/index.js';
import { AppError } from './errors.js';
import { bodyProblems } from './http/validation.js';
import { openBus, openStore } from './open-backends.js';
import { AccountTokens } from './services/accounts/account-tokens.js';
import type { AdminService } from './services/admin/admin-service.js';
import { BackgroundWork } from './infra/background-work.js';
import { createMailer } from './infra/mailer.js';
import { PasswordResetService } from './services/accounts/password-reset.js';
import { AccountStates } from './services/accounts/account-states.js';
import { RateLimitService } from './services/rate-limits.js';
import { SessionService } from './services/accounts/session-service.js';
import type { Store } from './store/store.js';

export const ADMIN_USAGE = `  confab admin users [--q <text>] [--limit <n>] [--cursor <c>]
                                        list accounts with their last activity (JSON, as GET /api/v1/admin/users)
  confab admin deactivate <user>        deactivate an account (username or id): sessions ended, sign-in refused
  confab admin reactivate <user>        let a deactivated account sign in again
  confab admin reset-password <user>    mail the user a password-reset link (needs a verified address)
  confab admin logout-all <user>        end every session of the user
  confab admin stats                    users, conversations, messages, sockets per node (JSON)
  confab admin audit [--limit <n>] [--cursor <c>]
                                        the audit log, newest first (JSON)`;

/** The `confab admin` commands that are the admin API's twins (run by the operator: actor null). */
export const ADMIN_COMMANDS = new Set(['users', 'deactivate', 'reactivate', 'reset-password', 'logout-all', 'stats', 'audit']);

/** The CLI's log goes to standard error: standard output is the command's answer. */
export const cliLogger = (config: Config) => pino({ level: config.logLevel }, pino.destination(2));

type Run = (admin: AdminService, store: Store) => Promise<unknown>;

/** Runs one admin command through AdminService, as its route does, and prints the answer as JSON. */
export async function runAdminCommand(config: Config, command: string, args: string[]): Promise<number> {
  const run = parse(command, args);
  if (typeof run === 'string') {
    process.stderr.write(`confab: ${run}\n`);
    return 2;
  }
  try {
    process.stdout.write(`${JSON.stringify(await withOperator(config, run), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    process.stderr.write(`confab: ${error.code}: ${error.message}\n`);
    return error.status === 404 ? 3 : error.status === 409 ? 4 : 2;
  }
}

function parse(command: string, args: string[]): Run | string {
  const options = { q: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } } as const;
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    return (error as Error).message;
  }
  const { positionals, values } = parsed;
  if (command === 'users' || command === 'audit') {
    const query: Record<string, unknown> = {};
    if (command === 'users' && values.q !== undefined) query['q'] = values.q;
    if (values.limit !== undefined) query['limit'] = /^\d+$/.test(values.limit) ? Number(values.limit) : values.limit;
    if (values.cursor !== undefined) query['cursor'] = values.cursor;
    const problems = bodyProblems(command === 'users' ? AdminUserQuery : AuditQuery, query);
    if (problems.length > 0 || positionals.length > 0) return problems.join('; ') || `${command}: takes no arguments`;
    return command === 'users' ? (admin) => admin.listUsers(null, query) : (admin) => admin.auditLog(null, query);
  }
  if (command === 'stats') return positionals.length === 0 ? (admin) => admin.stats(null) : 'stats: takes no arguments';
  const [who] = positionals;
  if (positionals.length !== 1 || who === undefined) return `${command}: name one user (username or id)`;
  return async (admin, store) => {
    // A username, else an id: the operator thinks in names.
    const userId = (await store.users.getUserByUsername(who))?.id ?? who;
    if (command === 'deactivate') return { user: await admin.deactivate(null, userId) };
    if (command === 'reactivate') return { user: await admin.reactivate(null, userId) };
    if (command === 'reset-password') return admin.sendPasswordReset(null, userId);
    return admin.endSessions(null, userId);
  };
}

/**
 * The admin side wired for one command: the store, the bus (so a node hears of ended sessions at
 * once; without Redis the nodes read them from the store within REVOCATION_CHECK_INTERVAL_MS),
 * the audit log (flushed before exit) and the mail a reset sends.
 */
async function withOperator<T>(config: Config, run: (admin: AdminService, store: Store) => Promise<T>): Promise<T> {
  const logger = cliLogger(config);
  const store = await openStore(config, logger);
  const bus = await openBus(config, logger);
  const audit = createAuditLog(store, logger);
  const rateLimits = await RateLimitService.open(config.rateLimits, audit, {
    redisUrl: config.redisUrl,
    prefix: config.redisChannelPrefix,
    logger,
  });
  const mailer = createMailer({ smtpUrl: config.accounts.smtpUrl, from: config.accounts.mailFrom, dataDir: config.dataDir, logger });
  const background = new BackgroundWork((error, what) => logger.warn({ err: error }, `${what} failed`));
  try {
    const revocations = revocationsFor(config, store, bus, logger);
    const sessions = new SessionService(store, revocations, audit);
    const passwordReset = new PasswordResetService(
      store,
      passwordsFor(config),
      new AccountTokens(store),
      mailer,
      background,
      sessions,
      audit,
      rateLimits,
      { publicUrl: config.accounts.publicUrl, ttlSeconds: config.accounts.passwordResetTtlSeconds },
    );
    // A deactivation reaches the nodes' caches through the bus (with REDIS_URL; else their cache's age bounds it).
    const accounts = new AccountStates(store, bus);
    const { admin } = createAdmin({ config, store, logger, audit, sessions, passwordReset, accounts });
    return await run(admin, store);
  } finally {
    await background.settle();
    mailer.close();
    await audit.close();
    await rateLimits.close();
    await bus.close();
    await store.close();
  }
}
