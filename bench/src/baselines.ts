import path from 'node:path';
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { makeTempDir, removeTempDir } from './child-processes.js';
import { Samples, type Summary, round, summarize } from './stats.js';

export interface SqliteBaseline {
  /** One row per transaction: each commit waits for its own fsync. `latencyMs`: each commit's time (issue 13 compares the ack p99 with its p99). */
  singleRow: { commitsPerSec: number; commits: number; durationSec: number; latencyMs: Summary | null };
  /** `batchSize` rows per transaction: what group commit can approach. */
  batched: { batchSize: number; rowsPerSec: number; commitsPerSec: number; durationSec: number };
  settings: string;
}

/**
 * The storage baseline: bare better-sqlite3 on a temp file with the server's settings (WAL,
 * synchronous=FULL) and a table shaped like `messages` (same columns, primary key and unique
 * constraints). Runs synchronously in the load generator while nothing else is running.
 */
export function runSqliteBaseline(durationMs: number, batchSize: number, bodyBytes: number): SqliteBaseline {
  const dir = makeTempDir('confab-bench-sqlite-');
  const db = new SQLite(path.join(dir, 'baseline.sqlite3'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`create table messages (
      id varchar(64) primary key,
      conversation_id varchar(64) not null,
      seq bigint not null,
      sender_id varchar(64) not null,
      client_id varchar(64) not null,
      body text not null,
      created_at bigint not null,
      unique (conversation_id, seq),
      unique (sender_id, client_id))`);
    const insert = db.prepare(
      'insert into messages (id, conversation_id, seq, sender_id, client_id, body, created_at) values (?, ?, ?, ?, ?, ?, ?)',
    );
    // Rows shaped like the ones the throughput phase makes Confab write: time-ordered ids (Confab
    // uses UUIDv7), 50 senders in 10 conversations, client ids "t-<sender>-<n>". (Random UUID
    // keys would dirty many more index pages per commit and understate the batched figure.)
    const senders = Array.from({ length: 50 }, () => randomUUID());
    const conversations = Array.from({ length: 10 }, () => randomUUID());
    const seqs = new Array<number>(10).fill(0);
    const body = 'x'.repeat(bodyBytes);
    const idPrefix = randomUUID().slice(0, 8);
    let n = 0;
    const row = () => {
      n += 1;
      const sender = n % 50;
      const conversation = sender % 10;
      seqs[conversation]! += 1;
      const now = Date.now();
      const id = `${now.toString(16).padStart(12, '0')}-${n.toString(16).padStart(10, '0')}-${idPrefix}`;
      insert.run(id, conversations[conversation], seqs[conversation], senders[sender], `t-${sender}-${n}`, body, now);
    };

    // Single-row commits (autocommit: one transaction, one fsync each).
    let commits = 0;
    const latency = new Samples();
    let start = performance.now();
    let end = start + durationMs;
    for (let at = start; at < end;) {
      row();
      commits += 1;
      const done = performance.now();
      latency.push(done - at);
      at = done;
    }
    const singleSec = (performance.now() - start) / 1000;

    // Batched commits.
    const batch = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) row();
    });
    let batches = 0;
    start = performance.now();
    end = start + durationMs;
    while (performance.now() < end) {
      batch(batchSize);
      batches += 1;
    }
    const batchedSec = (performance.now() - start) / 1000;

    return {
      singleRow: {
        commitsPerSec: Math.round(commits / singleSec),
        commits,
        durationSec: round(singleSec),
        latencyMs: summarize(latency),
      },
      batched: {
        batchSize,
        rowsPerSec: Math.round((batches * batchSize) / batchedSec),
        commitsPerSec: Math.round(batches / batchedSec),
        durationSec: round(batchedSec),
      },
      settings: 'journal_mode=WAL, synchronous=FULL, temp file in os.tmpdir()',
    };
  } finally {
    db.close();
    removeTempDir(dir);
  }
}
