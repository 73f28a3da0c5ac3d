import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import { type BlobStore, type ByteRange, checkKey } from './blob-store.js';

/** The tables of store/postgres/postgres-migrations.ts `0007_uploads_pg_blobs`. */
export interface BlobTables {
  blobs: { key: string; chunks: string; size: number; chunk_size: number; created_at: number };
  blob_chunks: { chunks: string; n: number; data: Buffer };
}

/** 256 KiB: a row well under PostgreSQL's TOAST limits, few enough rows for a 25 MiB file (100). */
export const CHUNK_BYTES = 256 * 1024;
/** Keys read per query by `keys()`. */
const KEYS_PER_PAGE = 1000;
/** Chunks read per query while streaming a blob out: 2 MiB in memory at most. */
const CHUNKS_PER_READ = 8;

/**
 * Blobs in the PostgreSQL database the nodes already share, so a file uploaded to one node is
 * served by every other with no extra service. A put writes its chunks as they arrive (one
 * statement each, no connection held between them) under a fresh chunk-set id, then points the
 * key at that set in one short transaction and drops the set it replaces; a failed put deletes
 * its own chunks. Readers follow the key's set, so they never see half a file.
 */
export class PostgresBlobStore implements BlobStore {
  readonly driver: 'postgres' | 'mysql' = 'postgres';

  constructor(
    private readonly db: Kysely<BlobTables>,
    private readonly closeDb: () => Promise<void> = () => db.destroy(),
  ) {}

  async put(key: string, body: Readable): Promise<{ size: number }> {
    checkKey(key);
    const chunks = randomUUID();
    let size = 0;
    let n = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (data: Buffer) => {
      await this.db.insertInto('blob_chunks').values({ chunks, n: n++, data }).execute();
    };
    try {
      for await (const piece of body as AsyncIterable<Buffer>) {
        size += piece.length;
        pending.push(piece);
        pendingBytes += piece.length;
        while (pendingBytes >= CHUNK_BYTES) {
          const all = Buffer.concat(pending);
          await flush(all.subarray(0, CHUNK_BYTES));
          pending = [all.subarray(CHUNK_BYTES)];
          pendingBytes = all.length - CHUNK_BYTES;
        }
      }
      if (pendingBytes > 0) await flush(Buffer.concat(pending));
      await this.db.transaction().execute(async (trx) => {
        const old = await trx.selectFrom('blobs').select('chunks').where('key', '=', key).forUpdate().executeTakeFirst();
        await trx
          .insertInto('blobs')
          .values({ key, chunks, size, chunk_size: CHUNK_BYTES, created_at: Date.now() })
          .onConflict((oc) => oc.column('key').doUpdateSet({ chunks, size, chunk_size: CHUNK_BYTES, created_at: Date.now() }))
          .execute();
        if (old) await trx.deleteFrom('blob_chunks').where('chunks', '=', old.chunks).execute();
      });
    } catch (error) {
      body.destroy();
      await this.db
        .deleteFrom('blob_chunks')
        .where('chunks', '=', chunks)
        .execute()
        .catch(() => {});
      throw error;
    }
    return { size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    const blob = await this.db
      .selectFrom('blobs')
      .select(['chunks', 'size', 'chunk_size'])
      .where('key', '=', checkKey(key))
      .executeTakeFirst();
    if (!blob) return undefined;
    const chunkSize = Number(blob.chunk_size);
    const start = range?.start ?? 0;
    const end = range?.end ?? Number(blob.size) - 1;
    if (end < start) return Readable.from([]);
    const db = this.db;
    async function* read(): AsyncGenerator<Buffer> {
      const first = Math.floor(start / chunkSize);
      const last = Math.floor(end / chunkSize);
      for (let from = first; from <= last; from += CHUNKS_PER_READ) {
        const rows = await db
          .selectFrom('blob_chunks')
          .select(['n', 'data'])
          .where('chunks', '=', blob!.chunks)
          .where('n', '>=', from)
          .where('n', '<=', Math.min(last, from + CHUNKS_PER_READ - 1))
          .orderBy('n')
          .execute();
        for (const row of rows) {
          const offset = row.n * chunkSize;
          const data = row.data.subarray(Math.max(0, start - offset), Math.min(row.data.length, end - offset + 1));
          if (data.length > 0) yield data;
        }
      }
    }
    return Readable.from(read(), { objectMode: false });
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    const blob = await this.db.selectFrom('blobs').select('size').where('key', '=', checkKey(key)).executeTakeFirst();
    return blob && { size: Number(blob.size) };
  }

  async delete(key: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const gone = await trx.deleteFrom('blobs').where('key', '=', checkKey(key)).returning('chunks').executeTakeFirst();
      if (gone) await trx.deleteFrom('blob_chunks').where('chunks', '=', gone.chunks).execute();
    });
  }

  async *keys(): AsyncIterable<string> {
    // Keyset pages: no transaction or cursor held between them.
    let after = '';
    for (;;) {
      const page = await this.db.selectFrom('blobs').select('key').where('key', '>', after).orderBy('key').limit(KEYS_PER_PAGE).execute();
      for (const row of page) yield row.key;
      if (page.length < KEYS_PER_PAGE) return;
      after = page.at(-1)!.key;
    }
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  close(): Promise<void> {
    return this.closeDb();
  }
}
