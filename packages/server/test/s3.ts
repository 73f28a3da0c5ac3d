import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from '../src/blob-config.js';
import type { ExternalService } from './services.js';

/**
 * The S3-compatible server the S3 blob driver is tested against: `s3rver` (a dev dependency), an
 * S3 server in Node that keeps objects on disk and implements the calls the driver makes —
 * multipart upload (create, parts, complete, abort), ranged GET, HEAD, DELETE, HeadBucket —
 * with S3's XML errors and status codes, path-style addressing. Started in the test process on
 * a random port. CONFAB_TEST_S3_ENDPOINT points the tests at another server instead (MinIO, AWS),
 * with CONFAB_TEST_S3_ACCESS_KEY_ID / CONFAB_TEST_S3_SECRET_ACCESS_KEY.
 */
export const s3Service: ExternalService = {
  name: 'an S3-compatible server (s3rver)',
  env: 'CONFAB_TEST_S3_ENDPOINT',
  where: () => process.env.CONFAB_TEST_S3_ENDPOINT ?? 'the s3rver dev dependency, started in-process',
  install: 'npm install (s3rver is a dev dependency of packages/server)',
  async probe() {
    const s3 = await startS3();
    await s3.close();
  },
};

export interface TestS3 {
  settings: S3Settings;
  /** The server's settings as environment variables for a Confab server. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A fresh bucket on the test S3 server (a new in-process s3rver unless CONFAB_TEST_S3_ENDPOINT is set). */
export async function startS3(): Promise<TestS3> {
  const bucket = `confab-test-${crypto.randomUUID().slice(0, 8)}`;
  let endpoint = process.env.CONFAB_TEST_S3_ENDPOINT;
  let stop = async () => {};
  const credentials = {
    accessKeyId: process.env.CONFAB_TEST_S3_ACCESS_KEY_ID ?? 'S3RVER',
    secretAccessKey: process.env.CONFAB_TEST_S3_SECRET_ACCESS_KEY ?? 'S3RVER',
  };
  if (endpoint === undefined) {
    const { default: S3rver } = await import('s3rver');
    const directory = mkdtempSync(path.join(tmpdir(), 'confab-s3-'));
    const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
    const { port } = (await server.run()) as { port: number };
    endpoint = `http://127.0.0.1:${port}`;
    stop = async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    };
  }
  const settings: S3Settings = { endpoint, bucket, region: 'us-east-1', credentials, forcePathStyle: true };
  const client = new S3Client({ endpoint, region: 'us-east-1', credentials, forcePathStyle: true });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    settings,
    env: {
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
    close: stop,
  };
}
