import { stat } from 'node:fs/promises';
import type { Config } from './config.js';
import { cliLogger } from './admin-cli.js';
import { openBlobStore } from './blobs/open-blob-store.js';
import { describeDatabase, openBus, openStore } from './open-backends.js';
import { createAuditLog } from './services/admin/index.js';
import { EventPublisher } from './services/events/event-publisher.js';
import { createImports } from './services/imports/index.js';
import { AccountClaim } from './services/accounts/account-claim.js';
import { AccountTokens } from './services/accounts/account-tokens.js';
import { passwordsFor } from './services/accounts/index.js';
import { createMailer } from './infra/mailer.js';
import type { ImportRecord } from './store/store.js';

export const IMPORT_USAGE = `  confab import slack <export.zip>     import a Slack workspace export (users, channels, DMs, history)
  confab import mattermost <file>       import a Mattermost bulk export (.jsonl, or a .zip holding it)
                                        running the same export again adds nothing`;

/**
 * `confab import slack|mattermost <file>`: the import `POST /api/v1/admin/imports` runs, in this
 * process, with progress on standard error (a line redrawn on a terminal, a line every two
 * seconds otherwise) and the run's record as JSON on standard output. Events go to the bus
 * (with REDIS_URL the running nodes' clients see the history arrive).
 */
export async function runImportCommand(config: Config, args: string[]): Promise<number> {
  const [source, file] = args;
  if ((source !== 'slack' && source !== 'mattermost') || !file || args.length > 2) {
    process.stderr.write(`confab: usage:\n${IMPORT_USAGE}\n`);
    return 2;
  }
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : undefined),
    () => undefined,
  );
  if (size === undefined) {
    process.stderr.write(`confab: ${file}: no such file\n`);
    return 2;
  }
  const logger = cliLogger(config);
  const store = await openStore(config, logger);
  const bus = await openBus(config, logger);
  const blobs = await openBlobStore(config);
  const audit = createAuditLog(store, logger);
  const publisher = new EventPublisher(bus);
  const mailer = createMailer({ smtpUrl: config.accounts.smtpUrl, from: config.accounts.mailFrom, dataDir: config.dataDir, logger });
  try {
    // No account states to tell: the accounts an import makes wait for their claim, which a node handles.
    const claim = new AccountClaim(store, passwordsFor(config), new AccountTokens(store), mailer, audit, {
      publicUrl: config.accounts.publicUrl,
      ttlSeconds: config.accounts.accountClaimTtlSeconds,
    });
    const { imports } = createImports({
      config,
      store,
      blobs,
      publish: (events) => publisher.publish(events),
      securityEvents: audit,
      logger,
      claim,
    });
    const record = await imports.create(null, source);
    process.stderr.write(
      `Importing ${file} (${source}, ${(size / 1_048_576).toFixed(1)} MiB) into ${describeDatabase(config)} as import ${record.id}\n`,
    );
    const bar = progressLine(process.stderr.isTTY === true);
    const done = await imports.run(record, file, bar.update);
    bar.end(done);
    process.stdout.write(
      `${JSON.stringify({ import: { ...done, createdAt: new Date(done.createdAt).toISOString(), updatedAt: new Date(done.updatedAt).toISOString() } }, null, 2)}\n`,
    );
    return done.state === 'done' ? 0 : 1;
  } finally {
    mailer.close();
    await audit.close();
    await bus.close();
    await blobs.close();
    await store.close();
  }
}

/** The counts so far, redrawn in place on a terminal; a line every two seconds in a log. */
function progressLine(tty: boolean) {
  let shownAt = 0;
  const started = Date.now();
  const line = (r: ImportRecord) => {
    const c = r.counts;
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round((c.messages + c.replies) / seconds) : 0;
    return `${r.state}: ${c.users} users, ${c.conversations} conversations, ${c.messages} messages, ${c.replies} replies, ${c.reactions} reactions, ${c.pins} pins, ${c.files} files, ${r.errors.length} errors (${rate} messages/s)`;
  };
  return {
    update(r: ImportRecord) {
      const now = Date.now();
      if (now - shownAt < (tty ? 100 : 2000)) return;
      shownAt = now;
      process.stderr.write(tty ? `\r\u001b[2K${line(r)}` : `${line(r)}\n`);
    },
    end(r: ImportRecord) {
      process.stderr.write(tty ? `\r\u001b[2K${line(r)}\n` : `${line(r)}\n`);
      for (const error of r.errors) process.stderr.write(`  ${error.file}: ${error.message}\n`);
    },
  };
}
