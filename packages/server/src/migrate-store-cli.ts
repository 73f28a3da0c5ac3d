import { parseArgs } from 'node:util';
import { type Config, isMysqlUrl, isPostgresUrl } from './config.js';
import { openStore } from './open-backends.js';
import { openBlobStore } from './blobs/open-blob-store.js';
import type { BlobStore } from './blobs/blob-store.js';
import { copyBlobs, sumBlobs } from './blobs/blob-copy.js';
import { SqlStore } from './store/sql-store.js';
import type { RowsDb } from './store/copy/catalog.js';
import { type CopyEnd, copyTable, planCopy, restartSearchIndex, sumTable } from './store/copy/store-copy.js';
import { NODE_STALE_MS } from './services/admin/node-reports.js';

export const MIGRATE_STORE_USAGE = `  confab migrate-store --from <url> --to <url> [--force]
                                        copy every table, and the files kept in or beside the database,
                                        into another database (sqlite:<file>, postgres://…, mysql://…);
                                        run it again to resume; ends by comparing counts and checksums`;

/** What the command prints on standard output (JSON): each table's and the files' counts and checksums, both sides. */
interface Report {
  ok: boolean;
  tables: { name: string; rows: number; sha256: string; same: boolean }[];
  blobs: { blobs: number; sha256: string; same: boolean } | 'in S3, not moved' | 'in the same place';
}

/**
 * `confab migrate-store`: moves a deployment to another engine (README "Moving to another database"). Every node
 * must be stopped first; both databases are migrated to this version's schema, the rows copied
 * (store/copy/store-copy.ts), the destination's search index restarted, and both sides compared.
 */
export async function migrateStore(config: Config, args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean' } } }));
  } catch (error) {
    return fail((error as Error).message);
  }
  const { from, to } = values;
  if (from === undefined || to === undefined) return fail('migrate-store: give both --from <url> and --to <url>');
  for (const url of [from, to]) {
    if (!isPostgresUrl(url) && !isMysqlUrl(url) && !url.startsWith('sqlite:'))
      return fail(`migrate-store: expected sqlite:<file>, postgres://… or mysql://…, got "${url}"`);
  }
  if (from === to) return fail('migrate-store: --from and --to are the same database');

  const source = await openSqlStore(config, from);
  const target = await openSqlStore(config, to).catch(async (error: unknown) => {
    await source.close();
    throw error;
  });
  const blobs = await blobStoresOf(config, from, to).catch(async (error: unknown) => {
    await Promise.all([source.close(), target.close()]);
    throw error;
  });
  try {
    for (const [store, url] of [
      [source, from],
      [target, to],
    ] as const) {
      const live = await store.admin.listNodeReports(Date.now() - NODE_STALE_MS);
      if (live.length > 0 && values.force !== true)
        return fail(
          `migrate-store: ${live.length} node(s) serving from ${redact(url)} (${live.map((n) => `${n.host} pid ${n.pid}`).join(', ')}): stop every node first (or --force)`,
        );
    }
    const report = await copyAndVerify(endOf(source), endOf(target), blobs);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(
      report.ok
        ? 'migrate-store: every table and file is the same on both sides\n'
        : 'migrate-store: DIFFERENCES, see "same": false above\n',
    );
    return report.ok ? 0 : 1;
  } finally {
    await Promise.all([source.close(), target.close(), ...(typeof blobs === 'string' ? [] : blobs.map((b) => b.close()))]);
  }
}

async function copyAndVerify(from: CopyEnd, to: CopyEnd, blobs: [BlobStore, BlobStore] | string): Promise<Report> {
  const plans = await planCopy(from, to);
  for (const plan of plans) {
    const line = progressLine(plan.name, plan.sourceRows);
    line.done(await copyTable(from, to, plan, line.update));
  }
  if (typeof blobs !== 'string') {
    const line = progressLine('files', undefined);
    line.done(await copyBlobs(blobs[0], blobs[1], line.update));
  }
  await restartSearchIndex(to);

  const tables: Report['tables'] = [];
  for (const plan of plans) {
    const [here, there] = await Promise.all([sumTable(from.db, plan), sumTable(to.db, plan)]);
    tables.push({ name: plan.name, ...here, same: here.rows === there.rows && here.sha256 === there.sha256 });
  }
  let files: Report['blobs'] = blobs as Report['blobs'];
  if (typeof blobs !== 'string') {
    const [here, there] = await Promise.all([sumBlobs(blobs[0]), sumBlobs(blobs[1])]);
    files = { ...here, same: here.blobs === there.blobs && here.sha256 === there.sha256 };
  }
  return { ok: tables.every((t) => t.same) && (typeof files === 'string' || files.same), tables, blobs: files };
}

/** The store's database as tables of rows: the copy reads every table by name. */
const endOf = (store: SqlStore): CopyEnd => ({ engine: store.engine, db: store.database() as unknown as RowsDb });

async function openSqlStore(config: Config, url: string): Promise<SqlStore> {
  const store = await openStore({ ...config, databaseUrl: url });
  if (!(store instanceof SqlStore)) throw new Error('migrate-store: the store is not an SQL store');
  return store;
}

/**
 * Files move with the database when they live in it or beside it (the default without S3):
 * SQLite's DATA_DIR/blobs, PostgreSQL's and MySQL's blob tables. In S3 they stay where they are.
 */
async function blobStoresOf(
  config: Config,
  from: string,
  to: string,
): Promise<[BlobStore, BlobStore] | 'in S3, not moved' | 'in the same place'> {
  if (config.s3 !== null) return 'in S3, not moved';
  const kind = (url: string) => (isPostgresUrl(url) ? 'postgres' : isMysqlUrl(url) ? 'mysql' : 'disk');
  if (kind(from) === 'disk' && kind(to) === 'disk') return 'in the same place';
  return Promise.all([
    openBlobStore({ ...config, databaseUrl: from, blobStore: kind(from) }),
    openBlobStore({ ...config, databaseUrl: to, blobStore: kind(to) }),
  ]);
}

/** A progress line on standard error: rewritten in place on a terminal, one line when done otherwise. */
function progressLine(what: string, total: number | undefined) {
  const text = (done: number) => `${what}: ${done}${total === undefined ? '' : ` of ${total}`}`;
  return {
    update: (done: number) => {
      if (process.stderr.isTTY) process.stderr.write(`\r${text(done)}`);
    },
    done: (done: number) => process.stderr.write(process.stderr.isTTY ? `\r${text(done)}\n` : `${text(done)}\n`),
  };
}

function redact(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  const shown = new URL(url);
  if (shown.password !== '') shown.password = '***';
  return shown.toString();
}

function fail(message: string): number {
  process.stderr.write(`confab: ${message}\n`);
  return 2;
}
