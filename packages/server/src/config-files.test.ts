import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const JWT_SECRET = 's'.repeat(32);
const PG = { DATABASE_URL: 'postgres://u@h/db', JWT_SECRET };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('file settings', () => {
  it('defaults: 25 MiB uploads, a 1 GiB quota per user, a day for orphans, disk blobs', () => {
    expect(loadConfig({})).toMatchObject({
      maxUploadBytes: 25 * 1024 * 1024,
      uploadQuotaBytes: 1024 * 1024 * 1024,
      uploadOrphanTtlSeconds: 86_400,
      blobStore: 'disk',
      s3: null,
    });
    expect(loadConfig({ UPLOAD_QUOTA_BYTES: '0' }).uploadQuotaBytes).toBeNull();
    expect(loadConfig({ UPLOAD_QUOTA_BYTES: '5000' }).uploadQuotaBytes).toBe(5000);
  });

  it('picks the blob store: S3 when a bucket is set, else PostgreSQL with a PostgreSQL store, else disk; BLOB_STORE overrides', () => {
    expect(loadConfig(PG).blobStore).toBe('postgres');
    expect(loadConfig({ ...PG, S3_BUCKET: 'b' }).blobStore).toBe('s3');
    expect(loadConfig({ ...PG, BLOB_STORE: 'disk' }).blobStore).toBe('disk');
    // MySQL/MariaDB keeps files in its database too (blobs/mysql-blob-store.ts).
    const MY = { ...PG, DATABASE_URL: 'mariadb://confab@db:3306/confab' };
    expect(loadConfig(MY).blobStore).toBe('mysql');
    expect(loadConfig({ ...MY, S3_BUCKET: 'b' }).blobStore).toBe('s3');
    expect(() => loadConfig({ ...MY, BLOB_STORE: 'postgres' })).toThrow(/BLOB_STORE=postgres: needs a PostgreSQL DATABASE_URL/);
    expect(
      loadConfig({
        S3_BUCKET: 'files',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        S3_ACCESS_KEY_ID: 'k',
        S3_SECRET_ACCESS_KEY: 's',
        S3_FORCE_PATH_STYLE: 'true',
      }).s3,
    ).toEqual({
      bucket: 'files',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      forcePathStyle: true,
    });
  });

  it('lists every bad file setting', () => {
    expect(problems({ BLOB_STORE: 's3' })).toEqual([expect.stringContaining('S3_BUCKET')]);
    expect(problems({ BLOB_STORE: 'postgres' })).toEqual([expect.stringContaining('PostgreSQL DATABASE_URL')]);
    expect(problems({ BLOB_STORE: 'mysql' })).toEqual([expect.stringContaining('MySQL or MariaDB DATABASE_URL')]);
    expect(problems({ BLOB_STORE: 'ftp' })).toEqual([expect.stringContaining('BLOB_STORE')]);
    expect(problems({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'k' })).toEqual([expect.stringContaining('set both or neither')]);
    expect(problems({ MAX_UPLOAD_BYTES: '10', UPLOAD_ORPHAN_TTL_SECONDS: '0', UPLOAD_QUOTA_BYTES: '-1' })).toHaveLength(3);
  });
});
