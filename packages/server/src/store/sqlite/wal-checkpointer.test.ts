import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type CheckpointResult, FALLBACK_AUTOCHECKPOINT_PAGES, startWalCheckpointer } from './wal-checkpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A WAL database whose own connection never checkpoints by itself (the worker's job is then visible). */
function openWal(): { file: string; db: SQLite.Database } {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-wal-'));
  dirs.push(dir);
  const file = path.join(dir, 'db.sqlite3');
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  db.exec('create table t (id integer primary key, body text not null)');
  return { file, db };
}

const insert = (db: SQLite.Database, rows: number) => {
  const statement = db.prepare('insert into t (body) values (?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) statement.run('x'.repeat(500));
  })();
};

/** The database file's size: it grows only when a checkpoint copies the log into it. */
const fileSize = (file: string) => statSync(file).size;

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('WAL checkpointer', () => {
  it('copies the log into the database file from its thread, and the next commits start the log over', async () => {
    const { file, db } = openWal();
    insert(db, 4000); // about 2 MB: far past SQLite's default 1,000-page threshold
    const walAfterBurst = fileSize(`${file}-wal`);
    expect(walAfterBurst).toBeGreaterThan(1_000_000);
    expect(fileSize(file)).toBeLessThan(100_000); // the main connection did not checkpoint
    const checkpoints: CheckpointResult[] = [];
    const checkpointer = startWalCheckpointer(file, { intervalMs: 10, onCheckpoint: (c) => checkpoints.push(c) });
    try {
      await until(() => checkpoints.some((c) => c.logFrames > 500 && c.checkpointedFrames === c.logFrames));
      expect(fileSize(file)).toBeGreaterThan(1_000_000);
      // Everything was copied: the next burst overwrites the log from its start instead of growing it.
      insert(db, 4000);
      expect(fileSize(`${file}-wal`)).toBeLessThan(walAfterBurst * 1.2);
      expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 8000 });
    } finally {
      await checkpointer.close();
    }
    db.close();
  });

  it('makes a last checkpoint when it closes, once, leaving the main connection usable', async () => {
    const { file, db } = openWal();
    const checkpointer = startWalCheckpointer(file, { intervalMs: 60_000 });
    insert(db, 2000);
    expect(fileSize(file)).toBeLessThan(100_000);
    const closing = checkpointer.close();
    expect(checkpointer.close()).toBe(closing);
    await closing;
    expect(fileSize(file)).toBeGreaterThan(1_000_000);
    insert(db, 1);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 2001 });
    db.close();
  });

  it('reports a worker that could not open the database, and still closes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'confab-wal-'));
    dirs.push(dir);
    const errors: Error[] = [];
    // A directory is no database: the worker's connection fails as it opens.
    const checkpointer = startWalCheckpointer(dir, { intervalMs: 10, onError: (e) => errors.push(e) });
    await until(() => errors.length > 0);
    await checkpointer.close();
  });
});
