import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import Type from 'typebox';
import { CreateInviteBody, RegisterBody, Username } from '@confab/protocol';
import { ConfigError, type Config, loadConfig, loadDotEnv } from './config.js';
import { bodyProblems } from './http/validation.js';
import { createServer, describeDatabase, openStore } from './server.js';
import { userServiceFor } from './services/accounts/index.js';
import { AppError } from './errors.js';
import { InviteService } from './services/accounts/invite-service.js';
import { ADMIN_COMMANDS, ADMIN_USAGE, cliLogger, runAdminCommand } from './admin-cli.js';
import { createAuditLog } from './services/admin/index.js';
import { MIGRATE_STORE_USAGE, migrateStore } from './migrate-store-cli.js';
import { IMPORT_USAGE, runImportCommand } from './import-cli.js';

const USAGE = `Usage:
  confab serve                          serve REST + WebSocket (the default)
  confab admin create <username>        make a user an administrator (created if missing);
        [--password-stdin]              read the new user's password from standard input,
                                        otherwise a random one is generated and printed once
  confab admin invite                   make a single-use sign-up invite (REGISTRATION=invite)
        [--expires-in <seconds>]        its lifetime, at most INVITE_TTL_SECONDS (the default)
${ADMIN_USAGE}
${MIGRATE_STORE_USAGE}
${IMPORT_USAGE}
Settings come from the environment and ./.env: see docs/configuration.md.`;

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const config = loadConfigOrExit();
  const [command = 'serve', ...rest] = argv;
  if (command === 'serve') return serve(config);
  if (command === 'admin' && rest[0] === 'create') return adminCreate(config, rest.slice(1));
  if (command === 'admin' && rest[0] === 'invite') return adminInvite(config, rest.slice(1));
  if (command === 'admin' && ADMIN_COMMANDS.has(rest[0] ?? '')) return runAdminCommand(config, rest[0]!, rest.slice(1));
  if (command === 'migrate-store') return migrateStore(config, rest);
  if (command === 'import') return runImportCommand(config, rest);
  process.stderr.write(`${USAGE}\n`);
  return command === 'help' || command === '--help' ? 0 : 2;
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`confab: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function serve(config: Config): Promise<number> {
  const server = await createServer(config);
  const url = await server.listen();
  const database = describeDatabase(config);
  server.logger.info({ url, store: server.services.store.engine, database }, 'Confab is serving');
  process.stdout.write(`Confab is serving on ${url}  (API reference: ${url}/docs; data: ${database})\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    // The bound on the whole drain: a store or bus that hangs must not keep the node up.
    setTimeout(() => {
      server.logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown did not finish within SHUTDOWN_TIMEOUT_MS: exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    try {
      await server.close();
    } catch (error) {
      server.logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return new Promise<number>(() => {});
}

/** `confab admin create`: through UserService, as sign-up, with the sign-up route's input rules. */
async function adminCreate(config: Config, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { 'password-stdin': { type: 'boolean' } } });
  const username = positionals[0] ?? '';
  const badName = bodyProblems(Type.Object({ username: Username }), { username });
  if (badName.length > 0) {
    process.stderr.write(`confab: ${badName.join('; ')}\n${USAGE}\n`);
    return 2;
  }
  const store = await openStore(config);
  const database = describeDatabase(config);
  try {
    const users = userServiceFor(store, config);
    const promoted = await users.makeAdministrator(username);
    if (promoted) {
      process.stdout.write(`${promoted.username} is now an administrator (${database})\n`);
      return 0;
    }
    const generated = !values['password-stdin'];
    const password = generated ? randomBytes(12).toString('base64url') : (await readStdin()).trim();
    const problems = bodyProblems(RegisterBody, { username, password });
    if (problems.length > 0) {
      process.stderr.write(`confab: ${problems.join('; ')}\n`);
      return 2;
    }
    try {
      await users.create({ username, password }, { isAdmin: true });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // A common password, a username taken meanwhile: said as the API says it.
      process.stderr.write(`confab: ${[error.message, ...(error.details ?? []).map((d) => d.message)].join(': ')}\n`);
      return 2;
    }
    process.stdout.write(
      generated
        ? `Created administrator ${username} in ${database} with password: ${password}\n(shown once; sign in and keep it safe)\n`
        : `Created administrator ${username} in ${database}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `confab admin invite`: through InviteService, as POST /api/v1/admin/invites, made by the operator. */
async function adminInvite(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'expires-in': { type: 'string' } } });
  const raw = values['expires-in'];
  const expiresInSeconds = raw === undefined ? undefined : Number(raw);
  const problems = bodyProblems(CreateInviteBody, expiresInSeconds === undefined ? {} : { expiresInSeconds });
  if (problems.length > 0 || (raw !== undefined && !/^\d+$/.test(raw))) {
    process.stderr.write(`confab: --expires-in: expected whole seconds from 60 to ${config.inviteTtlSeconds}\n${USAGE}\n`);
    return 2;
  }
  const store = await openStore(config);
  const audit = createAuditLog(store, cliLogger(config));
  try {
    const invite = await new InviteService(store, config.inviteTtlSeconds, audit).create(
      null,
      expiresInSeconds === undefined ? {} : { expiresInSeconds },
    );
    if (config.registration !== 'invite')
      process.stderr.write(`confab: note: REGISTRATION is ${config.registration}, so invites are not asked for\n`);
    process.stdout.write(`Invite (single use, expires ${invite.expiresAt}; shown once, ${describeDatabase(config)}):\n${invite.token}\n`);
    return 0;
  } finally {
    await audit.close();
    await store.close();
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A setting found unusable only once read (a model file that does not load): the message, no stack.
    if (error instanceof ConfigError) {
      process.stderr.write(`confab: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`confab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
