import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { Fixture } from '../conformance/fixtures.js';
import { openSqliteStore } from './sqlite-store.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from './wal-checkpointer.js';
import { walBytes } from './wal-reserve.js';

const RESERVED = walBytes(FALLBACK_AUTOCHECKPOINT_PAGES, 4096);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const newDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-wal-reserve-'));
  dirs.push(dir);
  return dir;
};

/** A store in `file` with `users` users written, the store left open (`close` ends it). */
async function storeWithUsers(file: string, reserveWal: boolean, users: string[]) {
  const store = openSqliteStore(file, { reserveWal });
  await store.migrate();
  const f = new Fixture();
  f.store = store;
  for (const name of users) await f.user(name);
  return store;
}

/** What a crash leaves: the database and its log as they are on disk now, copied elsewhere, opened with SQLite alone. */
function crashCopy(file: string, into: string): string {
  const copy = path.join(into, 'copy.sqlite3');
  copyFileSync(file, copy);
  copyFileSync(`${file}-wal`, `${copy}-wal`);
  return copy;
}

const usernames = (file: string) => {
  const raw = new SQLite(file, { readonly: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    return raw.prepare('select username from users order by username').pluck().all();
  } finally {
    raw.close();
  }
};

describe('the write-ahead log reserved at open (wal-reserve.ts)', () => {
  it('gives a new store its log at working size, written over in place, and a crash copy keeps every commit', async () => {
    const file = path.join(newDir(), 'confab.sqlite3');
    const store = await storeWithUsers(file, true, ['ann', 'ben', 'cid']);
    try {
      // Migrations and three users committed into the reserved file: overwritten, not grown.
      expect(statSync(`${file}-wal`).size).toBe(RESERVED);
      expect(usernames(crashCopy(file, newDir()))).toEqual(['ann', 'ben', 'cid']);
    } finally {
      await store.close();
    }
  });

  it('only extends a log a crash left, past its frames: recovery finds every commit', async () => {
    const file = path.join(newDir(), 'confab.sqlite3');
    const store = await storeWithUsers(file, false, ['ann', 'ben']);
    const left = crashCopy(file, newDir());
    await store.close();
    const framesLeft = statSync(`${left}-wal`).size;
    expect(framesLeft).toBeGreaterThan(0);
    expect(framesLeft).toBeLessThan(RESERVED);

    const reopened = await storeWithUsers(left, true, ['dee']);
    try {
      expect(statSync(`${left}-wal`).size).toBe(RESERVED);
      expect(usernames(crashCopy(left, newDir()))).toEqual(['ann', 'ben', 'dee']);
    } finally {
      await reopened.close();
    }
  });

  it('leaves the log to grow by itself when off', async () => {
    const file = path.join(newDir(), 'confab.sqlite3');
    const store = await storeWithUsers(file, false, ['ann']);
    try {
      expect(statSync(`${file}-wal`).size).toBeLessThan(RESERVED / 4);
    } finally {
      await store.close();
    }
  });
});
