// Which tables and indexes a SQLite commit writes, from a copy of a running store:
//   cp confab.sqlite3 confab.sqlite3-wal /tmp/snap/ && node scripts/wal-pages.mjs /tmp/snap/confab.sqlite3
// Every frame of the write-ahead log names the page it holds; `dbstat` names each page's table or
// index. Frames of an older generation (other salts) are left out. Pages the copy of the database
// does not know yet (appended since) count as "?". Measured with it: bench/README.md, 2026-11-24.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node scripts/wal-pages.mjs <database file, with its -wal beside it>\n');
  process.exit(2);
}
const wal = readFileSync(`${file}-wal`);
const pageSize = wal.readUInt32BE(8);
const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
const pages = [];
let commits = 0;
for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
  if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
  pages.push(wal.readUInt32BE(at));
  if (wal.readUInt32BE(at + 4) !== 0) commits += 1; // a commit's last frame holds the database size
}

const db = new Database(file, { readonly: true });
// An index SQLite made for a UNIQUE or PRIMARY KEY constraint is named by its table and columns.
const constraintIndex = db.prepare("select tbl_name from sqlite_master where type = 'index' and name = ? and sql is null");
const described = new Map();
const describe = (name) => {
  if (!described.has(name)) {
    const index = constraintIndex.get(name);
    const columns = index ? db.pragma(`index_info(${JSON.stringify(name)})`).map((c) => c.name) : [];
    described.set(name, index ? `${index.tbl_name} (${columns.join(', ')})` : name);
  }
  return described.get(name);
};
const owner = new Map();
for (const { name, pageno, pagetype } of db.prepare('select name, pageno, pagetype from dbstat').all()) {
  owner.set(pageno, pagetype === 'internal' ? `${describe(name)} (inner)` : describe(name));
}

const counts = new Map();
for (const page of pages) {
  const name = owner.get(page) ?? '?';
  counts.set(name, (counts.get(name) ?? 0) + 1);
}
const perCommit = (n) => (n / Math.max(1, commits)).toFixed(1);
const lines = [`${pages.length} frames, ${commits} commits, ${perCommit(pages.length)} pages per commit (${pageSize} B each)`];
for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  lines.push(`${String(n).padStart(8)} ${perCommit(n).padStart(8)}  ${name}`);
}
process.stdout.write(`${lines.join('\n')}\n`);
