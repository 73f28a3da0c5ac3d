import type { EnvReader } from './env-reader.js';

/** Where file bytes live (blobs/): DATA_DIR, the PostgreSQL database (shared by nodes), or an S3-compatible bucket. */
export type BlobStoreKind = 'disk' | 'postgres' | 'mysql' | 's3';

export interface S3Settings {
  /** Unset: AWS's own endpoint for the region. */
  endpoint: string | null;
  bucket: string;
  region: string;
  /** Both or neither: neither leaves credentials to the AWS SDK's own chain (environment, instance role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  /** Bucket in the path (`host/bucket/key`), as most self-hosted S3-compatible servers want. */
  forcePathStyle: boolean;
}

export function readS3(read: EnvReader): S3Settings | null {
  const bucket = read.optional('S3_BUCKET');
  const accessKeyId = read.optional('S3_ACCESS_KEY_ID');
  const secretAccessKey = read.optional('S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === null) !== (secretAccessKey === null)) read.problem('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: set both or neither');
  if (bucket === null) return null;
  return {
    endpoint: read.optional('S3_ENDPOINT'),
    bucket,
    region: read.string('S3_REGION', 'us-east-1'),
    credentials: accessKeyId !== null && secretAccessKey !== null ? { accessKeyId, secretAccessKey } : null,
    forcePathStyle: read.bool('S3_FORCE_PATH_STYLE', false),
  };
}

/** BLOB_STORE, or by default S3 when a bucket is set, else the database of a PostgreSQL or MySQL store (nodes share it), else disk. */
export function chooseBlobStore(
  read: EnvReader,
  s3: S3Settings | null,
  database: 'postgres' | 'mysql' | null,
  problems: string[],
): BlobStoreKind {
  const automatic = s3 !== null ? 's3' : (database ?? 'disk');
  const chosen = read.oneOf('BLOB_STORE', automatic, ['disk', 'postgres', 'mysql', 's3']);
  if (chosen === 's3' && s3 === null) problems.push('BLOB_STORE=s3: set S3_BUCKET (and S3_ENDPOINT for a server other than AWS)');
  if (chosen === 'postgres' && database !== 'postgres') problems.push('BLOB_STORE=postgres: needs a PostgreSQL DATABASE_URL');
  if (chosen === 'mysql' && database !== 'mysql') problems.push('BLOB_STORE=mysql: needs a MySQL or MariaDB DATABASE_URL');
  return chosen;
}
