/**
 * Which tables and indexes a send's commit writes, read off a running server's write-ahead log
 * (issue 41 item 2: "as few index pages as the guarantees need per message"). Where
 * `commit-pages.mjs` models the append's statements on a copy, this reads what a real `confab
 * serve` wrote: one REST sender sends one message at a time into a DM (the `peers` phase's server:
 * SQLite, RATE_LIMITS=off); every 20 sends the WAL is copied with the database file, keeping the
 * longest copy (the checkpointer starts the log over now and then). Each frame's page is then
 * named by `dbstat` on the copy, and the commits counted by their commit frames.
 *
 *   npm run build
 *   node bench/commit-btrees.mjs [sends before the copies 1500]
 *
 * Printed: frames a commit by table or index (a figure above 1 is page splits: a new page and its
 * parent), "(page 1)" when the file grew, and the last commits' sizes. The search indexer's own
 * commits (the `messages_search_*` tables) are among them, a few in a hundred.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SQLite = createRequire(path.join(root, 'packages/server/package.json'))('better-sqlite3');
const { startConfabTarget } = await import(pathToFileURL(path.join(root, 'bench/dist/peers/targets.js')).href);

const log = (text) => process.stdout.write(`${text}\n`);
const WARM = Number(process.argv[2] ?? 1500);
const target = await startConfabTarget(
  [0],
  (error) => {
    throw error;
  },
  [],
);
target.onDelivered = () => {};
const work = mkdtempSync(path.join(tmpdir(), 'confab-commit-btrees-'));
const copy = path.join(work, 'copy.sqlite3');
try {
  for (let i = 0; i < WARM; i++) await target.pairs[0].sendRest(`message ${i} of the warm-up`);
  const live = path.join(target.dataDir, 'confab.sqlite3');
  let longest = 0;
  for (let k = 0; k < 40; k++) {
    for (let i = 0; i < 20; i++) await target.pairs[0].sendRest(`message ${i} of copy ${k}`);
    const wal = readFileSync(`${live}-wal`);
    if (wal.length > longest) {
      longest = wal.length;
      copyFileSync(live, copy);
      copyFileSync(`${live}-wal`, `${copy}-wal`);
    }
  }

  // The log's frames up to the first whose salts are not the header's (the rest is an older pass).
  const wal = readFileSync(`${copy}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  const commits = [];
  let pages = [];
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    pages.push(wal.readUInt32BE(at));
    if (wal.readUInt32BE(at + 4) !== 0) {
      commits.push(pages);
      pages = [];
    }
  }
  const db = new SQLite(copy);
  const owner = new Map(
    db
      .prepare('select pageno, name from dbstat')
      .all()
      .map((row) => [row.pageno, row.name]),
  );
  // An index is shown with its columns: the automatic ones (a table's unique constraints) have no telling name.
  const indexes = db.prepare(`select name, tbl_name as tableName from sqlite_master where type = 'index'`).all();
  const label = new Map(
    indexes.map(({ name, tableName }) => {
      const columns = db.prepare(`select name from pragma_index_info(?)`).pluck().all(name);
      return [name, `${name} (${tableName}: ${columns.join(', ')})`];
    }),
  );
  db.close();
  const byTree = new Map();
  for (const commit of commits) {
    for (const page of commit) {
      const name = owner.get(page);
      const tree = page === 1 ? '(page 1)' : name === undefined ? '(a page no b-tree holds now)' : (label.get(name) ?? name);
      byTree.set(tree, (byTree.get(tree) ?? 0) + 1);
    }
  }
  const frames = commits.reduce((sum, commit) => sum + commit.length, 0);
  log(`${commits.length} commits, ${frames} frames of ${pageSize} bytes: ${(frames / commits.length).toFixed(2)} a commit`);
  for (const [tree, count] of [...byTree].sort((a, b) => b[1] - a[1])) {
    log(`${(count / commits.length).toFixed(2).padStart(6)}  ${tree}`);
  }
  log(
    `the last commits' frames: ${commits
      .slice(-12)
      .map((commit) => commit.length)
      .join(' ')}`,
  );
} finally {
  // Stopped whatever happened: a failed run leaves no server behind.
  await target.stop();
  rmSync(work, { recursive: true, force: true });
}
